package mail_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func TestWrongPasswordIsRetriedAndNeverShown(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		logs := captureLog(t)
		clinicID := setup(t, d)
		srv := startSMTP(t, modeSTARTTLS)
		const wrong = "Wr0ng-Passw0rd"
		url := "smtp://" + smtpUser + ":" + wrong + "@127.0.0.1:" + strconv.Itoa(srv.Port)
		s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{URL: url, TLSConfig: tlsTrusting(srv)})
		if strings.Contains(s.Describe(), wrong) {
			t.Errorf("Describe shows the password: %s", s.Describe())
		}
		enqueue(t, d, s, invitation("a@harbour.test", clinicID))
		if n := deliver(t, s); n != 0 || len(srv.Messages()) != 0 {
			t.Fatalf("delivered with a wrong password")
		}
		m := outbox(t, s)[0]
		// A server-side problem (credentials) is fixed by the operator, so
		// the mail waits for a retry instead of failing.
		if m.Status != mail.StatusQueued || !strings.Contains(m.LastError, "535") {
			t.Errorf("after an authentication failure: %+v", m)
		}
		if strings.Contains(m.LastError, wrong) || strings.Contains(logs.String(), wrong) {
			t.Errorf("the password leaked: %q\n%s", m.LastError, logs.String())
		}
		if !strings.Contains(logs.String(), "mail: delivery failed") {
			t.Errorf("the failure was not logged:\n%s", logs.String())
		}
	})
}

func TestTLSAsTheURLSays(t *testing.T) {
	d := testenv.OpenSQLite(t)
	clinicID := setup(t, d)
	clk := testenv.NewClock(testenv.Start)
	try := func(t *testing.T, srv *smtpServer, cfg mail.Config) mail.OutboxMail {
		t.Helper()
		s := service(t, d, clk, cfg)
		enqueue(t, d, s, invitation("a@harbour.test", clinicID))
		deliver(t, s)
		ms := outbox(t, s)
		return ms[len(ms)-1]
	}
	t.Run("STARTTLS required, server offers none", func(t *testing.T) {
		srv := startSMTP(t, modePlain)
		m := try(t, srv, mail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(srv.Port)})
		if m.Status != mail.StatusQueued || !strings.Contains(m.LastError, "STARTTLS") || srv.Attempts() != 0 {
			t.Errorf("mail went out in clear text: %+v, server saw %d", m, srv.Attempts())
		}
	})
	t.Run("certificate not trusted", func(t *testing.T) {
		srv := startSMTP(t, modeSTARTTLS)
		m := try(t, srv, mail.Config{URL: srv.URL("smtp")})
		if m.Status != mail.StatusQueued || !strings.Contains(m.LastError, "certificate") || srv.Attempts() != 0 {
			t.Errorf("sent to an untrusted server: %+v, server saw %d", m, srv.Attempts())
		}
	})
	t.Run("opportunistic falls back to clear text for a relay", func(t *testing.T) {
		srv := startSMTP(t, modePlain)
		m := try(t, srv, mail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(srv.Port) + "?starttls=opportunistic"})
		got := srv.Messages()
		if m.Status != mail.StatusSent || len(got) != 1 || got[0].TLS {
			t.Errorf("opportunistic to a plain relay: %+v %+v", m, got)
		}
	})
	t.Run("opportunistic uses STARTTLS when offered", func(t *testing.T) {
		srv := startSMTP(t, modeSTARTTLS)
		m := try(t, srv, mail.Config{URL: srv.URL("smtp") + "?starttls=opportunistic", TLSConfig: tlsTrusting(srv)})
		got := srv.Messages()
		if m.Status != mail.StatusSent || len(got) != 1 || !got[0].TLS {
			t.Errorf("opportunistic to a STARTTLS server: %+v %+v", m, got)
		}
	})
}

func TestNewRefusesBadSettings(t *testing.T) {
	d := testenv.OpenSQLite(t)
	setup(t, d)
	cases := map[string]mail.Config{
		"no from":         {URL: "smtp://u:hunter2@mail.example.com"},
		"bad from":        {URL: "smtp://u:hunter2@mail.example.com", From: "not an address"},
		"header in from":  {URL: "smtp://u:hunter2@mail.example.com", From: "a@b.test\r\nBcc: c@d.test"},
		"bad url":         {URL: "smtp://u:hunter2@mail.example.com:0", From: "a@b.test"},
		"clear text auth": {URL: "smtp://u:hunter2@mail.example.com?starttls=none", From: "a@b.test"},
	}
	for name, cfg := range cases {
		_, err := mail.New(d, cfg)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error shows the password: %v", name, err)
		}
	}
}

func TestRunDeliversOnKick(t *testing.T) {
	d := testenv.OpenSQLite(t)
	clinicID := setup(t, d)
	srv := startSMTP(t, modeSTARTTLS)
	s := service(t, d, testenv.NewClock(testenv.Start), mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv)})
	enqueue(t, d, s, invitation("a@harbour.test", clinicID))

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		s.Run(ctx, time.Hour)
		close(stopped)
	}()
	waitFor(t, srv.Delivered, "the first round at start")
	// The next tick is an hour away: only Kick can deliver this one now.
	enqueue(t, d, s, invitation("b@harbour.test", clinicID))
	s.Kick()
	waitFor(t, srv.Delivered, "the kicked round")
	cancel()
	waitFor(t, stopped, "Run to stop")
	if got := srv.Messages(); len(got) != 2 || got[1].To[0] != "b@harbour.test" {
		t.Errorf("delivered %+v", got)
	}
}

func TestStoredMailCanBeSentOnceSMTPIsConfigured(t *testing.T) {
	d := testenv.OpenSQLite(t)
	clinicID := setup(t, d)
	clk := testenv.NewClock(testenv.Start)
	store := service(t, d, clk, mail.Config{})
	enqueue(t, d, store, invitation("a@harbour.test", clinicID))
	deliver(t, store)
	m := outbox(t, store)[0]
	if err := store.Retry(context.Background(), platform, m.ID); !errs.HasCode(err, "invalid_state") {
		t.Errorf("sending stored mail again without a server: %v", err)
	}
	srv := startSMTP(t, modeSTARTTLS)
	s := service(t, d, clk, mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv)})
	if n := deliver(t, s); n != 0 {
		t.Fatalf("stored mail went out without anyone asking: %d", n)
	}
	if err := s.Retry(context.Background(), member, m.ID); !errs.HasCode(err, "forbidden") {
		t.Errorf("member: %v", err)
	}
	if err := s.Retry(context.Background(), platform, m.ID+1); !errs.HasCode(err, "not_found") {
		t.Errorf("unknown mail: %v", err)
	}
	if err := s.Retry(context.Background(), platform, m.ID); err != nil {
		t.Fatal(err)
	}
	if n := deliver(t, s); n != 1 || len(srv.Messages()) != 1 {
		t.Fatalf("after Retry: %d", n)
	}
	if err := s.Retry(context.Background(), platform, m.ID); !errs.HasCode(err, "invalid_state") {
		t.Errorf("sending a sent mail again: %v", err)
	}
}
