package adminui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

type settingsView struct {
	Base      string
	C         clinic.Clinic
	Hostnames string
	Errors    map[string]string
	Themes    []string
}

// settingsPage shows the clinic's settings (clinic admins).
func (u *UI) settingsPage(c *fiber.Ctx) error {
	cl, err := u.clinics.Access(c.UserContext(), actor(c), c.Params("clinic"), authz.ObjClinic, authz.ActUpdate)
	if err != nil {
		return err
	}
	c.Locals("clinic", cl)
	return u.settingsView(c, fiber.StatusOK, cl, nil)
}

func (u *UI) settingsView(c *fiber.Ctx, status int, cl clinic.Clinic, errsBy map[string]string) error {
	return u.settingsViewFlash(c, status, cl, errsBy, "")
}

// settingsSave applies the settings form; a stale version answers the
// service's version_conflict.
func (u *UI) settingsSave(c *fiber.Ctx) error {
	cl, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	name, theme := c.FormValue("name"), c.FormValue("theme")
	hosts := lines(c.FormValue("hostnames"))
	interval := formInt(c, "review_interval_days")
	ver := formInt(c, "version")
	b := clinic.Branding{Tagline: c.FormValue("tagline"), LogoURL: strings.TrimSpace(c.FormValue("logo_url")),
		PrimaryColor: strings.TrimSpace(c.FormValue("primary_color")), Phone: c.FormValue("phone"), Email: c.FormValue("brand_email"),
		Address: c.FormValue("address"), FooterNotice: c.FormValue("footer_notice")}
	_, err = u.clinics.Update(c.UserContext(), actor(c), cl.Slug, clinic.Patch{Name: &name, Hostnames: &hosts, Theme: &theme,
		Branding: &b, ReviewIntervalDays: &interval, Version: &ver})
	if err != nil {
		e, ok := isUserError(err)
		if !ok || e.Code == "forbidden" {
			return err
		}
		typed := cl
		typed.Name, typed.Hostnames, typed.Theme, typed.Branding, typed.ReviewIntervalDays = name, hosts, theme, b, interval
		return u.settingsViewFlash(c, e.Status, typed, fieldErrors(err), Message(e))
	}
	return u.done(c, base(c)+"/settings", "Settings saved. The public site shows the changes from the next page view.")
}

func (u *UI) settingsViewFlash(c *fiber.Ctx, status int, cl clinic.Clinic, errsBy map[string]string, msg string) error {
	if errsBy == nil {
		errsBy = map[string]string{}
	}
	var f *Flash
	if msg != "" {
		f = &Flash{Kind: "error", Text: msg}
	}
	return u.view(c, status, "settings", &Page{Title: "Settings · " + cl.Name, Nav: "settings", Flash: f,
		D: settingsView{Base: base(c), C: cl, Hostnames: strings.Join(cl.Hostnames, "\n"), Errors: errsBy, Themes: []string{"clinical", "serene"}}})
}
