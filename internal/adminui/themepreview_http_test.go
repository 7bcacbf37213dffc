package adminui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

const frameCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// The editor's preview in the clinic's theme: a page of its own, rendered
// by the theme engine, with a script-free policy that only the admin may
// frame.
func TestThemePreviewFrame(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("alpha")
		other := e.NewClinic("beta")
		art := e.Draft(c, c.Writer, "Sunscreen basics")
		base := "/admin/c/alpha"
		framePath := fmt.Sprintf("%s/articles/%d/preview-frame", base, art.ID)
		tok := adminui.CSRFToken(c.Writer)
		form := url.Values{"_csrf": {tok}, "title": {xss}, "summary": {"Why & how"}, "tags": {"Skin, sun"},
			"body": {"## Why it matters\n\nDaily use.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"}}

		t.Run("themed page with the frame's own headers", func(t *testing.T) {
			for _, th := range []string{"clinical", "serene"} {
				e.MustDo("PATCH", "/api/v1/clinics/alpha", c.Admin, map[string]any{"theme": th}, 200, nil)
				marker := map[string]string{"clinical": `<div class="bar">`, "serene": `class="masthead"`}[th]
				for _, p := range []string{framePath, base + "/preview-frame"} {
					r := do(t, e, "POST", p, c.Writer, form, nil)
					if r.Status != 200 {
						t.Fatalf("%s %s: %d %s", th, p, r.Status, r.Body)
					}
					if !strings.Contains(r.Body, marker) {
						t.Errorf("%s %s: not rendered with the clinic's theme (no %s)", th, p, marker)
					}
					for _, want := range []string{`<div class="preview" role="status">`, "Patients cannot see this version yet",
						`<meta name="robots" content="noindex">`, "&lt;img src=x onerror=alert(1)&gt;", `id="why-it-matters"`,
						"Written by Writer alpha", "Why &amp; how", ">skin</a>", "Clinic alpha"} {
						if !strings.Contains(r.Body, want) {
							t.Errorf("%s %s: missing %q", th, p, want)
						}
					}
					for _, bad := range []string{"<img src=x", "<script", "javascript:", "Medically reviewed by"} {
						if strings.Contains(r.Body, bad) {
							t.Errorf("%s %s: contains %q", th, p, bad)
						}
					}
					want := map[string]string{
						"Content-Security-Policy": frameCSP,
						"X-Frame-Options":         "SAMEORIGIN",
						"Cache-Control":           "no-store",
						"X-Robots-Tag":            "noindex",
						"Referrer-Policy":         "same-origin",
						"X-Content-Type-Options":  "nosniff",
					}
					for k, v := range want {
						if got := r.Header.Get(k); got != v {
							t.Errorf("%s: header %s = %q, want %q", p, k, got, v)
						}
					}
				}
			}
			// The rest of the admin keeps its own strict headers, the editor
			// included, and the editor offers the frame.
			r := do(t, e, "GET", fmt.Sprintf("%s/articles/%d", base, art.ID), c.Writer, nil, nil)
			checkHeaders(t, "editor", r)
			for _, want := range []string{`<iframe name="themepreview"`, `title="Preview in the clinic's theme"`,
				`formaction="` + framePath + `" formtarget="themepreview"`} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("editor: missing %s", want)
				}
			}
			r = do(t, e, "GET", base+"/articles/new", c.Writer, nil, nil)
			checkHeaders(t, "new", r)
			if !strings.Contains(r.Body, `formaction="`+base+`/preview-frame" formtarget="themepreview"`) {
				t.Error("new article editor: no theme preview button")
			}
		})

		t.Run("bylines stay honest", func(t *testing.T) {
			a := e.Approved(c, "Approved text")
			var full struct {
				Title, Summary, Body string
				Tags                 []string
				Slug                 string
			}
			e.MustDo("GET", testenv.ArticlePath("alpha", a.ID, ""), c.Writer, nil, 200, &full)
			p := fmt.Sprintf("%s/articles/%d/preview-frame", base, a.ID)
			same := url.Values{"_csrf": {tok}, "title": {full.Title}, "slug": {full.Slug}, "summary": {full.Summary},
				"tags": {strings.Join(full.Tags, ", ")}, "body": {full.Body}}
			r := do(t, e, "POST", p, c.Writer, same, nil)
			if r.Status != 200 || !strings.Contains(r.Body, "Medically reviewed by Dr Doctor alpha") ||
				!strings.Contains(r.Body, fmt.Sprintf("of revision %d.", a.Revision)) {
				t.Fatalf("unchanged approved text: %d, reviewer or revision missing\n%s", r.Status, r.Body)
			}
			changed := withCSRF(same, tok)
			changed.Set("body", full.Body+"\n\nA new sentence.")
			r = do(t, e, "POST", p, c.Writer, changed, nil)
			if r.Status != 200 || strings.Contains(r.Body, "Medically reviewed by") ||
				!strings.Contains(r.Body, fmt.Sprintf("of revision %d.", a.Revision+1)) {
				t.Fatalf("changed text shown as reviewed or with the wrong revision: %d\n%s", r.Status, r.Body)
			}
		})

		t.Run("CSRF required", func(t *testing.T) {
			for name, tc := range map[string]struct {
				form url.Values
				hdr  map[string]string
			}{
				"no token":       {url.Values{"title": {"x"}}, nil},
				"wrong token":    {url.Values{"title": {"x"}, "_csrf": {"AAAA"}}, nil},
				"foreign origin": {url.Values{"title": {"x"}, "_csrf": {tok}}, map[string]string{"Origin": "http://evil.example"}},
			} {
				for _, p := range []string{framePath, base + "/preview-frame"} {
					r := do(t, e, "POST", p, c.Writer, tc.form, tc.hdr)
					if r.Status != 403 {
						t.Errorf("%s %s: %d, want 403", name, p, r.Status)
					}
					if got := r.Header.Get("Content-Security-Policy"); got == frameCSP || !strings.Contains(got, "script-src 'self'") {
						t.Errorf("%s %s: the refusal carries %q", name, p, got)
					}
				}
			}
			// Signed out, nothing is rendered.
			if r := do(t, e, "POST", framePath, "", form, nil); r.Status == 200 {
				t.Errorf("signed out: %d", r.Status)
			}
		})

		t.Run("another clinic's article is 404", func(t *testing.T) {
			theirs := e.Draft(other, other.Writer, "Beta only")
			for _, p := range []string{
				fmt.Sprintf("/admin/c/beta/articles/%d/preview-frame", theirs.ID),
				fmt.Sprintf("%s/articles/%d/preview-frame", base, theirs.ID),
				"/admin/c/beta/preview-frame",
				base + "/articles/999999/preview-frame",
			} {
				r := do(t, e, "POST", p, c.Writer, form, nil)
				if r.Status != 404 {
					t.Errorf("%s: %d, want 404", p, r.Status)
				}
				if strings.Contains(r.Body, "Beta only") || strings.Contains(r.Body, "Clinic beta") {
					t.Errorf("%s leaks the other clinic", p)
				}
				if r.Header.Get("Content-Security-Policy") == frameCSP {
					t.Errorf("%s: 404 answered with the frame's policy", p)
				}
			}
		})
	})
}
