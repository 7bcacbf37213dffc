package adminui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestBrowserInvitationAndReset: a clinic admin invites a new writer on
// the Members screen; the writer reads the invitation from the test SMTP
// server, chooses a name and password and is signed in; later the
// writer forgets the password and resets it from the mailed link.
func TestBrowserInvitationAndReset(t *testing.T) {
	w := newWorld(t)
	local := func(link string) string {
		if !strings.HasPrefix(link, testenv.BaseURL+"/admin/") {
			t.Fatalf("mailed link %q", link)
		}
		return w.url + strings.TrimPrefix(link, testenv.BaseURL)
	}
	admin := w.person("admin@alpha.test")
	w.do(admin, chromedp.Navigate(w.url+"/admin/c/alpha/members"), chromedp.WaitVisible(chromedp.ID("m-email")),
		chromedp.SendKeys(chromedp.ID("m-email"), "newbie@alpha.test"), chromedp.Click(chromedp.ID("invite")),
		waitText("#flash", "Invitation sent to newbie@alpha.test"), waitText("main", "Pending invitations"), waitText("tr.invitation", "newbie@alpha.test"))

	invite := local(w.e.LastMail("newbie@alpha.test").Link("/admin/invite/"))
	newbie := w.person("")
	w.do(newbie, chromedp.Navigate(invite), waitText("h1", "Join Clinic alpha"),
		chromedp.SendKeys(chromedp.ID("inv-name"), "Nina Newbie"),
		chromedp.SendKeys(chromedp.ID("inv-pw"), testenv.Password), chromedp.SendKeys(chromedp.ID("inv-pw2"), testenv.Password),
		chromedp.Click(chromedp.ID("accept")), waitText("#flash", "Welcome to Clinic alpha"), waitText(".who", "Nina Newbie"))
	// The link worked once.
	w.do(newbie, chromedp.Navigate(invite), waitText("main", "already used"))
	// Signing in with the password she chose works in a fresh browser.
	w.person("newbie@alpha.test")

	forgot := w.person("")
	w.do(forgot, chromedp.Navigate(w.url+"/admin/login"), chromedp.Click(chromedp.ID("forgot")),
		chromedp.WaitVisible(chromedp.ID("fg-email")), chromedp.SendKeys(chromedp.ID("fg-email"), "newbie@alpha.test"),
		chromedp.Click(chromedp.ID("send-reset")), waitText("main", "is on its way"))
	reset := local(w.e.LastMail("newbie@alpha.test").Link("/admin/reset/"))
	const fresh = "a fresh new password"
	w.do(forgot, chromedp.Navigate(reset), chromedp.WaitVisible(chromedp.ID("rs-pw")),
		chromedp.SendKeys(chromedp.ID("rs-pw"), fresh), chromedp.SendKeys(chromedp.ID("rs-pw2"), fresh),
		chromedp.Click(chromedp.ID("set-password")), waitText("#flash", "Your new password is set"),
		chromedp.SendKeys(chromedp.ID("email"), "newbie@alpha.test"), chromedp.SendKeys(chromedp.ID("password"), fresh),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Main]")))
	// The old session of the first browser ended with the reset.
	w.do(newbie, chromedp.Navigate(w.url+"/admin/c/alpha/articles"), chromedp.WaitVisible(chromedp.ID("email")))
}
