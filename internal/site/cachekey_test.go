package site_test

import (
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/site"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestCacheKeyNormalised: Host and query-string spellings of one page
// (case, trailing dot, port, unknown parameters, repeated known ones)
// share one cache entry, and the page's links use the canonical host.
func TestCacheKeyNormalised(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("cachekey")
		a := live(e, c, "Normal key", "sneezes")
		host := c.Slug + ".test"
		path := "/articles/" + a.Slug
		first := get(t, e, host, path)
		if first.Status != 200 {
			t.Fatalf("GET: %d", first.Status)
		}
		n0, _, _, _, _ := e.App.Site.CacheStats()
		for _, v := range []struct{ host, path string }{
			{strings.ToUpper(host), path},
			{host + ".", path},
			{host + ":8443", path},
			{"CacheKey.Test.:1", path},
			{host, path + "?utm_source=x"},
			{host, path + "?a=1&b=2&c=3"},
			{host, path + "?" + strings.Repeat("z", 500) + "=1"},
		} {
			r := get(t, e, v.host, v.path)
			if r.Status != 200 {
				t.Errorf("%s%s: %d", v.host, v.path, r.Status)
			}
			if strings.Contains(string(r.Body), ":8443") || strings.Contains(string(r.Body), "CacheKey.Test") {
				t.Errorf("%s%s: page carries the request's host spelling", v.host, v.path)
			}
		}
		if n, _, _, _, _ := e.App.Site.CacheStats(); n != n0 {
			t.Errorf("cache entries %d -> %d after variants of one page", n0, n)
		}
		// The known parameters still make distinct pages.
		// The known parameters still make distinct pages; unknown ones
		// next to them add nothing.
		get(t, e, host, "/?before=x")
		n1, _, _, _, _ := e.App.Site.CacheStats()
		get(t, e, host, "/?before=x&utm=1")
		get(t, e, host, "/?utm=1&before=x&before=y")
		if n, _, _, _, _ := e.App.Site.CacheStats(); n != n1 {
			t.Errorf("known-parameter variants: cache entries %d, want %d", n, n1)
		}
	})
}

// TestPublicSecurityHeaders: every public answer (fresh render, cache
// hit, 404, unknown site) carries CSP without script, framing denial,
// nosniff and a referrer policy.
func TestPublicSecurityHeaders(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("headers")
		a := live(e, c, "Headers", "coughs")
		for _, v := range []struct{ host, path string }{
			{c.Slug + ".test", "/articles/" + a.Slug},
			{c.Slug + ".test", "/articles/" + a.Slug}, // now a cache hit
			{c.Slug + ".test", "/"},
			{c.Slug + ".test", "/no-such-page"},
			{"unknown.test", "/"},
		} {
			r := get(t, e, v.host, v.path)
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			if csp != site.PublicCSP || !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s%s: CSP %q", v.host, v.path, csp)
			}
			if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("%s%s: headers %v", v.host, v.path, h)
			}
			if strings.Contains(string(r.Body), "<script>") || strings.Contains(string(r.Body), " onload=") {
				t.Errorf("%s%s: inline script in a page the CSP would break", v.host, v.path)
			}
		}
	})
}
