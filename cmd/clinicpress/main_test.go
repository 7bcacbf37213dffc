package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/migrations"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	os.Exit(m.Run())
}

// forEachDSN runs fn with the DSN of a fresh, empty SQLite file and (when
// configured) a fresh PostgreSQL schema.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		switch d.Dialect {
		case db.SQLite:
			fn(t, "sqlite:"+filepath.Join(t.TempDir(), "cli.db"))
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
			fn(t, base+sep+"search_path="+schema)
		}
	})
}

func cli(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out)
	return out.String(), err
}

func mustCLI(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := cli(t, stdin, args...)
	if err != nil {
		t.Fatalf("clinicpress %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func count(t *testing.T, dsn, table string) int64 {
	t.Helper()
	d, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int64
	if err := d.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMigrateAndUserCreate: migrate status lists every embedded migration
// (pending, then applied); user create needs --password-stdin and makes a
// platform admin who can sign in and create a clinic.
func TestMigrateAndUserCreate(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		dialect := "sqlite"
		if strings.HasPrefix(dsn, "postgres") {
			dialect = "postgres"
		}
		files, err := fs.Glob(migrations.FS, dialect+"/*.sql")
		if err != nil || len(files) < 2 {
			t.Fatalf("embedded migrations %v %v", files, err)
		}
		status := func(want string) {
			t.Helper()
			out := mustCLI(t, "", "migrate", "status", "--db", dsn)
			var lines, river []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasPrefix(l, "river ") {
					river = append(river, l)
				} else {
					lines = append(lines, l)
				}
			}
			// River's job queue migrations are listed after ours, in the same state.
			if len(river) < 5 {
				t.Fatalf("status lists %d river migrations:\n%s", len(river), out)
			}
			for _, l := range river {
				if !strings.Contains(l, "river/") || !strings.Contains(l, want) {
					t.Fatalf("river status line %q, want %s", l, want)
				}
			}
			if len(lines) != len(files) {
				t.Fatalf("status lists %d migrations, want %d:\n%s", len(lines), len(files), out)
			}
			for i, f := range files {
				if !strings.Contains(lines[i], filepath.Base(f)) || !strings.Contains(lines[i], want) {
					t.Fatalf("status line %d %q, want %s %s", i, lines[i], filepath.Base(f), want)
				}
			}
		}
		status("pending")
		mustCLI(t, "", "migrate", "up", "--db", dsn)
		status("applied")
		// Flags before the command work too.
		if out := mustCLI(t, "", "migrate", "--db", dsn, "status"); strings.Count(out, "applied") != len(files)+strings.Count(out, "river/") {
			t.Fatalf("migrate --db DSN status:\n%s", out)
		}
		if _, err := cli(t, "", "migrate", "sideways", "--db", dsn); err == nil {
			t.Fatal("unknown migrate command accepted")
		}

		if _, err := cli(t, "", "user", "create", "--db", dsn, "--email", "op@cli.test", "--name", "Op", "--platform-admin"); err == nil ||
			!strings.Contains(err.Error(), "password-stdin") {
			t.Fatalf("user create without --password-stdin: %v", err)
		}
		if _, err := cli(t, "short\n", "user", "create", "--db", dsn, "--email", "op@cli.test", "--name", "Op", "--password-stdin"); err == nil ||
			!strings.Contains(err.Error(), "password") {
			t.Fatalf("short password: %v", err)
		}
		if n := count(t, dsn, "users"); n != 0 {
			t.Fatalf("refused user creates left %d users", n)
		}
		out := mustCLI(t, "a long operator secret\n", "user", "create", "--db", dsn, "--email", "Op@CLI.test", "--name", "Operator", "--password-stdin", "--platform-admin")
		if !strings.Contains(out, "op@cli.test") || !strings.Contains(out, "platform admin") {
			t.Fatalf("user create output %q", out)
		}
		if _, err := cli(t, "a long operator secret\n", "user", "create", "--db", dsn, "--email", "op@cli.test", "--name", "Again", "--password-stdin"); err == nil {
			t.Fatal("duplicate email accepted")
		}
		// The operator grants the credential verifier role to an existing user.
		if _, err := cli(t, "", "user", "grant-verifier", "--db", dsn, "--email", "nobody@cli.test"); err == nil {
			t.Fatal("granted the verifier role to an unknown user")
		}
		if out := mustCLI(t, "", "user", "grant-verifier", "--db", dsn, "--email", "OP@cli.test"); !strings.Contains(out, "op@cli.test is now a credential verifier") {
			t.Fatalf("grant-verifier output %q", out)
		}

		// The product on that database: the operator signs in and creates a clinic.
		d, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		a, err := app.Build(context.Background(), app.Config{DB: d, Argon2: testenv.FastArgon2})
		if err != nil {
			t.Fatal(err)
		}
		e := &testenv.Env{T: t, App: a, Clock: testenv.NewClock(time.Now())}
		var s struct {
			Token string
			User  struct {
				PlatformAdmin bool `json:"platform_admin"`
			}
		}
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "op@cli.test", "password": "a long operator secret"}, 200, &s)
		if !s.User.PlatformAdmin {
			t.Fatal("--platform-admin did not make a platform admin")
		}
		e.MustDo("POST", "/api/v1/clinics", s.Token, map[string]any{"slug": "made-by-op", "name": "Made by op"}, 201, nil)
	})
}

// TestDemoAndAuditVerify: demo twice leaves the same data; audit verify
// passes, then fails once an entry is tampered with.
func TestDemoAndAuditVerify(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		out := mustCLI(t, "", "demo", "--db", dsn)
		if !strings.Contains(out, "Demo data is ready") {
			t.Fatalf("demo output %q", out)
		}
		tables := []string{"users", "clinics", "memberships", "articles", "revisions", "reviews", "audit_entries"}
		first := map[string]int64{}
		for _, tb := range tables {
			first[tb] = count(t, dsn, tb)
		}
		if first["articles"] == 0 || first["clinics"] == 0 {
			t.Fatalf("demo seeded nothing: %v", first)
		}
		mustCLI(t, "", "demo", "--db", dsn)
		for _, tb := range tables {
			if n := count(t, dsn, tb); n != first[tb] {
				t.Fatalf("second demo changed %s: %d rows, were %d", tb, n, first[tb])
			}
		}

		out = mustCLI(t, "", "audit", "verify", "--db", dsn)
		if !strings.Contains(out, "intact") {
			t.Fatalf("audit verify output %q", out)
		}
		d, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Exec(`UPDATE audit_entries SET after_json = '{"status":"published"}' WHERE id = (SELECT MAX(id) FROM audit_entries WHERE action = 'review.approved')`).Error
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		out, err = cli(t, "", "audit", "verify", "--db", dsn)
		if err == nil || !strings.Contains(out, "BROKEN") {
			t.Fatalf("tampered audit entry not detected: %v\n%s", err, out)
		}
	})
}

// TestServeGracefulShutdown: serve listens on a free port, answers, and on
// cancellation (what SIGTERM does) stops accepting, finishes the request
// in flight and returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		addrc := make(chan string, 1)
		listening = func(a net.Addr) { addrc <- a.String() }
		defer func() { listening = func(net.Addr) {} }()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, strings.NewReader(""), io.Discard)
		}()
		var addr string
		select {
		case addr = <-addrc:
		case err := <-done:
			t.Fatalf("serve ended before listening: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not listen")
		}
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("readyz %d", res.StatusCode)
		}

		// A slow client: headers and half the body sent before shutdown.
		body := `{"email":"nobody@cli.test","password":"not a real password"}`
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			addr, len(body), body[:10])
		time.Sleep(100 * time.Millisecond)

		cancel()
		// New connections are refused once shutdown began.
		deadline := time.Now().Add(5 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatal("still accepting connections after shutdown began")
			}
			time.Sleep(20 * time.Millisecond)
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned (%v) with a request in flight", err)
		default:
		}
		// The request in flight completes.
		if _, err := io.WriteString(conn, body[10:]); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("in-flight request cut off: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 || !strings.Contains(string(b), "invalid_credentials") {
			t.Fatalf("in-flight request: %d %s", resp.StatusCode, b)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve returned %v, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
	})
}
