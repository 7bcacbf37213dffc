package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Status is where a mail is in its life.
type Status string

// The statuses of an outbox row.
const (
	StatusQueued  Status = "queued"  // waiting for the worker (first try or a retry)
	StatusSending Status = "sending" // a worker holds it until next_attempt_at
	StatusSent    Status = "sent"    // the SMTP server accepted it
	StatusFailed  Status = "failed"  // rejected for good, or out of attempts
	StatusStored  Status = "stored"  // no SMTP server configured: kept for the Outbox
)

// Service queues mail in the database and delivers it.
type Service struct {
	db          *db.DB
	sender      *sender // nil: no SMTP server, mail is stored
	now         func() time.Time
	timeout     time.Duration
	lease       time.Duration
	maxAttempts int
	firstRetry  time.Duration
	maxRetry    time.Duration
	batch       int
	kick        chan struct{}
}

// New builds the mail service on d. With cfg.URL empty, mail is stored for
// the Outbox instead of sent. It fails on an invalid URL or From address;
// the error never contains the password.
func New(d *db.DB, cfg Config) (*Service, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.FirstRetry <= 0 {
		cfg.FirstRetry = time.Minute
	}
	if cfg.MaxRetry <= 0 {
		cfg.MaxRetry = 6 * time.Hour
	}
	if cfg.MaxRetry < cfg.FirstRetry {
		cfg.MaxRetry = cfg.FirstRetry
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{db: d, now: cfg.Now, timeout: cfg.Timeout, maxAttempts: cfg.MaxAttempts,
		firstRetry: cfg.FirstRetry, maxRetry: cfg.MaxRetry, batch: cfg.Batch, kick: make(chan struct{}, 1)}
	// A worker holds a row for much longer than one delivery may take, so
	// a row is only taken over from a worker that died.
	s.lease = 10 * time.Minute
	if l := 4 * cfg.Timeout; l > s.lease {
		s.lease = l
	}
	if strings.TrimSpace(cfg.URL) != "" {
		snd, err := newSender(cfg)
		if err != nil {
			return nil, err
		}
		s.sender = snd
	}
	return s, nil
}

// Sending reports whether an SMTP server is configured (otherwise mail is
// stored for the Outbox).
func (s *Service) Sending() bool { return s.sender != nil }

// Describe says where mail goes, for the start-up log (no password).
func (s *Service) Describe() string {
	if s.sender == nil {
		return "no SMTP server configured: mail is stored in the outbox (admin Outbox screen)"
	}
	return "SMTP " + s.sender.settings.String() + " from " + s.sender.from
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// outboxRow is a mail_outbox row.
type outboxRow struct {
	ID             int64
	ClinicID       *int64
	MessageID      string
	Kind           string
	FromName       string
	To             string `gorm:"column:to_addr"`
	Subject        string
	TextBody       string
	HTMLBody       string `gorm:"column:html_body"`
	UnsubscribeURL string `gorm:"column:unsubscribe_url"`
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time

	lost bool `gorm:"-"` // claim only: another worker took the row first
}

// TableName is the table gorm reads and writes.
func (outboxRow) TableName() string { return "mail_outbox" }

// Enqueue renders m and queues it inside tx, the caller's transaction: the
// mail exists exactly when the change that caused it commits. It never
// talks to a mail server; call Kick after the commit to deliver it soon.
// It returns validation_failed for an invalid Message.
func (s *Service) Enqueue(tx *gorm.DB, m Message) error {
	r, err := Render(m)
	if err != nil {
		return err
	}
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return err
	}
	now := s.clock()
	row := outboxRow{
		MessageID: "cp." + hex.EncodeToString(token), Kind: string(m.Kind), FromName: m.Brand.normalized().Name,
		To: m.To, Subject: r.Subject, TextBody: r.Text, HTMLBody: r.HTML, UnsubscribeURL: m.UnsubscribeURL,
		Status: string(StatusQueued), NextAttemptAt: now, CreatedAt: now,
	}
	if m.ClinicID != 0 {
		id := m.ClinicID
		row.ClinicID = &id
	}
	if err := tx.Omit("SentAt").Create(&row).Error; err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	return nil
}

// Kick asks the worker started with Run to look for due mail now, for
// example right after a transaction that queued a mail committed. It never
// blocks.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run delivers due mail every interval, and at once after Kick, until ctx
// ends. Several instances may run it against one database.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("mail: delivery round failed", "err", err)
		} else if n > 0 {
			slog.Info("mail: delivery round", "handled", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// DeliverDue handles the mail that is due: it claims one row at a time
// (FOR UPDATE SKIP LOCKED on PostgreSQL, an immediate transaction on
// SQLite), so several workers never hold the same row; sends it outside any
// transaction; and marks it sent, schedules a retry with exponential
// backoff, or marks it failed. Without an SMTP server it marks the mail
// stored and logs its recipient and subject. A round stops early when the
// server itself is in trouble (connection, TLS, authentication, a temporary
// error), since the next mails would fail the same way. It returns how many
// mails were sent or stored; delivery failures are recorded on the rows,
// the error is for database failures and a cancelled ctx.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	done := 0
	for i := 0; i < s.batch; i++ {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		row, ok, err := s.claim(ctx)
		if err != nil || !ok {
			return done, err
		}
		if s.sender == nil {
			if err := s.finish(ctx, row, map[string]any{"status": string(StatusStored), "last_error": ""}); err != nil {
				return done, err
			}
			slog.Info("mail stored: no SMTP server configured; a platform admin can read it in the admin Outbox",
				"outbox_id", row.ID, "to", row.To, "subject", row.Subject)
			done++
			continue
		}
		sendCtx, cancel := context.WithTimeout(ctx, s.timeout)
		serr := s.sender.send(sendCtx, s.withMessageID(row))
		cancel()
		if serr == nil {
			if err := s.finish(ctx, row, map[string]any{"status": string(StatusSent), "sent_at": s.clock(), "last_error": ""}); err != nil {
				return done, err
			}
			done++
			continue
		}
		if ctx.Err() != nil {
			// Shutting down: hand the row back at once, counted as tried.
			bg, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := s.finish(bg, row, map[string]any{"status": string(StatusQueued), "next_attempt_at": s.clock(), "last_error": s.safeError(serr)})
			stop()
			return done, errors.Join(ctx.Err(), err)
		}
		perm, trouble := classify(serr)
		upd := map[string]any{"last_error": s.safeError(serr)}
		switch {
		case perm:
			upd["status"] = string(StatusFailed)
		case row.Attempts >= s.maxAttempts:
			upd["status"] = string(StatusFailed)
			upd["last_error"] = fmt.Sprintf("gave up after %d attempts: %s", row.Attempts, upd["last_error"])
		default:
			upd["status"] = string(StatusQueued)
			upd["next_attempt_at"] = s.clock().Add(s.Backoff(row.Attempts))
		}
		slog.Warn("mail: delivery failed", "outbox_id", row.ID, "to", row.To, "attempt", row.Attempts,
			"status", upd["status"], "err", upd["last_error"])
		if err := s.finish(ctx, row, upd); err != nil {
			return done, err
		}
		if trouble {
			return done, nil
		}
	}
	return done, nil
}

// Backoff is the wait after the attempt-th failed attempt: FirstRetry,
// doubling each time, at most MaxRetry.
func (s *Service) Backoff(attempt int) time.Duration {
	d := s.firstRetry
	for i := 1; i < attempt && d < s.maxRetry; i++ {
		d *= 2
	}
	if d > s.maxRetry {
		d = s.maxRetry
	}
	return d
}

// claim takes the oldest due row: queued and due, or sending with an
// expired lease (its worker died). The row becomes "sending" with a lease
// and one more attempt; the attempt number is the claim's token, so a
// worker whose lease was taken over cannot overwrite the new owner's result.
func (s *Service) claim(ctx context.Context) (outboxRow, bool, error) {
	for try := 0; try < 3; try++ {
		row, found, err := s.claimOnce(ctx)
		if err != nil || found {
			return row, found, err
		}
		if !row.lost {
			return outboxRow{}, false, nil
		}
	}
	return outboxRow{}, false, nil
}

func (s *Service) claimOnce(ctx context.Context) (outboxRow, bool, error) {
	var row outboxRow
	found := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		now := s.clock()
		pick := `SELECT id FROM mail_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT 1`
		if s.db.Dialect == db.Postgres {
			pick += ` FOR UPDATE SKIP LOCKED`
		}
		var ids []int64
		if err := tx.Raw(pick, now).Scan(&ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		res := tx.Exec(`UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?
			WHERE id = ? AND status IN ('queued', 'sending') AND next_attempt_at <= ?`, now.Add(s.lease), ids[0], now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			row.lost = true // taken by another worker between the two statements
			return nil
		}
		found = true
		return tx.Where("id = ?", ids[0]).Take(&row).Error
	})
	if err != nil {
		return outboxRow{}, false, fmt.Errorf("mail: claim: %w", err)
	}
	if !found {
		return outboxRow{lost: row.lost}, false, nil
	}
	return row, true, nil
}

// finish writes the result of the claim row holds, if it still holds it.
func (s *Service) finish(ctx context.Context, row outboxRow, upd map[string]any) error {
	res := s.db.WithContext(ctx).Model(&outboxRow{}).
		Where("id = ? AND status = 'sending' AND attempts = ?", row.ID, row.Attempts).Updates(upd)
	if res.Error != nil {
		return fmt.Errorf("mail: record result: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		slog.Warn("mail: another worker took this mail over; result not recorded", "outbox_id", row.ID)
	}
	return nil
}

// withMessageID turns the stored token into the Message-ID header value,
// in the sender's domain.
func (s *Service) withMessageID(r outboxRow) outboxRow {
	domain := "clinicpress.invalid"
	if at := strings.LastIndexByte(s.sender.from, '@'); at >= 0 {
		domain = s.sender.from[at+1:]
	}
	r.MessageID = r.MessageID + "@" + domain
	return r
}

// safeError is err as short, one-line text fit for the outbox and logs:
// control characters removed, the password (should a server echo it)
// masked, at most 300 characters.
func (s *Service) safeError(err error) string {
	msg := err.Error()
	if s.sender != nil && s.sender.settings.password != "" {
		msg = strings.ReplaceAll(msg, s.sender.settings.password, "xxxxx")
	}
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return ' '
		}
		return r
	}, msg)
	msg = strings.Join(strings.Fields(msg), " ")
	if utf8.RuneCountInString(msg) > 300 {
		msg = string([]rune(msg)[:300]) + "…"
	}
	return msg
}

// OutboxFilter narrows the Outbox listing.
type OutboxFilter struct {
	// Status is one Status, or "" for all.
	Status Status
	// ClinicID limits to one clinic's mail; 0 for all.
	ClinicID int64
	// Before lists mail with an id below it (the next page); 0 for the newest.
	Before int64
	// Limit is the page size (default 50, at most 200).
	Limit int
}

// OutboxMail is one queued, sent, failed or stored mail, in full.
type OutboxMail struct {
	ID            int64
	ClinicID      int64 // 0: platform mail
	Kind          Kind
	FromName      string
	To            string
	Subject       string
	Text          string
	HTML          string
	Status        Status
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

func (r outboxRow) public() OutboxMail {
	m := OutboxMail{ID: r.ID, Kind: Kind(r.Kind), FromName: r.FromName, To: r.To, Subject: r.Subject, Text: r.TextBody,
		HTML: r.HTMLBody, Status: Status(r.Status), Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt,
		LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	if r.ClinicID != nil {
		m.ClinicID = *r.ClinicID
	}
	return m
}

var errOutboxForbidden = errs.Forbidden("forbidden", "only platform admins can read the outbox")

// Outbox lists mail newest first, in full (bodies hold invitation links a
// platform admin may need to pass on when no SMTP server is configured).
// Platform admins only: anyone else gets forbidden; a bad status gets
// invalid_query.
func (s *Service) Outbox(ctx context.Context, actor authz.Actor, f OutboxFilter) ([]OutboxMail, error) {
	if !actor.PlatformAdmin {
		return nil, errOutboxForbidden
	}
	q := s.db.WithContext(ctx).Model(&outboxRow{})
	switch f.Status {
	case "":
	case StatusQueued, StatusSending, StatusSent, StatusFailed, StatusStored:
		q = q.Where("status = ?", string(f.Status))
	default:
		return nil, errs.BadRequest("invalid_query", "unknown mail status %q", string(f.Status))
	}
	if f.ClinicID != 0 {
		q = q.Where("clinic_id = ?", f.ClinicID)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		f.Limit = 200
	}
	var rows []outboxRow
	if err := q.Order("id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	out := make([]OutboxMail, len(rows))
	for i, r := range rows {
		out[i] = r.public()
	}
	return out, nil
}

// OutboxMessage returns one mail in full. Platform admins only (forbidden
// otherwise); not_found for an unknown id.
func (s *Service) OutboxMessage(ctx context.Context, actor authz.Actor, id int64) (OutboxMail, error) {
	if !actor.PlatformAdmin {
		return OutboxMail{}, errOutboxForbidden
	}
	var r outboxRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return OutboxMail{}, errs.NotFound("mail")
	}
	if err != nil {
		return OutboxMail{}, fmt.Errorf("mail: outbox: %w", err)
	}
	return r.public(), nil
}

// Retry queues a failed mail again with a fresh set of attempts (after the
// operator fixed the server settings), or a stored one once an SMTP server
// is configured. Platform admins only; not_found for an unknown id;
// invalid_state for any other mail.
func (s *Service) Retry(ctx context.Context, actor authz.Actor, id int64) error {
	if !actor.PlatformAdmin {
		return errOutboxForbidden
	}
	again := []string{string(StatusFailed)}
	if s.sender != nil {
		again = append(again, string(StatusStored))
	}
	res := s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ? AND status IN ?", id, again).
		Updates(map[string]any{"status": string(StatusQueued), "attempts": 0, "next_attempt_at": s.clock()})
	if res.Error != nil {
		return fmt.Errorf("mail: retry: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		s.Kick()
		return nil
	}
	if _, err := s.OutboxMessage(ctx, actor, id); err != nil {
		return err
	}
	if s.sender == nil {
		return errs.Conflict("invalid_state", "only a failed mail can be sent again, and stored mail only once a mail server is configured")
	}
	return errs.Conflict("invalid_state", "only a failed or stored mail can be sent again")
}
