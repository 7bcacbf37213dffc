package api_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// cookieDo sends a request authenticated by the session cookie (not a
// bearer header) with the given extra headers.
func cookieDo(e *testenv.Env, method, url, tok string, body string, hdr map[string]string) testenv.Response {
	e.T.Helper()
	req := httptest.NewRequest(method, url, bytes.NewReader([]byte(body)))
	req.Host = "admin.example"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: tok})
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return testenv.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// TestCookieWritesNeedSameOrigin: issue 9 Medium 2. A cookie-authenticated
// publish with a foreign Origin (or a cross-site Sec-Fetch-Site, or no
// origin signal at all) is refused with 403 csrf_failed and publishes
// nothing; the same call from the same origin, with the CSRF token, or
// with a bearer header works.
func TestCookieWritesNeedSameOrigin(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("csrf")
		for _, tc := range []struct {
			name string
			hdr  map[string]string
			want int
		}{
			{"foreign Origin", map[string]string{"Origin": "https://evil.example"}, 403},
			{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
			{"same-site fetch from a sibling", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://x.admin.example"}, 403},
			{"no origin signal", map[string]string{}, 403},
			{"null Origin", map[string]string{"Origin": "null"}, 403},
			{"wrong token", map[string]string{api.CSRFHeader: "00"}, 403},
			{"same Origin", map[string]string{"Origin": "https://admin.example"}, 200},
			{"same-origin fetch", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "https://admin.example"}, 200},
			{"token", map[string]string{api.CSRFHeader: api.CSRFToken(c.Admin)}, 200},
		} {
			a := e.Approved(c, "CSRF "+tc.name)
			before := countRows(t, d, "live_articles")
			r := cookieDo(e, "POST", testenv.ArticlePath(c.Slug, a.ID, "/publish"), c.Admin, "", tc.hdr)
			if r.Status != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.want)
				continue
			}
			after := countRows(t, d, "live_articles")
			if tc.want == 403 && (after != before || r.Code() != "csrf_failed") {
				t.Errorf("%s: refused (%s) but live articles %d -> %d", tc.name, r.Code(), before, after)
			}
		}
		// Reads need no proof, and hand the token to our own pages.
		r := cookieDo(e, "GET", "/api/v1/me", c.Admin, "", map[string]string{"Origin": "https://evil.example"})
		if r.Status != 200 || r.Header.Get(api.CSRFHeader) != api.CSRFToken(c.Admin) {
			t.Errorf("cookie GET: %d, token %q", r.Status, r.Header.Get(api.CSRFHeader))
		}
		// Bearer calls are unaffected by a foreign Origin.
		a := e.Approved(c, "CSRF bearer")
		req := httptest.NewRequest("POST", testenv.ArticlePath(c.Slug, a.ID, "/publish"), nil)
		req.Header.Set("Authorization", "Bearer "+c.Admin)
		req.Header.Set("Origin", "https://evil.example")
		res, _ := e.App.HTTP.Test(req, -1)
		if res.StatusCode != 200 {
			t.Errorf("bearer publish with a foreign Origin: %d", res.StatusCode)
		}
	})
}
