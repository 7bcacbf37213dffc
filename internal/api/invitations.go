package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// acceptPerClient bounds invitation acceptances per client address and
// throttle window.
const acceptPerClient = 20

func (a *API) listInvitations(c *fiber.Ctx, sc clinic.Scope) error {
	out, err := a.Clinics.Invitations(c.UserContext(), sc)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"invitations": out})
}

func (a *API) getInvitation(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	inv, err := a.Clinics.GetInvitation(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

func (a *API) revokeInvitation(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := a.Clinics.RevokeInvitation(c.UserContext(), sc, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) resendInvitation(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	inv, err := a.Clinics.ResendInvitation(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

// optionalUser is the signed-in user behind the request's bearer token or
// session cookie, if any (public routes that a signed-in user may call).
func (a *API) optionalUser(c *fiber.Ctx) authz.Actor {
	tok := ""
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if sameSite(c) {
		// A cookie counts only on a same-origin request, so another site
		// cannot make a signed-in person accept an invitation.
		tok = c.Cookies(SessionCookie)
	}
	rid, _ := c.Locals("requestid").(string)
	if tok == "" {
		return authz.Actor{RequestID: rid}
	}
	u, _, err := a.Accounts.Authenticate(c.UserContext(), tok)
	if err != nil {
		return authz.Actor{RequestID: rid}
	}
	return u.Actor(rid)
}

// acceptInvitation is public: a new invitee sends name and password (and
// is signed in by the answer); an existing one calls it signed in.
func (a *API) acceptInvitation(c *fiber.Ctx) error {
	var req struct {
		Token    string `json:"token"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.Accounts.Throttle(c.UserContext(), "accept:"+c.IP(), acceptPerClient); err != nil {
		return err
	}
	res, err := a.Clinics.AcceptInvitation(c.UserContext(), clinic.AcceptInput{Token: req.Token, Name: req.Name,
		Password: req.Password, Actor: a.optionalUser(c)})
	if err != nil {
		return err
	}
	a.Accounts.Unthrottle(c.UserContext(), "accept:"+c.IP())
	out := fiber.Map{"clinic": res.Clinic.Slug, "clinic_name": res.Clinic.Name, "role": res.Role, "user": userOut(res.User), "new_account": res.NewAccount}
	if res.NewAccount {
		tok, sess, err := a.Accounts.OpenSession(c.UserContext(), res.User.ID)
		if err != nil {
			return err
		}
		setSession(c, tok, sess)
		out["token"], out["expires_at"] = tok, sess.ExpiresAt
	}
	return c.JSON(out)
}

// resetRequest mails a reset link when the address has an account; the
// answer is the same either way.
func (a *API) resetRequest(c *fiber.Ctx) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.Accounts.RequestReset(c.UserContext(), req.Email, c.IP()); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "accepted",
		"detail": "if this address has an account, a link to choose a new password is on its way; it works once, for 30 minutes"})
}

func (a *API) resetConfirm(c *fiber.Ctx) error {
	var req struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	rid, _ := c.Locals("requestid").(string)
	if err := a.Accounts.ConfirmReset(c.UserContext(), req.Token, req.Password, c.IP(), rid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// sameSite reports whether a browser request comes from this origin
// (Sec-Fetch-Site, else Origin against Host).
func sameSite(c *fiber.Ctx) bool {
	if s := c.Get("Sec-Fetch-Site"); s != "" {
		return s == "same-origin"
	}
	o := c.Get(fiber.HeaderOrigin)
	return o != "" && (o == "http://"+c.Hostname() || o == "https://"+c.Hostname())
}
