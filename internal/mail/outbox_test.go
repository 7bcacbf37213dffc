package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

var (
	platform = authz.Actor{UserID: 1, Name: "Root", PlatformAdmin: true}
	member   = authz.Actor{UserID: 2, Name: "Ana Admin"}
)

// setup migrates d and adds one clinic, returning its id.
func setup(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	if err := d.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	now := testenv.Start
	if err := d.Exec(`INSERT INTO clinics (slug, name, created_at, updated_at) VALUES ('harbour', 'Harbour Skin', ?, ?)`, now, now).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.Raw(`SELECT id FROM clinics WHERE slug = 'harbour'`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// service builds a mail service on d with the fake clock; tls, if set,
// trusts the test server's certificate.
func service(t *testing.T, d *db.DB, clk *testenv.Clock, cfg mail.Config) *mail.Service {
	t.Helper()
	cfg.Now = clk.Now
	if cfg.From == "" && cfg.URL != "" {
		cfg.From = "ClinicPress <noreply@clinicpress.test>"
	}
	s, err := mail.New(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// enqueue queues msgs in one transaction.
func enqueue(t *testing.T, d *db.DB, s *mail.Service, msgs ...mail.Message) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *gorm.DB) error {
		for _, m := range msgs {
			if err := s.Enqueue(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outbox reads every row through the platform admin's Outbox, oldest first.
func outbox(t *testing.T, s *mail.Service) []mail.OutboxMail {
	t.Helper()
	ms, err := s.Outbox(context.Background(), platform, mail.OutboxFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}

func deliver(t *testing.T, s *mail.Service) int {
	t.Helper()
	n, err := s.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// parsed is a delivered message read back with net/mail and mime/multipart.
type parsed struct {
	Header     netmail.Header
	Subject    string
	From       *netmail.Address
	Text, HTML string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	var p parsed
	p.Header = msg.Header
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	if p.From, err = addressOne(msg.Header, "From"); err != nil {
		t.Fatalf("From: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = part
		switch strings.ToLower(part.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(part)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if cp["charset"] != "UTF-8" && cp["charset"] != "utf-8" {
			t.Errorf("part %s has charset %q", ct, cp["charset"])
		}
		switch ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		default:
			t.Errorf("unexpected part %s", ct)
		}
	}
	return p
}

// addressOne reads a header holding exactly one address.
func addressOne(h netmail.Header, key string) (*netmail.Address, error) {
	l, err := h.AddressList(key)
	if err != nil {
		return nil, err
	}
	if len(l) != 1 {
		return nil, fmt.Errorf("%s has %d addresses", key, len(l))
	}
	return l[0], nil
}

func TestDeliverOverSTARTTLSWithAuth(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		srv := startSMTP(t, modeSTARTTLS)
		clk := testenv.NewClock(testenv.Start)
		s := service(t, d, clk, mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv)})
		enqueue(t, d, s, invitation("new.doctor@harbour.test", clinicID), reviewRequested("dr.tan@harbour.test", clinicID))

		if n := deliver(t, s); n != 2 {
			t.Fatalf("delivered %d, want 2", n)
		}
		got := srv.Messages()
		if len(got) != 2 {
			t.Fatalf("server received %d messages, want 2", len(got))
		}
		byTo := map[string]received{}
		for _, r := range got {
			if !r.TLS || r.AuthUser != smtpUser {
				t.Errorf("delivery to %v without STARTTLS+AUTH: tls=%v user=%q", r.To, r.TLS, r.AuthUser)
			}
			if r.From != "noreply@clinicpress.test" || len(r.To) != 1 {
				t.Errorf("envelope from %q to %v", r.From, r.To)
			}
			byTo[r.To[0]] = r
		}

		sec := parse(t, byTo["new.doctor@harbour.test"].Data)
		if sec.Subject != "Invitation to join Harbour Skin as a doctor" {
			t.Errorf("subject %q", sec.Subject)
		}
		if sec.From.Name != "Harbour Skin" || sec.From.Address != "noreply@clinicpress.test" {
			t.Errorf("From %v, want the clinic's name at the --mail-from address", sec.From)
		}
		if to, err := addressOne(sec.Header, "To"); err != nil || to.Address != "new.doctor@harbour.test" {
			t.Errorf("To %v %v", to, err)
		}
		if sec.Header.Get("List-Unsubscribe") != "" || sec.Header.Get("List-Unsubscribe-Post") != "" {
			t.Errorf("security mail has List-Unsubscribe headers: %v", sec.Header)
		}
		if sec.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("Auto-Submitted %q", sec.Header.Get("Auto-Submitted"))
		}
		if id := sec.Header.Get("Message-Id"); !strings.HasPrefix(id, "<cp.") || !strings.HasSuffix(id, "@clinicpress.test>") {
			t.Errorf("Message-ID %q", id)
		}
		if date, err := sec.Header.Date(); err != nil || !date.Equal(testenv.Start) {
			t.Errorf("Date %v %v, want the time it was queued", date, err)
		}
		for _, part := range []string{sec.Text, sec.HTML} {
			if !strings.Contains(part, inviteURL) || strings.Contains(strings.ToLower(part), "unsubscribe") {
				t.Errorf("security part should link %s and offer no unsubscribe:\n%s", inviteURL, part)
			}
		}
		if !strings.Contains(sec.HTML, "#0a7d5a") || !strings.Contains(sec.HTML, `src="https://harbour.test/logo.png"`) {
			t.Errorf("HTML part is not in the clinic's branding:\n%s", sec.HTML)
		}

		n := parse(t, byTo["dr.tan@harbour.test"].Data)
		if n.Subject != "Review requested: Sonnenschutz für Kinder" {
			t.Errorf("subject %q", n.Subject)
		}
		if h := n.Header.Get("List-Unsubscribe"); h != "<"+unsubURL+">" {
			t.Errorf("List-Unsubscribe %q", h)
		}
		if h := n.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", h)
		}
		if !strings.Contains(n.Text, "Unsubscribe from mails like this one: "+unsubURL) {
			t.Errorf("text part lacks the unsubscribe link:\n%s", n.Text)
		}
		if !strings.Contains(n.HTML, `href="https://harbour.test/admin/unsubscribe/u42?kind=review_requested"`) {
			t.Errorf("HTML part lacks the unsubscribe link:\n%s", n.HTML)
		}
		if !strings.Contains(n.Text, `<script>alert(1)</script>`) || strings.Contains(n.HTML, "<script>") {
			t.Errorf("text should be verbatim, HTML escaped:\n%s\n%s", n.Text, n.HTML)
		}

		for _, m := range outbox(t, s) {
			if m.Status != mail.StatusSent || m.SentAt == nil || !m.SentAt.Equal(testenv.Start) || m.Attempts != 1 || m.LastError != "" {
				t.Errorf("outbox row after delivery: %+v", m)
			}
			if m.ClinicID != clinicID {
				t.Errorf("clinic %d, want %d", m.ClinicID, clinicID)
			}
		}
		if n := deliver(t, s); n != 0 || len(srv.Messages()) != 2 {
			t.Errorf("a second round sent again: %d", n)
		}
	})
}

func tlsTrusting(srv *smtpServer) *tls.Config { return &tls.Config{RootCAs: srv.Pool} }

func TestDeliverOverImplicitTLS(t *testing.T) {
	d := testenv.OpenSQLite(t)
	clinicID := setup(t, d)
	srv := startSMTP(t, modeImplicit)
	s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{URL: srv.URL("smtps"), TLSConfig: tlsTrusting(srv)})
	enqueue(t, d, s, invitation("new.doctor@harbour.test", clinicID))
	if n := deliver(t, s); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	got := srv.Messages()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("got %+v", got)
	}
	if p := parse(t, got[0].Data); p.Subject != "Invitation to join Harbour Skin as a doctor" {
		t.Errorf("subject %q", p.Subject)
	}
}

func TestEnqueueIsPartOfTheCallersTransaction(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{})
		boom := errors.New("the invitation could not be saved")
		err := d.Tx(context.Background(), func(tx *gorm.DB) error {
			if err := s.Enqueue(tx, invitation("new@harbour.test", clinicID)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		bad := invitation("new@harbour.test\r\nBcc: all@harbour.test", clinicID)
		err = d.Tx(context.Background(), func(tx *gorm.DB) error { return s.Enqueue(tx, bad) })
		if !errs.HasCode(err, "validation_failed") {
			t.Fatalf("invalid message: %v", err)
		}
		if ms := outbox(t, s); len(ms) != 0 {
			t.Fatalf("rolled back or invalid mail was queued: %+v", ms)
		}
		enqueue(t, d, s, invitation("new@harbour.test", clinicID))
		if ms := outbox(t, s); len(ms) != 1 || ms[0].Status != mail.StatusQueued {
			t.Fatalf("committed mail: %+v", ms)
		}
	})
}

// captureLog sends slog's default logger to a buffer for this test.
func captureLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWithoutSMTPMailIsStoredForPlatformAdmins(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		logs := captureLog(t)
		clinicID := setup(t, d)
		s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{})
		if s.Sending() || !strings.Contains(s.Describe(), "stored") {
			t.Errorf("no URL should mean store-only: %s", s.Describe())
		}
		enqueue(t, d, s, invitation("new.doctor@harbour.test", clinicID))
		if n := deliver(t, s); n != 1 {
			t.Fatalf("handled %d, want 1", n)
		}
		ms := outbox(t, s)
		if len(ms) != 1 || ms[0].Status != mail.StatusStored || ms[0].To != "new.doctor@harbour.test" {
			t.Fatalf("outbox: %+v", ms)
		}
		if !strings.Contains(ms[0].Text, inviteURL) || !strings.Contains(ms[0].HTML, inviteURL) {
			t.Errorf("the stored mail must hold the invitation link for the admin to pass on: %s", ms[0].Text)
		}
		one, err := s.OutboxMessage(context.Background(), platform, ms[0].ID)
		if err != nil || one.Text != ms[0].Text {
			t.Errorf("OutboxMessage: %v", err)
		}
		l := logs.String()
		if !strings.Contains(l, "Invitation to join Harbour Skin as a doctor") || !strings.Contains(l, "new.doctor@harbour.test") {
			t.Errorf("log lacks subject or recipient:\n%s", l)
		}
		if strings.Contains(l, "tok-7f3a9c") {
			t.Errorf("log shows the invitation link:\n%s", l)
		}
		if n := deliver(t, s); n != 0 {
			t.Errorf("stored mail handled again: %d", n)
		}

		// Only platform admins read the outbox.
		if _, err := s.Outbox(context.Background(), member, mail.OutboxFilter{}); !errs.HasCode(err, "forbidden") {
			t.Errorf("clinic member reading the outbox: %v", err)
		}
		if _, err := s.OutboxMessage(context.Background(), member, ms[0].ID); !errs.HasCode(err, "forbidden") {
			t.Errorf("clinic member reading a mail: %v", err)
		}
		if _, err := s.OutboxMessage(context.Background(), platform, ms[0].ID+100); !errs.HasCode(err, "not_found") {
			t.Errorf("unknown mail: %v", err)
		}
		if got, err := s.Outbox(context.Background(), platform, mail.OutboxFilter{Status: mail.StatusSent}); err != nil || len(got) != 0 {
			t.Errorf("status filter: %v %v", got, err)
		}
		if got, err := s.Outbox(context.Background(), platform, mail.OutboxFilter{ClinicID: clinicID, Status: mail.StatusStored}); err != nil || len(got) != 1 {
			t.Errorf("clinic filter: %v %v", got, err)
		}
		if _, err := s.Outbox(context.Background(), platform, mail.OutboxFilter{Status: "bogus"}); !errs.HasCode(err, "invalid_query") {
			t.Errorf("bad status: %v", err)
		}
		if err := s.Retry(context.Background(), platform, ms[0].ID); !errs.HasCode(err, "invalid_state") {
			t.Errorf("retrying a stored mail: %v", err)
		}
	})
}

func TestTemporaryFailureRetriesWithBackoffThenFails(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		srv := startSMTP(t, modeSTARTTLS)
		srv.Reject("data", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Mailbox busy, try later"})
		clk := testenv.NewClock(testenv.Start)
		s := service(t, d, clk, mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv),
			MaxAttempts: 4, FirstRetry: time.Minute, MaxRetry: time.Hour})
		enqueue(t, d, s, invitation("a@harbour.test", clinicID))

		waits := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}
		for attempt := 1; attempt <= 4; attempt++ {
			if n := deliver(t, s); n != 0 {
				t.Fatalf("attempt %d: %d delivered by a failing server", attempt, n)
			}
			if got := srv.Attempts(); got != attempt {
				t.Fatalf("attempt %d: server saw %d deliveries", attempt, got)
			}
			m := outbox(t, s)[0]
			if !strings.Contains(m.LastError, "451") || !strings.Contains(m.LastError, "Mailbox busy") {
				t.Errorf("attempt %d: last error %q", attempt, m.LastError)
			}
			if m.Attempts != attempt {
				t.Errorf("attempts %d, want %d", m.Attempts, attempt)
			}
			if attempt == 4 {
				if m.Status != mail.StatusFailed || !strings.Contains(m.LastError, "gave up after 4 attempts") {
					t.Errorf("after the last attempt: %+v", m)
				}
				break
			}
			want := clk.Now().Add(waits[attempt-1])
			if m.Status != mail.StatusQueued || !m.NextAttemptAt.Equal(want) {
				t.Fatalf("attempt %d: status %s next %v, want queued until %v", attempt, m.Status, m.NextAttemptAt, want)
			}
			clk.Advance(waits[attempt-1] - time.Second)
			deliver(t, s)
			if got := srv.Attempts(); got != attempt {
				t.Fatalf("attempt %d: retried %v before it was due", attempt, waits[attempt-1])
			}
			clk.Advance(time.Second)
		}
		clk.Advance(24 * time.Hour)
		deliver(t, s)
		if m := outbox(t, s)[0]; m.Status != mail.StatusFailed || m.Attempts != 4 || srv.Attempts() != 4 {
			t.Errorf("a failed mail was tried again: %+v", m)
		}

		// A temporary failure ends the round: the next mail waits for the
		// next round instead of hitting a struggling server at once.
		enqueue(t, d, s, invitation("b@harbour.test", clinicID), invitation("c@harbour.test", clinicID))
		deliver(t, s)
		if got := srv.Attempts(); got != 5 {
			t.Errorf("server saw %d deliveries in a failing round, want 5 (one more)", got)
		}

		// After the operator fixed the server, a platform admin retries it.
		srv.Reject("data", nil)
		first := outbox(t, s)[0]
		if err := s.Retry(context.Background(), member, first.ID); !errs.HasCode(err, "forbidden") {
			t.Errorf("member retry: %v", err)
		}
		if err := s.Retry(context.Background(), platform, first.ID); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		if n := deliver(t, s); n != 3 {
			t.Errorf("after the fix %d delivered, want 3", n)
		}
		if m := outbox(t, s)[0]; m.Status != mail.StatusSent || m.Attempts != 1 {
			t.Errorf("retried mail: %+v", m)
		}
	})
}

func TestPermanentRejectionFailsAtOnce(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		srv := startSMTP(t, modeSTARTTLS)
		srv.Reject("rcpt", &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied"})
		s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv)})
		enqueue(t, d, s, invitation("a@harbour.test", clinicID), invitation("b@harbour.test", clinicID))
		if n := deliver(t, s); n != 0 {
			t.Fatalf("delivered %d", n)
		}
		// A rejection of one message does not end the round: both were tried.
		if got := srv.Attempts(); got != 2 {
			t.Errorf("server saw %d deliveries, want 2", got)
		}
		for _, m := range outbox(t, s) {
			if m.Status != mail.StatusFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "554") {
				t.Errorf("rejected mail: %+v", m)
			}
		}
	})
}
