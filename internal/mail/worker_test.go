package mail_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// hangingServer accepts TCP connections and never says a word, like an
// overloaded mail server. accepted receives a value per connection.
func hangingServer(t *testing.T) (port int, accepted <-chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acc := make(chan struct{}, 100)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			acc <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port, acc
}

// waitFor fails the test when ch stays silent far longer than any healthy
// run needs (a guard against hanging forever, not a timing assertion).
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(60 * time.Second):
		t.Fatalf("still waiting for %s", what)
	}
}

func TestHangingServerNeverBlocksRequests(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		port, accepted := hangingServer(t)
		clk := testenv.NewClock(testenv.Start)
		s := service(t, d, clk, mail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(port), Timeout: 3 * time.Second})
		enqueue(t, d, s, invitation("first@harbour.test", clinicID))

		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := s.DeliverDue(context.Background())
			done <- result{n, err}
		}()
		waitFor(t, accepted, "the worker to connect")

		// The worker now waits on a silent server. A request that queues
		// mail (and one that reads the outbox) goes through at once: the
		// worker holds no transaction or lock while it talks to a server.
		enqueue(t, d, s, invitation("second@harbour.test", clinicID))
		if ms := outbox(t, s); len(ms) != 2 {
			t.Fatalf("outbox while the worker waits: %d rows", len(ms))
		}
		select {
		case r := <-done:
			t.Fatalf("the worker returned (%d, %v) before the request finished: the request waited for it", r.n, r.err)
		default:
		}

		r := <-done
		if r.n != 0 || r.err != nil {
			t.Fatalf("DeliverDue against a silent server: %d, %v", r.n, r.err)
		}
		ms := outbox(t, s)
		if ms[0].Status != mail.StatusQueued || ms[0].Attempts != 1 || !strings.Contains(ms[0].LastError, "timeout") ||
			!ms[0].NextAttemptAt.Equal(clk.Now().Add(time.Minute)) {
			t.Errorf("timed-out mail should wait for a retry: %+v", ms[0])
		}
		if ms[1].Status != mail.StatusQueued || ms[1].Attempts != 0 {
			t.Errorf("the round should stop at a server in trouble; second mail: %+v", ms[1])
		}
	})
}

func TestCancelledWorkerHandsTheMailBack(t *testing.T) {
	d := testenv.OpenSQLite(t)
	clinicID := setup(t, d)
	port, accepted := hangingServer(t)
	clk := testenv.NewClock(testenv.Start)
	s := service(t, d, clk, mail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(port), Timeout: time.Minute})
	enqueue(t, d, s, invitation("first@harbour.test", clinicID))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.DeliverDue(ctx)
		done <- err
	}()
	waitFor(t, accepted, "the worker to connect")
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled round should say so")
	}
	m := outbox(t, s)[0]
	if m.Status != mail.StatusQueued || !m.NextAttemptAt.Equal(clk.Now()) {
		t.Errorf("a mail interrupted by shutdown must be due again at once: %+v", m)
	}
}

// closedPort is a port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

// restartScenario: one mail failed to send (server down), another was
// being sent when the instance died. After a restart both are delivered,
// each exactly once.
func restartScenario(t *testing.T, before *db.DB, restart func() *db.DB, clk *testenv.Clock, clinicID int64) {
	s1 := service(t, before, clk, mail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(closedPort(t))})
	enqueue(t, before, s1, invitation("refused@harbour.test", clinicID), invitation("crashed@harbour.test", clinicID))
	if n := deliver(t, s1); n != 0 {
		t.Fatalf("delivered %d with the server down", n)
	}
	// What a worker that died in the middle of sending leaves behind: the
	// row claimed, with its lease running.
	if err := before.Exec(`UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE to_addr = ?`,
		clk.Now().Add(10*time.Minute), "crashed@harbour.test").Error; err != nil {
		t.Fatal(err)
	}
	after := restart()

	srv := startSMTP(t, modeSTARTTLS)
	s2 := service(t, after, clk, mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv)})
	clk.Advance(time.Minute)
	if n := deliver(t, s2); n != 1 {
		t.Fatalf("after the restart %d delivered, want the refused one", n)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].To[0] != "refused@harbour.test" {
		t.Fatalf("delivered %+v", got)
	}
	// The dead worker's lease has not run out: nobody sends that mail twice.
	if n := deliver(t, s2); n != 0 {
		t.Fatalf("a claimed mail was taken before its lease ran out")
	}
	clk.Advance(10 * time.Minute)
	if n := deliver(t, s2); n != 1 {
		t.Fatalf("the dead worker's mail was not taken over: %d", n)
	}
	got := srv.Messages()
	if len(got) != 2 || got[1].To[0] != "crashed@harbour.test" {
		t.Fatalf("delivered %+v", got)
	}
	for _, m := range outbox(t, s2) {
		if m.Status != mail.StatusSent || m.Attempts != 2 {
			t.Errorf("after the restart: %+v", m)
		}
	}
}

func TestNothingLostAcrossRestart(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		// The database outlives the process; a new Service is the restart.
		clinicID := setup(t, d)
		restartScenario(t, d, func() *db.DB { return d }, testenv.NewClock(testenv.Start), clinicID)
	})
	t.Run("sqlite file reopened", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "clinicpress.db")
		d1, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		clinicID := setup(t, d1)
		restartScenario(t, d1, func() *db.DB {
			if err := d1.Close(); err != nil {
				t.Fatal(err)
			}
			d2, err := db.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			if err := d2.MigrateUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			return d2
		}, testenv.NewClock(testenv.Start), clinicID)
	})
}

func TestWorkersNeverSendOneMailTwice(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clinicID := setup(t, d)
		srv := startSMTP(t, modeSTARTTLS)
		clk := testenv.NewClock(testenv.Start)
		const mails, workers = 40, 4
		var ms []mail.Message
		for i := 0; i < mails; i++ {
			ms = append(ms, invitation(fmt.Sprintf("person%02d@harbour.test", i), clinicID))
		}
		first := service(t, d, clk, mail.Config{})
		enqueue(t, d, first, ms...)

		var wg sync.WaitGroup
		errc := make(chan error, workers)
		for w := 0; w < workers; w++ {
			// Each worker is its own Service, as on separate instances.
			s := service(t, d, clk, mail.Config{URL: srv.URL("smtp"), TLSConfig: tlsTrusting(srv), Batch: 3})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := s.DeliverDue(context.Background())
					if err != nil {
						errc <- err
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		got := srv.Messages()
		seen := map[string]int{}
		for _, r := range got {
			seen[r.To[0]]++
			id := parse(t, r.Data).Header.Get("Message-Id")
			seen[id]++
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s delivered %d times", k, n)
			}
		}
		if len(got) != mails {
			t.Errorf("server received %d mails, want %d", len(got), mails)
		}
		for _, m := range outbox(t, first) {
			if m.Status != mail.StatusSent || m.Attempts != 1 {
				t.Errorf("after the workers: %+v", m)
			}
		}
	})
}
