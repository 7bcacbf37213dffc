package adminui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
)

type passwordView struct{ Error string }

func (u *UI) passwordPage(c *fiber.Ctx) error {
	return u.view(c, fiber.StatusOK, "password", &Page{Title: "Change password", Nav: "password", D: passwordView{}})
}

// passwordSubmit changes the password; every other session of the person
// ends (account.Service.ChangePassword), this one stays.
func (u *UI) passwordSubmit(c *fiber.Ctx) error {
	cur, next := c.FormValue("current_password"), c.FormValue("new_password")
	if next != c.FormValue("confirm_password") {
		return u.view(c, fiber.StatusUnprocessableEntity, "password", &Page{Title: "Change password", Nav: "password",
			D: passwordView{Error: "The new password and its confirmation differ. Type the same new password twice."}})
	}
	sess := c.Locals("session").(account.Session)
	act := actor(c)
	if err := u.accounts.ChangePassword(c.UserContext(), act.UserID, sess.ID, cur, next, act.RequestID); err != nil {
		if e, ok := isUserError(err); ok {
			return u.view(c, e.Status, "password", &Page{Title: "Change password", Nav: "password", D: passwordView{Error: Message(e)}})
		}
		return err
	}
	return u.done(c, Prefix+"/", "Your password is changed. You were signed out everywhere else.")
}
