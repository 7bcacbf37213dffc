package adminui

import (
	"crypto/subtle"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// secondStepView is the sign-in's second screen: the password was right,
// now the authenticator code, a recovery code or the passkey.
type secondStepView struct {
	Token, Ticket, Next, Error string
	TOTP, Passkey, Recovery    bool
	Options                    string
}

func (u *UI) secondStepForm(c *fiber.Ctx, status int, step account.SecondStep, next, msg string) error {
	v := secondStepView{Token: randomToken(), Ticket: step.Ticket, Next: next, Error: msg}
	for _, m := range step.Methods {
		switch m {
		case "totp":
			v.TOTP = true
		case "passkey":
			v.Passkey = step.PublicKey != nil
		case "recovery_code":
			v.Recovery = true
		}
	}
	if v.Passkey {
		b, _ := json.Marshal(step.PublicKey)
		v.Options = string(b)
	}
	u.setCookie(c, loginCookie, v.Token, false, Prefix+"/login")
	return u.view(c, status, "login2", &Page{Title: "Sign in: second step", D: v})
}

// secondStepSubmit finishes a sign-in with the second factor.
func (u *UI) secondStepSubmit(c *fiber.Ctx) error {
	want := c.Cookies(loginCookie)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(c.FormValue("_csrf"))) != 1 || !u.sameOrigin(c) {
		return u.loginForm(c, fiber.StatusForbidden, loginView{Error: "This sign-in form expired or did not come from this site. Try again."})
	}
	next := safeNext(c.FormValue("next"))
	tok, _, _, err := u.accounts.FinishSecondStep(c.UserContext(), c.FormValue("ticket"), account.SecondProof{TOTP: c.FormValue("totp"),
		RecoveryCode: c.FormValue("recovery_code"), Assertion: []byte(c.FormValue("assertion"))})
	if e, ok := errs.As(err); ok {
		return u.loginForm(c, e.Status, loginView{Next: next, Error: "The second factor was not accepted; sign in again."})
	} else if err != nil {
		return err
	}
	u.setCookie(c, loginCookie, "", true, Prefix+"/login")
	u.setCookie(c, u.cookieName(c), tok, false, "/")
	u.flash(c, "ok", "You are signed in.")
	return c.Redirect(next, fiber.StatusSeeOther)
}
