package adminui

import (
	"crypto/subtle"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/redirect"
)

type loginView struct {
	Email, Next, Token, Error string
	// AskCode shows the one-time code field (the account is under attack).
	AskCode bool
}

// safeNext keeps a post-sign-in redirect inside the admin: the target is
// parsed and rebuilt as a same-site path below Prefix (never copied), so it
// can neither leave the site nor put CR/LF into the Location header.
func safeNext(n string) string {
	return redirect.Under(n, Prefix, Prefix+"/")
}

// loginPage shows the sign-in form. A signed-in visitor goes straight on.
func (u *UI) loginPage(c *fiber.Ctx) error {
	if tok := c.Cookies(u.cookieName(c)); tok != "" {
		if _, _, err := u.accounts.Authenticate(c.UserContext(), tok); err == nil {
			return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
		}
	}
	return u.loginForm(c, fiber.StatusOK, loginView{Next: safeNext(c.Query("next"))})
}

// loginForm renders the form with a fresh login-CSRF token (double submit:
// the same random value in a cookie and a hidden field), so another site
// cannot sign a visitor into its own account.
func (u *UI) loginForm(c *fiber.Ctx, status int, v loginView) error {
	v.Token = randomToken()
	u.setCookie(c, loginCookie, v.Token, false, Prefix+"/login")
	return u.view(c, status, "login", &Page{Title: "Sign in", D: v})
}

// loginSubmit checks the credentials through account.Service.Login, which
// opens a brand-new session (a new id at every sign-in).
func (u *UI) loginSubmit(c *fiber.Ctx) error {
	v := loginView{Email: strings.TrimSpace(c.FormValue("email")), Next: safeNext(c.FormValue("next"))}
	want := c.Cookies(loginCookie)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(c.FormValue("_csrf"))) != 1 || !u.sameOrigin(c) {
		v.Error = "This sign-in form expired or did not come from this site. Try again."
		return u.loginForm(c, fiber.StatusForbidden, v)
	}
	pw := c.FormValue("password")
	if v.Email == "" || pw == "" {
		v.Error = "Enter your email and password."
		return u.loginForm(c, fiber.StatusUnprocessableEntity, v)
	}
	if len(v.Email) > 254 || len(pw) > 256 {
		v.Error = "The email or password is too long."
		return u.loginForm(c, fiber.StatusUnprocessableEntity, v)
	}
	code := strings.TrimSpace(c.FormValue("code"))
	if len(code) > 64 {
		code = ""
	}
	tok, _, usr, err := u.accounts.SignIn(c.UserContext(), account.SignInInput{Email: v.Email, Password: pw, ClientAddr: c.IP(), Code: code})
	if err != nil {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		v.Error = Message(e)
		v.AskCode = e.Code == "code_required" || e.Code == "invalid_code"
		if ra, ok := e.Extra["retry_after"].(int); ok { // 429 too_many_attempts, 503 busy
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ra))
		}
		return u.loginForm(c, e.Status, v)
	}
	if step, ok, err := u.accounts.BeginSecondStep(c.UserContext(), tok, usr.ID, relyingParty(c)); err != nil || ok {
		if err != nil {
			return err
		}
		return u.secondStepForm(c, fiber.StatusOK, step, v.Next, "")
	}
	u.setCookie(c, loginCookie, "", true, Prefix+"/login")
	u.setCookie(c, u.cookieName(c), tok, false, "/")
	u.flash(c, "ok", "You are signed in.")
	return c.Redirect(v.Next, fiber.StatusSeeOther)
}

// logout ends the session.
func (u *UI) logout(c *fiber.Ctx) error {
	if err := u.accounts.Logout(c.UserContext(), c.Locals("token").(string)); err != nil {
		return err
	}
	u.setCookie(c, u.cookieName(c), "", true, "/")
	u.flash(c, "ok", "You are signed out.")
	return c.Redirect(Prefix+"/login", fiber.StatusSeeOther)
}
