package adminui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

var csrfFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// publicForm GETs a signed-out form and returns its double-submit cookie
// and hidden token.
func publicForm(t *testing.T, e *testenv.Env, path, cookie string) (*http.Cookie, string) {
	t.Helper()
	r := do(t, e, "GET", path, "", nil, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var ck *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == cookie {
			ck = c
		}
	}
	m := csrfFieldRE.FindStringSubmatch(r.Body)
	if ck == nil || m == nil {
		t.Fatalf("GET %s: no form token", path)
	}
	return ck, m[1]
}

func postPublic(t *testing.T, e *testenv.Env, path string, ck *http.Cookie, form url.Values) resp {
	t.Helper()
	return do(t, e, "POST", path, "", form, map[string]string{"Cookie": ck.Name + "=" + ck.Value})
}

// TestHTTPPeopleScreens: the Outbox for platform admins only (with its
// nav link); the forgot-password page says the same for known and unknown
// addresses; an existing person accepts an invitation in one click once
// signed in; the sign-in form asks for the mailed code while the account
// is under attack and signs in with it.
func TestHTTPPeopleScreens(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("alpha")
		other := e.NewClinic("beta")

		// Outbox.
		e.Invite(c, c.Admin, "outboxed@alpha.test", "writer")
		e.DeliverMail()
		r := do(t, e, "GET", "/admin/outbox", e.Platform, nil, nil)
		if r.Status != 200 || !strings.Contains(r.Body, "You are invited to join Clinic alpha") || !strings.Contains(r.Body, "outboxed@alpha.test") {
			t.Fatalf("outbox: %d %s", r.Status, r.Body)
		}
		if r := do(t, e, "GET", "/admin/clinics", e.Platform, nil, nil); !strings.Contains(r.Body, `href="/admin/outbox"`) {
			t.Fatal("no Outbox link for the platform admin")
		}
		if r := do(t, e, "GET", "/admin/outbox", c.Admin, nil, nil); r.Status != 403 {
			t.Fatalf("outbox for a clinic admin: %d", r.Status)
		}
		if r := do(t, e, "GET", "/admin/c/alpha/", c.Admin, nil, nil); strings.Contains(r.Body, `href="/admin/outbox"`) {
			t.Fatal("Outbox link shown to a clinic admin")
		}

		// Members: invite on the screen, shown as pending.
		r = do(t, e, "POST", "/admin/c/alpha/members", c.Admin, url.Values{"_csrf": {adminui.CSRFToken(c.Admin)}, "email": {"doctor@beta.test"}, "role": {"doctor"}}, nil)
		if r.Status != 303 {
			t.Fatalf("invite on the screen: %d %s", r.Status, r.Body)
		}
		if r := do(t, e, "GET", "/admin/c/alpha/members", c.Admin, nil, nil); !strings.Contains(r.Body, "doctor@beta.test") || !strings.Contains(r.Body, "pending") || strings.Contains(r.Body, `name="password"`) {
			t.Fatalf("members screen: pending invitation missing or a password field present")
		}

		// Accept as an existing account.
		link := e.LastMail("doctor@beta.test").Link("/admin/invite/")
		path := strings.TrimPrefix(link, testenv.BaseURL)
		if r := do(t, e, "GET", path, "", nil, nil); r.Status != 200 || !strings.Contains(r.Body, "Sign in as doctor@beta.test") {
			t.Fatalf("invite page signed out: %d %s", r.Status, r.Body)
		}
		if r := do(t, e, "GET", path, other.Doctor, nil, nil); !strings.Contains(r.Body, `id="accept"`) {
			t.Fatalf("invite page signed in: %s", r.Body)
		}
		if r := do(t, e, "POST", path, other.Writer, url.Values{"_csrf": {adminui.CSRFToken(other.Writer)}}, nil); r.Status != 403 {
			t.Fatalf("accept as someone else: %d", r.Status)
		}
		r = do(t, e, "POST", path, other.Doctor, url.Values{"_csrf": {adminui.CSRFToken(other.Doctor)}}, nil)
		if r.Status != 303 || r.Header.Get("Location") != "/admin/c/alpha/" {
			t.Fatalf("accept: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := do(t, e, "GET", "/admin/c/alpha/", other.Doctor, nil, nil); r.Status != 200 {
			t.Fatalf("the new member cannot open the clinic: %d", r.Status)
		}

		// Forgot password: the same page for known and unknown addresses.
		pages := map[string]string{}
		for _, email := range []string{"writer@alpha.test", "nobody@alpha.test"} {
			ck, tok := publicForm(t, e, "/admin/forgot", "cp_admin_form")
			r := postPublic(t, e, "/admin/forgot", ck, url.Values{"_csrf": {tok}, "email": {email}})
			if r.Status != 200 || !strings.Contains(r.Body, "is on its way") {
				t.Fatalf("forgot %s: %d %s", email, r.Status, r.Body)
			}
			pages[email] = strings.ReplaceAll(r.Body, email, "EMAIL")
		}
		if pages["writer@alpha.test"] != pages["nobody@alpha.test"] {
			t.Fatal("the forgot-password page differs for a known and an unknown address")
		}
		if r := do(t, e, "GET", "/admin/login", "", nil, nil); !strings.Contains(r.Body, `href="/admin/forgot"`) {
			t.Fatal("no Forgot password? link on the sign-in page")
		}

		// Under attack: the form asks for the code and signs in with it.
		for i := 0; i < 6; i++ {
			e.App.Accounts.Login(context.Background(), "writer@alpha.test", "guess", fmt.Sprintf("198.51.100.%d", i))
		}
		ck, tok := publicForm(t, e, "/admin/login", "cp_admin_login")
		form := url.Values{"_csrf": {tok}, "email": {"writer@alpha.test"}, "password": {testenv.Password}, "next": {"/admin/"}}
		r = do(t, e, "POST", "/admin/login", "", form, map[string]string{"Cookie": ck.Name + "=" + ck.Value})
		if r.Status != 401 || !strings.Contains(r.Body, `id="code"`) {
			t.Fatalf("sign-in under attack: %d %s", r.Status, r.Body)
		}
		code := regexp.MustCompile(`(?m)^\s*(\d{6})\s*$`).FindStringSubmatch(e.LastMail("writer@alpha.test").Text)
		if code == nil {
			t.Fatal("no code mailed")
		}
		ck, tok = publicForm(t, e, "/admin/login", "cp_admin_login")
		form.Set("_csrf", tok)
		form.Set("code", code[1])
		r = do(t, e, "POST", "/admin/login", "", form, map[string]string{"Cookie": ck.Name + "=" + ck.Value})
		if r.Status != 303 {
			t.Fatalf("sign-in with the code: %d %s", r.Status, r.Body)
		}
	})
}
