package adminui

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// formCookie carries the double-submit token of the forms a signed-out
// visitor sends (accept an invitation, forgot password, reset password):
// the same random value in this cookie and a hidden field, so another site
// cannot submit them in the visitor's name.
const formCookie = "cp_admin_form"

// formToken sets a fresh double-submit token for the form posted to path.
func (u *UI) formToken(c *fiber.Ctx, path string) string {
	t := randomToken()
	u.setCookie(c, formCookie, t, false, path)
	return t
}

// formTokenOK checks the double-submit token and the Origin.
func (u *UI) formTokenOK(c *fiber.Ctx) bool {
	want := c.Cookies(formCookie)
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(c.FormValue("_csrf"))) == 1 && u.sameOrigin(c)
}

// optionalSession reads the admin session without requiring one (public
// screens a signed-in person may also use); it sets the locals session
// sets, so the layout shows who is signed in.
func (u *UI) optionalSession(c *fiber.Ctx) (account.User, bool) {
	tok := c.Cookies(u.cookieName(c))
	if tok == "" {
		return account.User{}, false
	}
	usr, sess, err := u.accounts.Authenticate(c.UserContext(), tok)
	if err != nil {
		return account.User{}, false
	}
	c.Locals("user", usr)
	c.Locals("session", sess)
	c.Locals("token", tok)
	c.Locals("csrf", CSRFToken(tok))
	return usr, true
}

type acceptView struct {
	Info        clinic.InvitationInfo
	Role        string
	Path        string
	FormToken   string
	SignedInAs  string // the signed-in user's email, if any
	Mine        bool   // signed in as the invitee
	LoginURL    string
	Name, Error string
}

func invitePath(tok string) string { return Prefix + "/invite/" + url.PathEscape(tok) }

// invitePage shows an invitation to the holder of its link: a person
// with an account signs in as it and accepts in one click; a new person
// chooses their name and password.
func (u *UI) invitePage(c *fiber.Ctx) error {
	return u.inviteView(c, fiber.StatusOK, "", "")
}

func (u *UI) inviteView(c *fiber.Ctx, status int, name, msg string) error {
	tok := c.Params("token")
	info, err := u.clinics.InvitationByToken(c.UserContext(), tok)
	if err != nil {
		return err
	}
	v := acceptView{Info: info, Role: roleWords(info.Invitation.Role), Path: invitePath(tok), Name: name, Error: msg,
		LoginURL: Prefix + "/login?next=" + url.QueryEscape(invitePath(tok))}
	if usr, ok := u.optionalSession(c); ok {
		v.SignedInAs = usr.Email
		v.Mine = usr.Email == info.Invitation.Email
	}
	if !v.Mine {
		v.FormToken = u.formToken(c, v.Path)
	}
	return u.view(c, status, "invite", &Page{Title: "Invitation to " + info.Clinic.Name, D: v})
}

// inviteAccept accepts the invitation: signed in as the invitee (session
// CSRF token), or as a new person (double-submit token) with a name and a
// password, who is then signed in.
func (u *UI) inviteAccept(c *fiber.Ctx) error {
	tok := c.Params("token")
	usr, signed := u.optionalSession(c)
	okToken := false
	if signed {
		want, _ := c.Locals("csrf").(string)
		okToken = subtle.ConstantTimeCompare([]byte(want), []byte(c.FormValue("_csrf"))) == 1 && u.sameOrigin(c)
	}
	if !okToken {
		okToken = u.formTokenOK(c)
	}
	if !okToken {
		return errs.Forbidden("csrf", "this form has expired or did not come from this site; go back, reload the page and try again")
	}
	in := clinic.AcceptInput{Token: tok, Name: strings.TrimSpace(c.FormValue("name")), Password: c.FormValue("password")}
	if signed {
		in.Actor = usr.Actor(rid(c))
	} else {
		in.Actor.RequestID = rid(c)
	}
	if in.Password != "" && in.Password != c.FormValue("password2") {
		return u.inviteView(c, fiber.StatusUnprocessableEntity, in.Name, "The two passwords are not the same. Type the same password twice.")
	}
	if err := u.accounts.Throttle(c.UserContext(), "accept:"+c.IP(), 20); err != nil {
		return err
	}
	res, err := u.clinics.AcceptInvitation(c.UserContext(), in)
	if err != nil {
		if e, ok := isUserError(err); ok && (e.Status == 422 || e.Code == "wrong_account" || e.Code == "sign_in_required") {
			return u.inviteView(c, e.Status, in.Name, Message(e))
		}
		return err
	}
	u.accounts.Unthrottle(c.UserContext(), "accept:"+c.IP())
	if res.NewAccount {
		stok, _, err := u.accounts.OpenSession(c.UserContext(), res.User.ID)
		if err != nil {
			return err
		}
		u.setCookie(c, u.cookieName(c), stok, false, "/")
	}
	u.setCookie(c, formCookie, "", true, invitePath(tok))
	return u.done(c, Prefix+"/c/"+url.PathEscape(res.Clinic.Slug)+"/",
		"Welcome to "+res.Clinic.Name+": you are now a "+roleWords(res.Role)+" here.")
}
