package adminui_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// hostile are "next" values (as the query or form decodes them) that try
// to split the response or leave the site; none may plant a header or
// send the browser elsewhere.
var hostile = []string{
	"/admin/\r\nSet-Cookie: planted=1",
	"/admin/c/x\r\nSet-Cookie:planted=1\r\n",
	"/admin/?x=1\nSet-Cookie: planted=1",
	"/admin/%0D%0ASet-Cookie:%20planted=1",
	"/admin/?x=%0d%0aSet-Cookie:planted=1",
	"/admin/\rSet-Cookie: planted=1",
	"//evil.test/admin/",
	"/\\evil.test/admin/",
	"https://evil.test/admin/",
	"/admin/../api/v1/me",
	"/admin/\\..\\evil",
}

// noPlanted fails when a response carries a header the attacker wrote.
func noPlanted(t *testing.T, what string, h http.Header) {
	t.Helper()
	for k, vs := range h {
		for _, v := range vs {
			if strings.Contains(v, "planted") || strings.ContainsAny(v, "\r\n") {
				t.Errorf("%s: header %s: %q", what, k, v)
			}
		}
	}
	loc := h.Get("Location")
	if loc == "" || !strings.HasPrefix(loc, "/admin") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "\\") {
		t.Errorf("%s: Location %q leaves the admin", what, loc)
	}
}

// TestLoginNextIsRebuilt: "next" on /admin/login can neither split the 303
// (signed-in GET) nor be carried through the hidden field (signed-out
// form) into a header; harmless targets survive, rebuilt.
func TestLoginNextIsRebuilt(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.NewClinic("alpha")
		tok := e.Login("writer@alpha.test")
		for _, n := range hostile {
			r := do(t, e, "GET", "/admin/login?next="+url.QueryEscape(n), tok, nil, nil)
			if r.Status != 303 {
				t.Fatalf("signed-in GET next=%q: %d", n, r.Status)
			}
			noPlanted(t, "signed-in GET next="+n, r.Header)
			if r.Header.Get("Location") != "/admin/" {
				t.Errorf("next=%q: Location %q, want /admin/", n, r.Header.Get("Location"))
			}
		}
		if r := do(t, e, "GET", "/admin/login?next="+url.QueryEscape("/admin/c/alpha/articles?status=draft&a=1"), tok, nil, nil); r.Header.Get("Location") != "/admin/c/alpha/articles?a=1&status=draft" {
			t.Errorf("harmless next: Location %q", r.Header.Get("Location"))
		}

		hidden := regexp.MustCompile(`name="next" value="([^"]*)"`)
		for _, n := range hostile {
			// The form shown to a signed-out visitor carries only a
			// rebuilt target.
			r := do(t, e, "GET", "/admin/login?next="+url.QueryEscape(n), "", nil, nil)
			m := hidden.FindStringSubmatch(r.Body)
			if r.Status != 200 || m == nil {
				t.Fatalf("signed-out GET next=%q: %d", n, r.Status)
			}
			if v := html.UnescapeString(m[1]); v != "/admin/" {
				t.Errorf("hidden next for %q is %q", n, v)
			}
			var login *http.Cookie
			for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
				if ck.Name == "cp_admin_login" {
					login = ck
				}
			}
			// A forged form posts the hostile value straight.
			form := url.Values{"email": {"writer@alpha.test"}, "password": {testenv.Password}, "_csrf": {login.Value}, "next": {n}}
			req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(login)
			res, err := e.App.HTTP.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 303 {
				t.Fatalf("POST next=%q: %d", n, res.StatusCode)
			}
			noPlanted(t, "POST next="+n, res.Header)
			for _, ck := range res.Cookies() {
				if ck.Name == "planted" {
					t.Errorf("POST next=%q planted a cookie", n)
				}
			}
			if sess := res.Cookies(); len(sess) == 0 {
				t.Errorf("POST next=%q: no session cookie", n)
			}
		}
	})
}

// TestLoginFormRetryAfter: a refused sign-in on the admin form (429
// too_many_attempts; 503 busy works the same way) tells the browser when
// to come back, like the API does.
func TestLoginFormRetryAfter(t *testing.T) {
	d := testenv.OpenSQLite(t)
	e := testenv.New(t, d)
	e.CreateUser("form@retry.test", "Form", false)
	var last *http.Response
	for i := 0; i < 6; i++ {
		r := do(t, e, "GET", "/admin/login", "", nil, nil)
		var login *http.Cookie
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if ck.Name == "cp_admin_login" {
				login = ck
			}
		}
		form := url.Values{"email": {"form@retry.test"}, "password": {"wrong guess"}, "_csrf": {login.Value}, "next": {"/admin/"}}
		req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(login)
		res, err := e.App.HTTP.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth wrong sign-in: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
}
