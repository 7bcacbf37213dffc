package adminui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestBrowserPasskeySignOff: a new doctor is checked by a credential
// verifier on the "Verify doctors" screen, registers a passkey with
// Chrome's virtual authenticator (DevTools WebAuthn domain: CTAP2,
// internal transport, user verification) and approves an article with a
// passkey assertion; the review records the passkey signature.
func TestBrowserPasskeySignOff(t *testing.T) {
	w := newWorld(t)
	// WebAuthn needs a domain as relying party ID, not an IP address:
	// the browser talks to 127.0.0.1 under the name localhost.
	w.url = strings.Replace(w.url, "127.0.0.1", "localhost", 1)
	var m struct{ UserID int64 }
	_, m.UserID = w.e.AddMember(w.c, w.e.Platform, "nadia@alpha.test", "Nadia Rahman", authz.RoleDoctor)
	w.e.MustDo("PATCH", fmt.Sprintf("/api/v1/clinics/alpha/members/%d", m.UserID), w.e.Platform, map[string]any{
		"doctor": map[string]string{"registration_number": "M55555K", "specialty": "Dermatology", "credentials_expire_on": "2030-06-30"}}, 200, nil)
	a := w.e.Draft(w.c, w.c.Writer, "Passkey signed")
	w.e.MustDo("POST", testenv.ArticlePath("alpha", a.ID, "/submit"), w.c.Writer, nil, 200, &a)

	doc := w.person("nadia@alpha.test")
	w.do(doc, chromedp.Navigate(w.path(a.ID, "/review")), waitText("#no-approve", "credential verifier has not yet checked"))

	ver := w.person("verifier@platform.test")
	w.do(ver, chromedp.Navigate(w.url+"/admin/verify-doctors"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("verify-%d", m.UserID))),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("ref-%d", m.UserID)), "SMC register: M55555K, full registration"),
		chromedp.Click(chromedp.ID(fmt.Sprintf("verify-%d", m.UserID))), waitText("#flash", "was checked in the register"))
	w.shot(ver, "30-verifier-recorded")

	if _, err := chromedp.Call(doc, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(doc, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
		HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}}); err != nil {
		t.Fatal(err)
	}
	w.do(doc, chromedp.Navigate(w.url+"/admin/security"), chromedp.WaitVisible(chromedp.ID("add-passkey")),
		chromedp.Click(chromedp.ID("add-passkey")), waitText("#recovery-codes", "Your recovery codes"), waitText("#factors", "Passkeys: 1"))
	w.shot(doc, "31-passkey-added")

	// Signing in again now asks for the passkey after the password.
	w.do(doc, chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "nadia@alpha.test"), chromedp.SendKeys(chromedp.ID("password"), testenv.Password),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.ID("login-passkey")))
	w.shot(doc, "33-second-step")
	w.do(doc, chromedp.Click(chromedp.ID("login-passkey")), chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Main]")))

	w.do(doc, chromedp.Navigate(w.path(a.ID, "/review")), chromedp.WaitVisible(chromedp.ID("sign-approve-passkey")))
	w.shot(doc, "32-sign-with-passkey")
	w.do(doc, chromedp.Click(chromedp.ID("attest")), chromedp.Click(chromedp.ID("sign-approve-passkey")), waitText("#flash", "You approved revision"))
	var rs struct {
		Reviews []struct {
			DoctorID        int64  `json:"doctor_id"`
			SignatureMethod string `json:"signature_method"`
		}
	}
	w.e.MustDo("GET", testenv.ArticlePath("alpha", a.ID, "/reviews"), w.c.Writer, nil, 200, &rs)
	if len(rs.Reviews) != 1 || rs.Reviews[0].DoctorID != m.UserID || rs.Reviews[0].SignatureMethod != "passkey" {
		t.Fatalf("reviews %+v", rs.Reviews)
	}
	if got := w.article(a.ID); got.Status != "approved" || got.Approval == nil || got.Approval.ContentHash != a.ContentHash {
		t.Fatalf("approval with a passkey: %+v", got)
	}
}
