package adminui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// home sends a person with one clinic to its dashboard, anyone else to the
// clinic list.
func (u *UI) home(c *fiber.Ctx) error {
	usr, _ := currentUser(c)
	ms, err := u.clinics.MembershipsOf(c.UserContext(), usr.ID)
	if err != nil {
		return err
	}
	if len(ms) == 1 && !usr.PlatformAdmin {
		return c.Redirect(Prefix+"/c/"+url.PathEscape(ms[0].ClinicSlug), fiber.StatusSeeOther)
	}
	return c.Redirect(Prefix+"/clinics", fiber.StatusSeeOther)
}

// switchClinic is the clinic switcher's target (a GET form, so it works
// without JavaScript).
func (u *UI) switchClinic(c *fiber.Ctx) error {
	slug := c.Query("clinic")
	if !clinic.ValidSlug(slug) {
		return c.Redirect(Prefix+"/clinics", fiber.StatusSeeOther)
	}
	return c.Redirect(Prefix+"/c/"+url.PathEscape(slug), fiber.StatusSeeOther)
}

type clinicsView struct {
	Clinics  []clinic.Clinic
	Roles    map[int64]authz.Role
	CanAdmin bool
	Form     clinicForm
}

type clinicForm struct{ Slug, Name, Hostnames, Error string }

// clinicsPage lists the clinics the person can open; a platform admin sees
// every clinic and a form to create one.
func (u *UI) clinicsPage(c *fiber.Ctx) error {
	return u.clinicsView(c, fiber.StatusOK, clinicForm{})
}

func (u *UI) clinicsView(c *fiber.Ctx, status int, f clinicForm) error {
	usr, _ := currentUser(c)
	cs, err := u.clinics.List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	ms, err := u.clinics.MembershipsOf(c.UserContext(), usr.ID)
	if err != nil {
		return err
	}
	roles := map[int64]authz.Role{}
	for _, m := range ms {
		roles[m.ClinicID] = m.Role
	}
	return u.view(c, status, "clinics", &Page{Title: "Your clinics", Nav: "clinics", Memberships: ms,
		D: clinicsView{Clinics: cs, Roles: roles, CanAdmin: usr.PlatformAdmin, Form: f}})
}

// clinicCreate creates a clinic (platform admins; the service refuses
// anyone else).
func (u *UI) clinicCreate(c *fiber.Ctx) error {
	f := clinicForm{Slug: c.FormValue("slug"), Name: c.FormValue("name"), Hostnames: c.FormValue("hostnames")}
	cl, err := u.clinics.Create(c.UserContext(), actor(c), clinic.NewClinic{Slug: f.Slug, Name: f.Name, Hostnames: lines(f.Hostnames)})
	if err != nil {
		if e, ok := isUserError(err); ok {
			f.Error = Message(e)
			return u.clinicsView(c, e.Status, f)
		}
		return err
	}
	return u.done(c, Prefix+"/clinics", "Clinic “"+cl.Name+"” created. Open it to add its first clinic admin under Members.")
}
