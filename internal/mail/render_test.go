package mail_test

import (
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mail"
)

const (
	inviteURL = "https://harbour.test/admin/invitations/tok-7f3a9c"
	unsubURL  = "https://harbour.test/admin/unsubscribe/u42?kind=review_requested"
)

var harbour = mail.Branding{Name: "Harbour Skin", Color: "#0a7d5a", LogoURL: "https://harbour.test/logo.png"}

// invitation is a security mail (no unsubscribe).
func invitation(to string, clinicID int64) mail.Message {
	return mail.Message{ClinicID: clinicID, To: to, Kind: mail.KindSecurity,
		Subject: "Invitation to join Harbour Skin as a doctor", Brand: harbour, Greeting: "Hello,",
		Paragraphs: []string{"Ana Admin invites you to join Harbour Skin on ClinicPress as a doctor.",
			"The link works once and expires in 72 hours."},
		ActionLabel: "Accept the invitation", ActionURL: inviteURL}
}

// reviewRequested is a notification mail, with text that needs escaping
// and a non-ASCII subject.
func reviewRequested(to string, clinicID int64) mail.Message {
	return mail.Message{ClinicID: clinicID, To: to, Kind: mail.KindNotification,
		Subject: "Review requested: Sonnenschutz für Kinder", Brand: harbour, Greeting: "Hello Dr Tan,",
		Paragraphs:  []string{"Wen Writer asks you to review <script>alert(1)</script> & \"friends\"."},
		ActionLabel: "Open the review screen", ActionURL: "https://harbour.test/admin/c/harbour/articles/7/review",
		UnsubscribeURL: unsubURL}
}

func TestRenderBothPartsInBranding(t *testing.T) {
	r, err := mail.Render(reviewRequested("dr.tan@harbour.test", 1))
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Review requested: Sonnenschutz für Kinder" {
		t.Errorf("subject %q", r.Subject)
	}
	for _, want := range []string{"Harbour Skin", "Hello Dr Tan,", `<script>alert(1)</script> & "friends"`,
		"Open the review screen:\nhttps://harbour.test/admin/c/harbour/articles/7/review", "Unsubscribe from mails like this one: " + unsubURL} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, r.Text)
		}
	}
	for _, want := range []string{`<h1 style="margin:0;font-size:20px;color:#0a7d5a;">Harbour Skin</h1>`,
		`<img src="https://harbour.test/logo.png" alt="Harbour Skin"`,
		`&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;friends&#34;`,
		`<a href="https://harbour.test/admin/c/harbour/articles/7/review"`,
		`<a href="https://harbour.test/admin/unsubscribe/u42?kind=review_requested"`} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, r.HTML)
		}
	}
	if strings.Contains(r.HTML, "<script>") {
		t.Error("HTML part carries unescaped markup from the text")
	}

	sec, err := mail.Render(invitation("new@harbour.test", 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{sec.Text, sec.HTML} {
		if strings.Contains(strings.ToLower(part), "unsubscribe") {
			t.Errorf("security mail offers to unsubscribe:\n%s", part)
		}
		if !strings.Contains(part, inviteURL) || !strings.Contains(part, "security message") {
			t.Errorf("security mail lacks its link or footer:\n%s", part)
		}
	}
}

func TestRenderDefaultsWithoutBranding(t *testing.T) {
	m := invitation("new@harbour.test", 0)
	m.Brand = mail.Branding{}
	r, err := mail.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, mail.DefaultColor) || !strings.Contains(r.HTML, ">ClinicPress</h1>") || strings.Contains(r.HTML, "<img") {
		t.Errorf("unbranded mail should use the default colour and name, no logo:\n%s", r.HTML)
	}
}

func TestBrandingNeverFailsAMail(t *testing.T) {
	m := invitation("new@harbour.test", 1)
	m.Brand = mail.Branding{Name: "Evil\r\nBcc: all@example.com", Color: "red;background:url(x)", LogoURL: "/media/logo.png"}
	r, err := mail.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "red;") || !strings.Contains(r.HTML, mail.DefaultColor) {
		t.Errorf("an invalid colour should become the default:\n%s", r.HTML)
	}
	if strings.Contains(r.HTML, "<img") {
		t.Errorf("a relative logo cannot show in a mail:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, ">Evil Bcc: all@example.com</h1>") || strings.Contains(r.Text, "Evil\r") {
		t.Errorf("control characters in the name should become spaces:\n%s", r.Text)
	}
	m.Brand.LogoURL = "http://harbour.test/logo.png"
	if r, _ := mail.Render(m); strings.Contains(r.HTML, "<img") {
		t.Errorf("a logo over plain http is left out:\n%s", r.HTML)
	}
}

func TestValidateRefuses(t *testing.T) {
	cases := map[string]struct {
		edit  func(*mail.Message)
		field string
	}{
		"CR/LF in subject":             {func(m *mail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }, "subject"},
		"empty subject":                {func(m *mail.Message) { m.Subject = "  " }, "subject"},
		"long subject":                 {func(m *mail.Message) { m.Subject = strings.Repeat("x", mail.MaxSubject+1) }, "subject"},
		"header injection in to":       {func(m *mail.Message) { m.To = "a@b.test\r\nBcc: c@d.test" }, "to"},
		"two recipients":               {func(m *mail.Message) { m.To = "a@b.test, c@d.test" }, "to"},
		"display name in to":           {func(m *mail.Message) { m.To = "Eve <eve@b.test>" }, "to"},
		"not an address":               {func(m *mail.Message) { m.To = "nobody" }, "to"},
		"unknown kind":                 {func(m *mail.Message) { m.Kind = "marketing" }, "kind"},
		"security with unsubscribe":    {func(m *mail.Message) { m.UnsubscribeURL = unsubURL }, "unsubscribe_url"},
		"notification w/o unsubscribe": {func(m *mail.Message) { m.Kind = mail.KindNotification }, "unsubscribe_url"},
		"javascript action":            {func(m *mail.Message) { m.ActionURL = "javascript:alert(1)" }, "action_url"},
		"relative action":              {func(m *mail.Message) { m.ActionURL = "/admin/c/x" }, "action_url"},
		"no action":                    {func(m *mail.Message) { m.ActionURL = "" }, "action_url"},
		"no body":                      {func(m *mail.Message) { m.Paragraphs = nil }, "paragraphs"},
		"CR/LF in unsubscribe link": {func(m *mail.Message) {
			m.Kind, m.UnsubscribeURL = mail.KindNotification, unsubURL+"\r\nBcc: x@y.test"
		}, "unsubscribe_url"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := invitation("new@harbour.test", 1)
			tc.edit(&m)
			_, err := mail.Render(m)
			e, ok := errs.As(err)
			if !ok || e.Code != "validation_failed" {
				t.Fatalf("want validation_failed, got %v", err)
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Errorf("want a problem with %s, got %+v", tc.field, e.Fields)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	good := map[string]struct {
		host string
		port int
		user string
		mode mail.TLSMode
		auth string
		pass bool
	}{
		"smtp://user:pa%40ss@mail.example.com:587":           {"mail.example.com", 587, "user", mail.TLSStartTLS, "auto", true},
		"smtp://mail.example.com":                            {"mail.example.com", 587, "", mail.TLSStartTLS, "auto", false},
		"smtps://u%40x.test:pw@mail.example.com":             {"mail.example.com", 465, "u@x.test", mail.TLSImplicit, "auto", true},
		"smtp://u:pw@mail.example.com:25?starttls=required":  {"mail.example.com", 25, "u", mail.TLSStartTLS, "auto", true},
		"smtp://relay.example.com:25?starttls=opportunistic": {"relay.example.com", 25, "", mail.TLSOpportunistic, "auto", false},
		"smtp://127.0.0.1:25?starttls=none":                  {"127.0.0.1", 25, "", mail.TLSNone, "auto", false},
		"smtp://u:pw@localhost:25?starttls=none&auth=plain":  {"localhost", 25, "u", mail.TLSNone, "plain", true},
		"smtp://u:pw@[::1]:2525?auth=login":                  {"::1", 2525, "u", mail.TLSStartTLS, "login", true},
	}
	for raw, want := range good {
		s, err := mail.ParseURL(raw)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if s.Host != want.host || s.Port != want.port || s.Username != want.user || s.TLS != want.mode || s.Auth != want.auth || s.HasPassword() != want.pass {
			t.Errorf("%s: got %+v", raw, s)
		}
		if strings.Contains(s.String(), "pw") || strings.Contains(s.String(), "pa%40ss") || strings.Contains(s.String(), "pa@ss") {
			t.Errorf("%s: String() shows the password: %s", raw, s)
		}
	}
	bad := map[string]string{
		"":                                       "empty",
		"http://user:topsecret@mail.example.com": "scheme",
		"mail.example.com:587":                   "scheme",
		"smtp://user:topsecret@":                 "host",
		"smtp://user:topsecret@mail.example.com:99999":                  "port",
		"smtp://user:topsecret@mail.example.com:abc":                    "cannot be read",
		"smtp://:topsecret@mail.example.com":                            "no user name",
		"smtp://user:topsecret@mail.example.com/x":                      "path",
		"smtp://user:topsecret@mail.example.com?starttls=maybe":         "starttls must be",
		"smtps://user:topsecret@mail.example.com?starttls=none":         "does not apply",
		"smtp://user:topsecret@mail.example.com?tls=1":                  "unknown parameter",
		"smtp://user:topsecret@mail.example.com?auth=ntlm":              "auth must be",
		"smtp://user:topsecret@mail.example.com?starttls=none":          "unencrypted",
		"smtp://user:topsecret@mail.example.com?starttls=opportunistic": "unencrypted",
		"smtp://user:topsecret@mail.example.com\r\n":                    "control",
		"smtp://user:topsecret@mail.example.com?auth=plain&auth=login":  "more than once",
		"smtp://user:top%zzsecret@mail.example.com":                     "cannot be read",
	}
	for raw, want := range bad {
		_, err := mail.ParseURL(raw)
		if err == nil {
			t.Errorf("%q: accepted", raw)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %q does not say %q", raw, err, want)
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: error shows the password: %v", raw, err)
		}
	}
}

func TestParseFrom(t *testing.T) {
	addr, name, err := mail.ParseFrom("ClinicPress <noreply@clinic.example>")
	if err != nil || addr != "noreply@clinic.example" || name != "ClinicPress" {
		t.Errorf("got %q %q %v", addr, name, err)
	}
	for _, bad := range []string{"", "noreply", "a@b.test\r\nBcc: c@d.test", "a@b.test, c@d.test"} {
		if _, _, err := mail.ParseFrom(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
