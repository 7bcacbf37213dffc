package account_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func login(e *testenv.Env, email, password string) testenv.Response {
	return e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
}

func tokenOf(t *testing.T, r testenv.Response) string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(t, &out)
	return out.Token
}

func status(e *testenv.Env, tok string) int { return e.Do("GET", "/api/v1/me", tok, nil).Status }

// TestPasswordHash checks the stored format (PHC argon2id with its own
// parameters and a random salt) and verification.
func TestPasswordHash(t *testing.T) {
	p := testenv.FastArgon2
	h1, err := account.HashPassword("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := account.HashPassword("correct horse battery", p)
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)
	m := re.FindStringSubmatch(h1)
	if m == nil {
		t.Fatalf("hash %q is not PHC argon2id", h1)
	}
	if m[1] != strconv.Itoa(int(p.Memory)) || m[2] != strconv.Itoa(int(p.Time)) || m[3] != strconv.Itoa(int(p.Threads)) {
		t.Fatalf("hash %q does not record the parameters %+v", h1, p)
	}
	salt, _ := base64.RawStdEncoding.DecodeString(m[4])
	key, _ := base64.RawStdEncoding.DecodeString(m[5])
	if len(salt) != 16 || len(key) != 32 {
		t.Fatalf("salt %d bytes, key %d bytes", len(salt), len(key))
	}
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, h := range []string{h1, h2} {
		if ok, err := account.CheckPassword(h, "correct horse battery"); !ok || err != nil {
			t.Fatalf("right password refused: %v %v", ok, err)
		}
		if ok, err := account.CheckPassword(h, "correct horse batterY"); ok || err != nil {
			t.Fatalf("wrong password accepted: %v %v", ok, err)
		}
	}
	// The hash's own parameters are used, not the current defaults.
	strong, _ := account.HashPassword("pw with other cost", account.Argon2Params{Memory: 2048, Time: 2, Threads: 2})
	if ok, err := account.CheckPassword(strong, "pw with other cost"); !ok || err != nil {
		t.Fatalf("hash with other parameters refused: %v %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x,t=1,p=1$c2FsdA$a2V5"} {
		if ok, err := account.CheckPassword(bad, "plain"); ok || err == nil {
			t.Fatalf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}

// TestLoginDoesNotRevealAccounts: an unknown email and a wrong password
// answer the same status, code and detail.
func TestLoginDoesNotRevealAccounts(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("known@acct.test", "Known", false)
		wrong := login(e, "known@acct.test", "not the password")
		unknown := login(e, "nobody@acct.test", "not the password")
		if wrong.Status != 401 || wrong.Code() != "invalid_credentials" {
			t.Fatalf("wrong password: %d %s", wrong.Status, wrong.Body)
		}
		if unknown.Status != wrong.Status || string(unknown.Body) != string(wrong.Body) {
			t.Fatalf("unknown email answers differently:\n%d %s\n%d %s", unknown.Status, unknown.Body, wrong.Status, wrong.Body)
		}
		tokenOf(t, login(e, " KNOWN@acct.test ", testenv.Password)) // email is normalised
	})
}

// TestAccountThrottle: five failures from one address refuse that address
// for the account (429 with Retry-After, even with the right password)
// until the window passes; from any other address the account is "under
// attack": the right password alone answers code_required, and together
// with the 6-digit code mailed to the owner it signs in (the real user is
// never locked out). The counters live in the database, so a second
// instance on the same database sees them.
func TestAccountThrottle(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("target@acct.test", "Target", false)
		for i := 0; i < 5; i++ {
			if r := login(e, "target@acct.test", "guess "+strconv.Itoa(i)); r.Status != 401 {
				t.Fatalf("failure %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := login(e, "Target@acct.test", testenv.Password)
		if r.Status != 429 || r.Code() != "too_many_attempts" {
			t.Fatalf("sixth attempt with the right password: %d %s", r.Status, r.Body)
		}
		ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil || ra <= 0 || ra > 15*60 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("429 content type %q", ct)
		}
		// Another account from the same address is not locked.
		e.CreateUser("bystander@acct.test", "Bystander", false)
		tokenOf(t, login(e, "bystander@acct.test", testenv.Password))

		// A second instance (own connection pool, same clock) on the same
		// database sees the lock.
		a2, err := app.Build(context.Background(), app.Config{DB: reopen(t, d), Now: e.Clock.Now, Argon2: testenv.FastArgon2})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := a2.Accounts.Login(context.Background(), "target@acct.test", testenv.Password, "192.0.2.44"); !errs.HasCode(err, "code_required") {
			t.Fatalf("second instance: login while under attack: %v", err)
		}
		code := codeIn(t, e.LastMail("target@acct.test"))
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		if _, _, _, err := a2.Accounts.SignIn(context.Background(), account.SignInInput{Email: "target@acct.test", Password: testenv.Password, ClientAddr: "192.0.2.44", Code: wrong}); !errs.HasCode(err, "invalid_code") {
			t.Fatalf("a wrong code with the right password: %v", err)
		}
		if _, _, _, err := a2.Accounts.SignIn(context.Background(), account.SignInInput{Email: "target@acct.test", Password: testenv.Password, ClientAddr: "192.0.2.44", Code: code}); err != nil {
			t.Fatalf("right password and the mailed code: %v", err)
		}
		// The code works once; the guessing address stays refused.
		if _, _, _, err := a2.Accounts.SignIn(context.Background(), account.SignInInput{Email: "target@acct.test", Password: testenv.Password, ClientAddr: "192.0.2.45", Code: code}); err != nil {
			t.Fatalf("after a successful sign-in the account is no longer under attack: %v", err)
		}

		e.Clock.Advance(14 * time.Minute)
		if r := login(e, "target@acct.test", testenv.Password); r.Status != 429 {
			t.Fatalf("still inside the window: %d %s", r.Status, r.Body)
		}
		e.Clock.Advance(2 * time.Minute)
		tokenOf(t, login(e, "target@acct.test", testenv.Password))

		// Failures counted by the second instance lock the first one.
		for i := 0; i < 5; i++ {
			if _, _, _, err := a2.Accounts.Login(context.Background(), "bystander@acct.test", "nope "+strconv.Itoa(i), "192.0.2.44"); err == nil {
				t.Fatal("wrong password accepted")
			}
		}
		if r := login(e, "bystander@acct.test", testenv.Password); r.Status != 401 || r.Code() != "code_required" {
			t.Fatalf("first instance ignores the second's failures: %d %s", r.Status, r.Body)
		}
	})
}

// TestAddressThrottle: many failures from one address against different
// accounts lock that address, not others.
func TestAddressThrottle(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		ctx := context.Background()
		e.CreateUser("victim@acct.test", "Victim", false)
		acc := e.App.Accounts
		const attacker, other = "198.51.100.7", "198.51.100.8"
		for i := 0; i < 30; i++ {
			_, _, _, err := acc.Login(ctx, fmt.Sprintf("spray%d@acct.test", i), "password123", attacker)
			if err == nil || !strings.Contains(err.Error(), "invalid_credentials") {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if _, _, _, err := acc.Login(ctx, "victim@acct.test", testenv.Password, attacker); err == nil || !strings.Contains(err.Error(), "too_many_attempts") {
			t.Fatalf("locked address signs in: %v", err)
		}
		if _, _, _, err := acc.Login(ctx, "victim@acct.test", testenv.Password, other); err != nil {
			t.Fatalf("another address is locked too: %v", err)
		}
		e.Clock.Advance(16 * time.Minute)
		if _, _, _, err := acc.Login(ctx, "victim@acct.test", testenv.Password, attacker); err != nil {
			t.Fatalf("address still locked after the window: %v", err)
		}
	})
}

// TestSessions: a new random token per login, stored only hashed;
// absolute expiry and idle timeout on the fake clock; logout revokes one
// session; a password change revokes every other session.
func TestSessions(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("sess@acct.test", "Sess", false)
		t1 := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		t2 := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		if t1 == t2 || len(t1) < 40 {
			t.Fatalf("tokens %q and %q", t1, t2)
		}
		if status(e, t1) != 200 || status(e, t2) != 200 {
			t.Fatal("fresh tokens do not work")
		}
		// Only hashes are stored.
		rows, err := d.Raw(`SELECT * FROM sessions`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		hashes := map[string]bool{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					s = string(b)
				}
				if strings.Contains(s, t1) || strings.Contains(s, t2) {
					t.Fatalf("raw token stored in sessions.%s", cols[i])
				}
				if cols[i] == "token_hash" {
					hashes[s] = true
				}
			}
		}
		rows.Close()
		if !hashes[account.HashToken(t1)] || !hashes[account.HashToken(t2)] {
			t.Fatal("token hashes not found in sessions")
		}

		// Logout revokes that session only.
		if r := e.Do("POST", "/api/v1/auth/logout", t1, nil); r.Status != 204 {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		if status(e, t1) != 401 || status(e, t2) != 200 {
			t.Fatal("logout did not revoke exactly its session")
		}
		if r := e.Do("GET", "/api/v1/me", t1, nil); r.Code() != "unauthenticated" {
			t.Fatalf("revoked token: %s", r.Body)
		}

		// Idle timeout (2h): used every 1h59m a session lives on; t2, left
		// alone, ends.
		created := e.Clock.Now()
		active := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		for i := 0; i < 2; i++ {
			e.Clock.Advance(2*time.Hour - time.Minute)
			if status(e, active) != 200 {
				t.Fatalf("round %d: active session ended early", i)
			}
		}
		if status(e, t2) != 401 {
			t.Fatal("session idle for almost 4h still works")
		}
		// Absolute expiry (12h) even when active.
		for e.Clock.Now().Before(created.Add(11 * time.Hour)) {
			e.Clock.Advance(time.Hour)
			if status(e, active) != 200 {
				t.Fatalf("active session ended after %v", e.Clock.Now().Sub(created))
			}
		}
		e.Clock.Advance(time.Hour)
		if status(e, active) != 401 {
			t.Fatalf("session %v old still works", e.Clock.Now().Sub(created))
		}

		// Password change keeps the current session and ends the others.
		cur := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		o1 := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		o2 := tokenOf(t, login(e, "sess@acct.test", testenv.Password))
		if r := e.Do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": "wrong one!", "new_password": "a brand new secret"}); r.Status != 403 {
			t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
		}
		if status(e, o1) != 200 {
			t.Fatal("a refused password change ended sessions")
		}
		if r := e.Do("POST", "/api/v1/me/password", cur, map[string]string{"current_password": testenv.Password, "new_password": "a brand new secret"}); r.Status != 204 {
			t.Fatalf("password change: %d %s", r.Status, r.Body)
		}
		if status(e, cur) != 200 || status(e, o1) != 401 || status(e, o2) != 401 {
			t.Fatal("password change must keep the current session and end every other")
		}
		if r := login(e, "sess@acct.test", testenv.Password); r.Status != 401 {
			t.Fatalf("old password still works: %d", r.Status)
		}
		tokenOf(t, login(e, "sess@acct.test", "a brand new secret"))
	})
}

// TestCookieLogin: the login sets an HttpOnly, SameSite=Lax session
// cookie that authenticates without a bearer header.
func TestCookieLogin(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("cookie@acct.test", "Cookie", false)
		r := login(e, "cookie@acct.test", testenv.Password)
		tok := tokenOf(t, r)
		res := &http.Response{Header: r.Header}
		var c *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "cp_session" {
				c = ck
			}
		}
		if c == nil {
			t.Fatalf("no cp_session cookie: %v", r.Header.Values("Set-Cookie"))
		}
		if c.Value != tok || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("cookie %+v", c)
		}
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.AddCookie(&http.Cookie{Name: "cp_session", Value: c.Value})
		got, err := e.App.HTTP.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if got.StatusCode != 200 || !strings.Contains(string(body), "cookie@acct.test") {
			t.Fatalf("cookie auth: %d %s", got.StatusCode, body)
		}
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.AddCookie(&http.Cookie{Name: "cp_session", Value: c.Value + "x"})
		if got, _ := e.App.HTTP.Test(req, -1); got.StatusCode != 401 {
			t.Fatalf("forged cookie: %d", got.StatusCode)
		}
	})
}

// reopen opens a second connection pool on the database behind d, as a
// second instance would.
func reopen(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	var dsn string
	switch d.Dialect {
	case db.SQLite:
		var rows []struct {
			Name string
			File string
		}
		if err := d.Raw(`PRAGMA database_list`).Scan(&rows).Error; err != nil || len(rows) == 0 {
			t.Fatalf("database_list: %v", err)
		}
		dsn = "sqlite:" + rows[0].File
	case db.Postgres:
		var schema string
		if err := d.Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
			t.Fatal(err)
		}
		base := os.Getenv(testenv.PostgresEnv)
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + "search_path=" + schema
	}
	d2, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

// TestSweep: ended throttle windows and long-dead sessions are deleted;
// live ones stay.
func TestSweep(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("sweep@acct.test", "Sweep", false)
		login(e, "sweep@acct.test", "wrong guess")
		old := tokenOf(t, login(e, "sweep@acct.test", testenv.Password))
		e.Do("POST", "/api/v1/auth/logout", old, nil)
		count := func(table string) (n int64) {
			d.Raw("SELECT COUNT(*) FROM " + table).Scan(&n)
			return n
		}
		sessions, throttles := count("sessions"), count("login_throttle")
		if n, err := e.App.Accounts.Sweep(context.Background()); err != nil || n != 0 {
			t.Fatalf("sweep right away removed %d (%v)", n, err)
		}
		e.Clock.Advance(37 * time.Hour) // every earlier session ended over a day ago
		// (from another address: a sign-in renews its address's window)
		keep, _, _, err := e.App.Accounts.Login(context.Background(), "sweep@acct.test", testenv.Password, "192.0.2.77")
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.App.Accounts.Sweep(context.Background())
		if err != nil || int64(n) != sessions+throttles {
			t.Fatalf("sweep removed %d, want %d (%v)", n, sessions+throttles, err)
		}
		if status(e, keep) != 200 {
			t.Fatal("a live session was swept")
		}
	})
}

var codeRE = regexp.MustCompile(`(?m)^\s*(\d{6})\s*$`)

// codeIn is the 6-digit sign-in code of a mail.
func codeIn(t *testing.T, m testenv.Mail) string {
	t.Helper()
	c := codeRE.FindStringSubmatch(m.Text)
	if c == nil {
		t.Fatalf("no code in %q", m.Text)
	}
	return c[1]
}
