package adminui

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// publish puts the approved revision live now, or schedules it when a
// future time (UTC) is given; the service re-checks the sign-off.
func (u *UI) publish(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	var at *time.Time
	if s := c.FormValue("at"); s != "" && c.FormValue("when") != "now" {
		t, perr := time.ParseInLocation("2006-01-02T15:04", s, time.UTC)
		if perr != nil {
			return u.failed(c, path, errs.BadRequest("invalid_time", "the schedule time must look like 2026-05-01 09:30 (UTC)"))
		}
		at = &t
	}
	ver := formInt(c, "version")
	v, err := u.articles.Publish(c.UserContext(), sc, id, at, &ver)
	if err != nil {
		return u.failed(c, path, err)
	}
	if v.ScheduledAt != nil {
		return u.done(c, path, fmt.Sprintf("Revision %d is scheduled to go live on %s. The sign-off is checked again when it fires.", v.CurrentRevision, v.ScheduledAt.UTC().Format("2 Jan 2006, 15:04 UTC")))
	}
	return u.done(c, path, fmt.Sprintf("Revision %d is live on the clinic's site now.", v.CurrentRevision))
}

// cancelSchedule calls off a scheduled publish; what is live stays live.
func (u *UI) cancelSchedule(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	ver := formInt(c, "version")
	v, err := u.articles.CancelSchedule(c.UserContext(), sc, id, &ver)
	if err != nil {
		return u.failed(c, path, err)
	}
	if v.LiveRevision != nil {
		return u.done(c, path, fmt.Sprintf("The schedule is cancelled. Revision %d stays live.", *v.LiveRevision))
	}
	return u.done(c, path, "The schedule is cancelled. The article stays approved and is not on the public site.")
}

// unpublish takes the live revision off the site.
func (u *UI) unpublish(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	ver := formInt(c, "version")
	if _, err := u.articles.Unpublish(c.UserContext(), sc, id, &ver); err != nil {
		return u.failed(c, path, err)
	}
	return u.done(c, path, "The article is no longer on the public site. Its text and history are kept.")
}
