package account_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/server"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// parallel runs fn n times at once (released together) and waits.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			fn(i)
		}(i)
	}
	close(start)
	wg.Wait()
}

// TestThrottleIsAtomic: 40 parallel guesses for one account (each from its
// own address) are counted against the limit of 5 in one statement per
// key, so exactly 5 reach the password check and 35 are asked for the
// mailed code instead (their passwords are never checked); then the right
// password alone is not enough either.
func TestThrottleIsAtomic(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("target@atomic.test", "Target", false)
		var checked, refused, other atomic.Int64
		parallel(40, func(i int) {
			_, _, _, err := e.App.Accounts.Login(context.Background(), "target@atomic.test", "guess "+strconv.Itoa(i), fmt.Sprintf("198.51.100.%d", i))
			switch {
			case errs.HasCode(err, "invalid_credentials"):
				checked.Add(1)
			case errs.HasCode(err, "code_required"):
				refused.Add(1)
			default:
				other.Add(1)
				t.Errorf("guess %d: %v", i, err)
			}
		})
		if checked.Load() != 5 || refused.Load() != 35 {
			t.Fatalf("of 40 parallel guesses %d were checked against the password and %d refused; want 5 and 35", checked.Load(), refused.Load())
		}
		if _, _, _, err := e.App.Accounts.Login(context.Background(), "target@atomic.test", testenv.Password, "192.0.2.1"); !errs.HasCode(err, "code_required") {
			t.Fatalf("right password without the code while under attack: %v", err)
		}

		// The same for one address spraying 40 accounts (limit 30).
		checked.Store(0)
		refused.Store(0)
		parallel(40, func(i int) {
			_, _, _, err := e.App.Accounts.Login(context.Background(), fmt.Sprintf("spray%d@atomic.test", i), "guess", "203.0.113.5")
			switch {
			case errs.HasCode(err, "invalid_credentials"):
				checked.Add(1)
			case errs.HasCode(err, "too_many_attempts"):
				refused.Add(1)
			default:
				t.Errorf("spray %d: %v", i, err)
			}
		})
		if checked.Load() != 30 || refused.Load() != 10 {
			t.Fatalf("address spray: %d checked, %d refused; want 30 and 10", checked.Load(), refused.Load())
		}

		// A success does not use up the address's allowance: from an
		// address with 29 failures, 40 good sign-ins in a row all work.
		e.CreateUser("good@atomic.test", "Good", false)
		for i := 0; i < 29; i++ {
			e.App.Accounts.Login(context.Background(), fmt.Sprintf("miss%d@atomic.test", i), "guess", "203.0.113.6")
		}
		for i := 0; i < 40; i++ {
			if _, _, _, err := e.App.Accounts.Login(context.Background(), "good@atomic.test", testenv.Password, "203.0.113.6"); err != nil {
				t.Fatalf("good sign-in %d: %v", i, err)
			}
		}
	})
}

// hashWatch counts password hashes running at once through the service's
// hook. The first ones to enter stay inside until the test lets them go,
// so every other caller is either queued at the gate or, if the gate did
// not hold it back, seen inside as one too many.
type hashWatch struct {
	limit   int64
	in, max atomic.Int64
	release chan struct{}
	over    chan struct{}
	once    sync.Once
}

func newHashWatch(limit int) *hashWatch {
	return &hashWatch{limit: int64(limit), release: make(chan struct{}), over: make(chan struct{})}
}

func (w *hashWatch) hook() func() {
	n := w.in.Add(1)
	for {
		m := w.max.Load()
		if n <= m || w.max.CompareAndSwap(m, n) {
			break
		}
	}
	if n > w.limit {
		w.once.Do(func() { close(w.over) })
	} else {
		select {
		case <-w.release:
		case <-w.over:
		}
	}
	return func() { w.in.Add(-1) }
}

func newService(t *testing.T, d *db.DB, o account.Options) *account.Service {
	t.Helper()
	if err := d.MigrateUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	z, err := authz.New(d.DB)
	if err != nil {
		t.Fatal(err)
	}
	o.Argon2 = testenv.FastArgon2
	return account.New(d, z, o)
}

// TestHashingIsBounded: 40 parallel sign-ins (unknown emails, each from its
// own address) never run more than MaxHashes password hashes at once; the
// rest wait their turn and are all answered.
func TestHashingIsBounded(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		const n = 3
		w := newHashWatch(n)
		s := newService(t, d, account.Options{MaxHashes: n, HashWait: time.Hour, HashHook: w.hook})
		done := make(chan struct{})
		var answered atomic.Int64
		go func() {
			parallel(40, func(i int) {
				_, _, _, err := s.Login(context.Background(), fmt.Sprintf("nobody%d@bound.test", i), "wrong", fmt.Sprintf("198.51.100.%d", i))
				if !errs.HasCode(err, "invalid_credentials") {
					t.Errorf("sign-in %d: %v", i, err)
				}
				answered.Add(1)
			})
			close(done)
		}()
		// Wait until n hashes are inside and the other 40-n are queued at
		// the gate, or one too many got in.
		for {
			running, waiting := s.HashLoad()
			if running == n && waiting == 40-n && w.in.Load() == n {
				break
			}
			select {
			case <-w.over:
			case <-time.After(time.Millisecond):
				continue
			}
			break
		}
		close(w.release)
		<-done
		if got := w.max.Load(); got > n {
			t.Fatalf("%d password hashes ran at once, limit %d", got, n)
		}
		if w.max.Load() != n || answered.Load() != 40 {
			t.Fatalf("max %d at once, %d answered", w.max.Load(), answered.Load())
		}
	})
}

// TestHashingBusy: a caller who cannot get a hashing slot within HashWait
// gets 503 busy with Retry-After (not a 500, not a hang); a cancelled
// caller stops waiting; the queued attempt does not count as a failed
// guess.
func TestHashingBusy(t *testing.T) {
	d := testenv.OpenSQLite(t)
	w := newHashWatch(1)
	s := newService(t, d, account.Options{MaxHashes: 1, HashWait: 50 * time.Millisecond, HashHook: w.hook})
	done := make(chan struct{})
	go func() {
		s.Login(context.Background(), "holder@busy.test", "wrong", "192.0.2.9")
		close(done)
	}()
	for {
		if running, _ := s.HashLoad(); running == 1 && w.in.Load() == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	app := server.New(server.Config{}, &api.API{Accounts: s})
	for i := 0; i < 6; i++ { // more than the account limit of 5
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"late@busy.test","password":"whatever"}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 503 || !strings.Contains(string(b), `"code":"busy"`) || res.Header.Get("Retry-After") == "" {
			t.Fatalf("over the gate: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := s.Login(ctx, "late@busy.test", "whatever", "192.0.2.10"); err == nil || errs.HasCode(err, "invalid_credentials") {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(w.release)
	<-done
	// The six busy answers were not counted as guesses.
	if _, _, _, err := s.Login(context.Background(), "late@busy.test", "whatever", "192.0.2.11"); !errs.HasCode(err, "invalid_credentials") {
		t.Fatalf("after the busy answers: %v", err)
	}
}

// TestHashSlots: the gate is sized from the memory limit (a quarter of it
// for argon2id's memory), at least one, at most twice the CPUs.
func TestHashSlots(t *testing.T) {
	p := account.Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}
	cases := []struct {
		limit int64
		cpus  int
		want  int
	}{
		{512 << 20, 2, 4}, {512 << 20, 8, 6}, {64 << 20, 8, 1}, {1 << 40, 2, 4}, {0, 3, 6},
	}
	for _, c := range cases {
		if got := account.HashSlots(c.limit, c.cpus, p); got != c.want {
			t.Errorf("HashSlots(%d, %d) = %d, want %d", c.limit, c.cpus, got, c.want)
		}
	}
	if account.DefaultArgon2.Memory != 19*1024 || account.DefaultArgon2.Time != 2 || account.DefaultArgon2.Threads != 1 {
		t.Fatalf("DefaultArgon2 %+v is not OWASP's m=19MiB t=2 p=1", account.DefaultArgon2)
	}
}

// TestChangePasswordThrottle: guesses at the current password on
// /me/password are throttled like sign-in, per user: five wrong answers,
// then 429 even with the right one, for that user only, until the window
// passes; parallel guesses cannot slip past the limit.
func TestChangePasswordThrottle(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("pw@throttle.test", "Pw", false)
		e.CreateUser("other@throttle.test", "Other", false)
		tok := e.Login("pw@throttle.test")
		other := e.Login("other@throttle.test")
		change := func(tok, cur string) (int, string) {
			r := e.Do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": cur, "new_password": "a brand new secret"})
			return r.Status, r.Code()
		}
		var wrong, limited atomic.Int64
		parallel(20, func(i int) {
			switch st, code := change(tok, "guess "+strconv.Itoa(i)); {
			case st == 403 && code == "wrong_password":
				wrong.Add(1)
			case st == 429 && code == "too_many_attempts":
				limited.Add(1)
			default:
				t.Errorf("guess %d: %d %s", i, st, code)
			}
		})
		if wrong.Load() != 5 || limited.Load() != 15 {
			t.Fatalf("%d guesses checked, %d refused; want 5 and 15", wrong.Load(), limited.Load())
		}
		if st, _ := change(tok, testenv.Password); st != 429 {
			t.Fatalf("right password during the lock: %d", st)
		}
		if st, _ := change(other, testenv.Password); st != 204 {
			t.Fatalf("another user is locked too: %d", st)
		}
		e.Clock.Advance(16 * time.Minute)
		tok = e.Login("pw@throttle.test") // sessions idle less than 2h live on, but sign in fresh anyway
		if st, _ := change(tok, testenv.Password); st != 204 {
			t.Fatalf("after the window: %d", st)
		}
	})
}
