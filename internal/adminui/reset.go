package adminui

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/errs"
)

type forgotView struct {
	Email, FormToken, Error string
	Sent                    bool
}

// forgotPage asks for the address to send a reset link to.
func (u *UI) forgotPage(c *fiber.Ctx) error {
	return u.view(c, fiber.StatusOK, "forgot", &Page{Title: "Forgot password",
		D: forgotView{FormToken: u.formToken(c, Prefix+"/forgot")}})
}

// forgotSubmit mails a reset link if the address has an account; the page
// says the same either way.
func (u *UI) forgotSubmit(c *fiber.Ctx) error {
	v := forgotView{Email: strings.TrimSpace(c.FormValue("email"))}
	if !u.formTokenOK(c) {
		v.FormToken, v.Error = u.formToken(c, Prefix+"/forgot"), "This form expired or did not come from this site. Try again."
		return u.view(c, fiber.StatusForbidden, "forgot", &Page{Title: "Forgot password", D: v})
	}
	if err := u.accounts.RequestReset(c.UserContext(), v.Email, c.IP()); err != nil {
		e, ok := isUserError(err)
		if !ok {
			return err
		}
		v.FormToken, v.Error = u.formToken(c, Prefix+"/forgot"), Message(e)
		return u.view(c, e.Status, "forgot", &Page{Title: "Forgot password", D: v})
	}
	v.Sent = true
	return u.view(c, fiber.StatusOK, "forgot", &Page{Title: "Forgot password", D: v})
}

type resetView struct {
	Path, FormToken, Error string
}

func resetPath(tok string) string { return Prefix + "/reset/" + url.PathEscape(tok) }

// resetPage shows the new-password form of a valid reset link.
func (u *UI) resetPage(c *fiber.Ctx) error {
	tok := c.Params("token")
	if err := u.accounts.ResetTokenValid(c.UserContext(), tok); err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "reset", &Page{Title: "Choose a new password",
		D: resetView{Path: resetPath(tok), FormToken: u.formToken(c, resetPath(tok))}})
}

// resetSubmit sets the new password (ending every session) and sends the
// person to sign in with it.
func (u *UI) resetSubmit(c *fiber.Ctx) error {
	tok := c.Params("token")
	v := resetView{Path: resetPath(tok)}
	again := func(status int, msg string) error {
		v.FormToken, v.Error = u.formToken(c, v.Path), msg
		return u.view(c, status, "reset", &Page{Title: "Choose a new password", D: v})
	}
	if !u.formTokenOK(c) {
		return again(fiber.StatusForbidden, "This form expired or did not come from this site. Try again.")
	}
	pw := c.FormValue("password")
	if pw != c.FormValue("password2") {
		return again(fiber.StatusUnprocessableEntity, "The two passwords are not the same. Type the same password twice.")
	}
	if err := u.accounts.ConfirmReset(c.UserContext(), tok, pw, c.IP(), rid(c)); err != nil {
		e, ok := isUserError(err)
		if ok && e.Status == 422 {
			return again(e.Status, Message(e))
		}
		if ok {
			return errs.New(e.Status, e.Code, "%s", e.Message)
		}
		return err
	}
	u.setCookie(c, formCookie, "", true, v.Path)
	u.setCookie(c, u.cookieName(c), "", true, "/")
	u.flash(c, "ok", "Your new password is set and you were signed out everywhere. Sign in with the new password.")
	return c.Redirect(Prefix+"/login", fiber.StatusSeeOther)
}
