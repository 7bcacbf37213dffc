package adminui

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/mail"
)

// Outbox is what the platform admins' Outbox screen needs from the mail
// service (*mail.Service).
type Outbox interface {
	// Sending reports whether an SMTP server is configured.
	Sending() bool
	// Outbox lists mail newest first (forbidden for anyone but a platform admin).
	Outbox(ctx context.Context, actor authz.Actor, f mail.OutboxFilter) ([]mail.OutboxMail, error)
	// Retry queues a failed mail (or, with a server, a stored one) again
	// (forbidden, not_found, invalid_state).
	Retry(ctx context.Context, actor authz.Actor, id int64) error
}

type outboxView struct {
	Sending  bool
	Status   string
	Statuses []string
	Mails    []mail.OutboxMail
	NextURL  string
}

const outboxPageSize = 50

// outboxPage lists the outgoing mail, every message in full, for platform
// admins (the service refuses anyone else). Without an SMTP server this is
// where invitation and reset links are read. Mount it as
// a.Get("/outbox", u.outboxPage(box)).
func (u *UI) outboxPage(box Outbox) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v := outboxView{Sending: box.Sending(), Status: c.Query("status"),
			Statuses: []string{"queued", "sending", "sent", "failed", "stored"}}
		before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
		ms, err := box.Outbox(c.UserContext(), actor(c), mail.OutboxFilter{Status: mail.Status(v.Status), Before: before, Limit: outboxPageSize})
		if err != nil {
			return err
		}
		v.Mails = ms
		if len(ms) == outboxPageSize {
			q := url.Values{"status": {v.Status}, "before": {strconv.FormatInt(ms[len(ms)-1].ID, 10)}}
			v.NextURL = Prefix + "/outbox?" + q.Encode()
		}
		return u.view(c, fiber.StatusOK, "outbox", &Page{Title: "Outbox", Nav: "outbox", D: v})
	}
}

// outboxRetry queues a failed mail again. Mount it as
// a.Post("/outbox/:id/retry", u.outboxRetry(box)).
func (u *UI) outboxRetry(box Outbox) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		if err := box.Retry(c.UserContext(), actor(c), id); err != nil {
			return u.failed(c, Prefix+"/outbox", err)
		}
		return u.done(c, Prefix+"/outbox", "The mail is queued again and goes out with the next delivery round.")
	}
}
