package adminui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type resp struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request to the real app as the holder of session token tok
// (the admin cookie over plain http); form, if set, is the POST body.
func do(t *testing.T, e *testenv.Env, method, path, tok string, form url.Values, hdr map[string]string) resp {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok != "" {
		req.AddCookie(&http.Cookie{Name: adminui.CookiePlain, Value: tok})
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

func checkHeaders(t *testing.T, what string, r resp) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s: header %s = %q, want %q", what, k, got, v)
		}
	}
	if strings.Contains(r.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Errorf("%s: CSP allows unsafe-inline", what)
	}
}

const xss = `<img src=x onerror=alert(1)>`

func TestHTTP(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("alpha")
		other := e.NewClinic("beta")
		art := e.Draft(c, c.Writer, "Sunscreen basics")
		base := "/admin/c/alpha"
		artPath := fmt.Sprintf("%s/articles/%d", base, art.ID)

		t.Run("headers on every admin response", func(t *testing.T) {
			for _, p := range []struct{ path, tok string }{
				{"/admin/login", ""}, {"/admin/static/admin.css", ""}, {"/admin/static/admin.js", ""},
				{"/admin/nope", c.Writer}, {base + "/", c.Writer}, {artPath, c.Writer}, {"/admin/c/beta/", c.Writer},
				{base + "/", ""}, // redirect to sign-in
			} {
				checkHeaders(t, p.path, do(t, e, "GET", p.path, p.tok, nil, nil))
			}
			r := do(t, e, "POST", artPath+"/submit", c.Writer, url.Values{}, nil)
			if r.Status != 403 {
				t.Errorf("POST without token: %d", r.Status)
			}
			checkHeaders(t, "403", r)
		})

		t.Run("sign in page and cookie", func(t *testing.T) {
			r := do(t, e, "GET", "/admin/login", "", nil, nil)
			if r.Status != 200 || !strings.Contains(r.Body, `name="password"`) {
				t.Fatalf("login page: %d", r.Status)
			}
			var tokCookie *http.Cookie
			for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
				if ck.Name == "cp_admin_login" {
					tokCookie = ck
				}
			}
			if tokCookie == nil {
				t.Fatal("no login token cookie")
			}
			form := url.Values{"email": {"writer@alpha.test"}, "password": {testenv.Password}, "_csrf": {tokCookie.Value}, "next": {"/admin/"}}
			req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(tokCookie)
			res, err := e.App.HTTP.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != 303 {
				t.Fatalf("login: %d", res.StatusCode)
			}
			var sess *http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == adminui.CookiePlain {
					sess = ck
				}
			}
			if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Secure {
				t.Fatalf("session cookie over plain http: %+v", sess)
			}
			// The sign-in form without its token is refused.
			form.Set("_csrf", "forged")
			if r := do(t, e, "POST", "/admin/login", "", form, nil); r.Status != 403 {
				t.Fatalf("login without token: %d", r.Status)
			}
			// An open redirect is not possible through next.
			if got := do(t, e, "GET", "/admin/login?next=//evil.example/", sess.Value, nil, nil); got.Header.Get("Location") != "/admin/" {
				t.Fatalf("next redirect: %q", got.Header.Get("Location"))
			}
		})

		t.Run("CSRF", func(t *testing.T) {
			tok := c.Writer
			edit := url.Values{"title": {"Changed by a forger"}, "body": {"x"}, "version": {fmt.Sprint(art.Version)}}
			cases := map[string]struct {
				form url.Values
				hdr  map[string]string
			}{
				"no token":        {edit, nil},
				"wrong token":     {withCSRF(edit, "AAAA"), nil},
				"other session":   {withCSRF(edit, adminui.CSRFToken(c.Doctor)), nil},
				"foreign origin":  {withCSRF(edit, adminui.CSRFToken(tok)), map[string]string{"Origin": "http://evil.example"}},
				"header mismatch": {edit, map[string]string{"X-CSRF-Token": "nope"}},
			}
			for name, tc := range cases {
				r := do(t, e, "POST", artPath, tok, tc.form, tc.hdr)
				if r.Status != 403 {
					t.Errorf("%s: status %d, want 403", name, r.Status)
				}
			}
			for _, p := range []string{artPath + "/submit", artPath + "/autosave", artPath + "/comments", "/admin/logout", "/admin/password", base + "/members"} {
				if r := do(t, e, "POST", p, tok, url.Values{"body": {"x"}}, nil); r.Status != 403 {
					t.Errorf("POST %s without token: %d", p, r.Status)
				}
			}
			var a testenv.Article
			e.MustDo("GET", testenv.ArticlePath("alpha", art.ID, ""), tok, nil, 200, &a)
			if a.Title != "Sunscreen basics" || a.Version != art.Version || a.Status != "draft" {
				t.Fatalf("a refused request changed the article: %+v", a)
			}
			// The session is still valid after a refused logout.
			if r := do(t, e, "GET", base+"/", tok, nil, nil); r.Status != 200 {
				t.Fatalf("session ended by a forged logout: %d", r.Status)
			}
			// With the right token the same save works.
			r := do(t, e, "POST", artPath, tok, withCSRF(edit, adminui.CSRFToken(tok)), nil)
			if r.Status != 303 {
				t.Fatalf("save with token: %d %s", r.Status, r.Body)
			}
			e.MustDo("GET", testenv.ArticlePath("alpha", art.ID, ""), tok, nil, 200, &a)
			if a.Title != "Changed by a forger" {
				t.Fatalf("save with token did not apply: %+v", a)
			}
			art = testenv.Article{ID: a.ID, Version: a.Version}
		})

		t.Run("escaping everywhere", func(t *testing.T) {
			e.CreateUser("evil@alpha.test", xss, false)
			et, _ := e.AddMember(c, c.Admin, "evil@alpha.test", "", "writer")
			var a testenv.Article
			e.MustDo("POST", testenv.ArticlePath("alpha", 0, ""), et, map[string]any{"title": xss, "slug": "xss-title",
				"summary": xss, "body": "Hello " + xss + "\n\n<script>alert(2)</script>", "tags": []string{xss}}, 201, &a)
			e.MustDo("POST", testenv.ArticlePath("alpha", a.ID, "/submit"), et, nil, 200, nil)
			p := fmt.Sprintf("%s/articles/%d", base, a.ID)
			do(t, e, "POST", p+"/comments", c.Doctor, url.Values{"_csrf": {adminui.CSRFToken(c.Doctor)}, "revision": {"1"}, "paragraph": {"0"}, "body": {xss}}, nil)
			for _, path := range []string{base + "/", base + "/articles", p, p + "/review", p + "/history", base + "/audit", base + "/review-queue", base + "/members"} {
				tok := c.Admin
				if strings.HasSuffix(path, "review-queue") || strings.HasSuffix(path, "/review") {
					tok = c.Doctor
				}
				if path == base+"/" {
					tok = et
				}
				r := do(t, e, "GET", path, tok, nil, nil)
				if r.Status != 200 {
					t.Errorf("%s: %d", path, r.Status)
					continue
				}
				if strings.Contains(r.Body, "<img src=x") || strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "onerror=alert(1)>") {
					t.Errorf("%s: unescaped markup in page", path)
				}
				if !strings.Contains(r.Body, "&lt;img src=x onerror=alert(1)&gt;") {
					t.Errorf("%s: title or name not shown as text", path)
				}
			}
			// The preview fragment is sanitised too.
			r := do(t, e, "POST", base+"/preview", c.Writer, url.Values{"body": {"<script>alert(1)</script>\n\n[x](javascript:alert(1))"}, "title": {xss}},
				map[string]string{"X-CSRF-Token": adminui.CSRFToken(c.Writer)})
			if r.Status != 200 || strings.Contains(r.Body, "<script") || strings.Contains(r.Body, "javascript:") || strings.Contains(r.Body, "<img src=x") {
				t.Fatalf("preview: %d %s", r.Status, r.Body)
			}
		})

		t.Run("another clinic answers 404", func(t *testing.T) {
			theirs := e.Draft(other, other.Writer, "Beta only")
			ob := "/admin/c/beta"
			op := fmt.Sprintf("%s/articles/%d", ob, theirs.ID)
			for _, p := range []string{ob + "/", ob + "/articles", ob + "/articles/new", op, op + "/review", op + "/history", ob + "/review-queue", ob + "/members", ob + "/settings", ob + "/audit",
				fmt.Sprintf("%s/articles/%d", base, theirs.ID), fmt.Sprintf("%s/articles/%d/review", base, theirs.ID)} {
				if r := do(t, e, "GET", p, c.Admin, nil, nil); r.Status != 404 {
					t.Errorf("GET %s: %d, want 404", p, r.Status)
				} else if strings.Contains(r.Body, "Beta only") {
					t.Errorf("GET %s leaks the title", p)
				}
			}
			tok := adminui.CSRFToken(c.Admin)
			for _, p := range []string{op, op + "/submit", op + "/publish", op + "/autosave", op + "/comments", ob + "/members", ob + "/settings",
				fmt.Sprintf("%s/articles/%d", base, theirs.ID)} {
				if r := do(t, e, "POST", p, c.Admin, url.Values{"_csrf": {tok}, "title": {"hijack"}, "body": {"x"}, "version": {"1"}}, nil); r.Status != 404 {
					t.Errorf("POST %s: %d, want 404", p, r.Status)
				}
			}
			var a testenv.Article
			e.MustDo("GET", testenv.ArticlePath("beta", theirs.ID, ""), other.Writer, nil, 200, &a)
			if a.Title != "Beta only" || a.Status != "draft" || a.Version != theirs.Version {
				t.Fatalf("another clinic's article changed: %+v", a)
			}
		})
	})
}

func withCSRF(v url.Values, tok string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set("_csrf", tok)
	return out
}
