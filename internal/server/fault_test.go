package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/server"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type liteErr int

func (e liteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e liteErr) Code() int     { return int(e) }

type readyFunc func(ctx context.Context) error

func (f readyFunc) Ready(ctx context.Context) error { return f(ctx) }

// TestFaultAnswers: storage faults answer stable codes (507 storage_full,
// 503 unavailable with Retry-After), never 500 internal or the raw error;
// everything else is unchanged.
func TestFaultAnswers(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("article: save: %w", liteErr(13)), 507, "storage_full"},
		{liteErr(13 | 3<<8), 507, "storage_full"},
		{&pgconn.PgError{Code: "53100", Message: "could not extend file secret/path"}, 507, "storage_full"},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, 503, "unavailable"},
		{&pgconn.PgError{Code: "40001", Message: "could not serialize access"}, 503, "retry_later"},
		{&pgconn.PgError{Code: "40P01", Message: "deadlock detected"}, 503, "retry_later"},
		{&pgconn.PgError{Code: "08006", Message: "secret"}, 503, "unavailable"},
		{fmt.Errorf("x: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), 503, "unavailable"},
		{fmt.Errorf("x: %w", io.ErrUnexpectedEOF), 503, "unavailable"},
		{errors.New("failed to connect to `user=postgres database=secret`: dial error"), 503, "unavailable"},
		{&pgconn.PgError{Code: "23505", Message: "secret dup"}, 500, "internal"},
		{liteErr(19), 500, "internal"},
		{errors.New("secret failure"), 500, "internal"},
	}
	for i, k := range cases {
		a := server.New(server.Config{}, partFunc(func(r fiber.Router) {
			r.Post("/api/v1/x", func(c *fiber.Ctx) error { return k.err })
		}))
		res, err := a.Test(httptest.NewRequest("POST", "/api/v1/x", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != k.status || !strings.Contains(string(b), `"code":"`+k.code+`"`) || strings.Contains(string(b), "secret") {
			t.Errorf("case %d (%v): %d %s", i, k.err, res.StatusCode, b)
		}
		if k.status != 500 && res.Header.Get("Retry-After") == "" {
			t.Errorf("case %d: no Retry-After", i)
		}
	}
}

// TestReadyzReason: /readyz answers a fixed reason, never the raw error.
func TestReadyzReason(t *testing.T) {
	cases := map[string]error{
		"database_unavailable": fmt.Errorf("database unreachable: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED, Addr: &net.TCPAddr{IP: net.IPv4(10, 9, 8, 7), Port: 5432}}),
		"storage_full":         liteErr(13),
		"not_ready":            errors.New("migrations pending at /secret/path"),
	}
	for want, rerr := range cases {
		a := server.New(server.Config{Ready: readyFunc(func(context.Context) error { return rerr })})
		res, err := a.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 503 || string(b) != `{"reason":"`+want+`","status":"unavailable"}` {
			t.Errorf("%s: %d %s", want, res.StatusCode, b)
		}
	}
}

// mountTmpfs mounts a small tmpfs (root only); it skips when mounting is
// not permitted, except under CI, where the fault test must run.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tmpfs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount tmpfs (CI runs this fault test as root): %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
	if f == nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// TestDiskFull: SQLite on a small tmpfs that fills up: writes answer 507
// storage_full (not 500), /readyz reports not ready with reason
// storage_full, reads keep working, the database stays intact, and once
// space is back writes and readiness recover.
func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "6m")
	d, err := db.Open("sqlite:" + filepath.Join(dir, "cp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e := testenv.New(t, d)
	c := e.NewClinic("full")
	pub := e.Published(c, "Written before the disk filled")
	if r := e.Do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("readyz before: %d %s", r.Status, r.Body)
	}
	fill(t, filepath.Join(dir, "filler"))

	body := strings.Repeat("A careful sentence about skin care. ", 1500)
	var full bool
	for i := 0; i < 100 && !full; i++ {
		r := e.Do("POST", testenv.ArticlePath(c.Slug, 0, ""), c.Writer, map[string]any{"title": fmt.Sprintf("Draft %d", i),
			"summary": "A short summary.", "body": body, "tags": []string{"skin"}})
		switch {
		case r.Status == 201:
		case r.Status == 507 && r.Code() == "storage_full" && r.Header.Get("Retry-After") != "":
			full = true
		default:
			t.Fatalf("write %d on a full disk: %d %s", i, r.Status, r.Body)
		}
	}
	if !full {
		t.Fatal("100 large writes on a full disk all succeeded: the disk never filled")
	}
	if r := e.Do("GET", "/readyz", "", nil); r.Status != 503 || !strings.Contains(string(r.Body), `"reason":"storage_full"`) {
		t.Fatalf("readyz on a full disk: %d %s", r.Status, r.Body)
	}
	if r := e.Do("GET", testenv.ArticlePath(c.Slug, pub.ID, ""), c.Writer, nil); r.Status != 200 {
		t.Fatalf("read on a full disk: %d %s", r.Status, r.Body)
	}
	if r := e.Do("GET", testenv.ArticlePath(c.Slug, 0, ""), c.Admin, nil); r.Status != 200 {
		t.Fatalf("list on a full disk: %d %s", r.Status, r.Body)
	}
	var ok string
	if err := d.Raw("PRAGMA integrity_check").Scan(&ok).Error; err != nil || ok != "ok" {
		t.Fatalf("integrity_check on a full disk: %q %v", ok, err)
	}

	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	e.MustDo("POST", testenv.ArticlePath(c.Slug, 0, ""), c.Writer, map[string]any{"title": "After the disk was freed",
		"summary": "A short summary.", "body": "Some text.", "tags": []string{"skin"}}, 201, nil)
	if r := e.Do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("readyz after space came back: %d %s", r.Status, r.Body)
	}
	if err := d.Raw("PRAGMA integrity_check").Scan(&ok).Error; err != nil || ok != "ok" {
		t.Fatalf("integrity_check after: %q %v", ok, err)
	}
}

// tcpProxy forwards 127.0.0.1:port to a target; stop drops the listener
// and every connection (the database "stops"), start listens again on the
// same port.
type tcpProxy struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *tcpProxy) start(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestPostgresStopped: with PostgreSQL gone, API calls answer 503
// unavailable with Retry-After (not 500) and /readyz fails with a fixed
// reason; once it is back the app recovers by itself.
func TestPostgresStopped(t *testing.T) {
	base := testenv.OpenPostgres(t)
	var schema string
	if err := base.Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv(testenv.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: u.Host}
	p.start(t)
	t.Cleanup(p.stop)
	u.Host = p.addr
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e := testenv.New(t, d)
	c := e.NewClinic("pgstop")
	e.MustDo("GET", "/api/v1/me", c.Writer, nil, 200, nil)

	p.stop()
	for i, k := range []struct{ method, path string }{
		{"GET", "/api/v1/me"}, {"GET", testenv.ArticlePath(c.Slug, 0, "")}, {"POST", testenv.ArticlePath(c.Slug, 0, "")},
		{"GET", "/api/v1/me"},
	} {
		var body any
		if k.method == "POST" {
			body = map[string]any{"title": "While down", "summary": "S.", "body": "B.", "tags": []string{"skin"}}
		}
		r := e.Do(k.method, k.path, c.Writer, body)
		if r.Status != 503 || r.Code() != "unavailable" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("call %d %s %s with PostgreSQL stopped: %d %q %s", i, k.method, k.path, r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	if r := e.Do("GET", "/readyz", "", nil); r.Status != 503 || string(r.Body) != `{"reason":"database_unavailable","status":"unavailable"}` {
		t.Fatalf("readyz with PostgreSQL stopped: %d %s", r.Status, r.Body)
	}

	p.start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.Do("GET", "/api/v1/me", c.Writer, nil)
		if r.Status == 200 && e.Do("GET", "/readyz", "", nil).Status == 200 {
			break
		}
		if r.Status != 503 {
			t.Fatalf("while recovering: %d %s", r.Status, r.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery within 10s of PostgreSQL coming back: %d %s", r.Status, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSerializationFailureRetriedThenRetryLater forces a real
// serialization failure on PostgreSQL: db.Tx runs the transaction a
// bounded number of times, and the request then answers 503 retry_later
// with Retry-After.
func TestSerializationFailureRetriedThenRetryLater(t *testing.T) {
	d := testenv.OpenPostgres(t)
	if err := d.Exec(`CREATE TABLE ser_probe (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO ser_probe VALUES (1, 0)`).Error; err != nil {
		t.Fatal(err)
	}
	d2 := testenv.Reopen(t, d)
	runs := 0
	app := server.New(server.Config{}, partFunc(func(r fiber.Router) {
		r.Post("/api/v1/x", func(c *fiber.Ctx) error {
			return d.Tx(c.UserContext(), func(tx *gorm.DB) error {
				runs++
				if err := tx.Exec(`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`).Error; err != nil {
					return err
				}
				var n int
				if err := tx.Raw(`SELECT n FROM ser_probe WHERE id = 1`).Scan(&n).Error; err != nil {
					return err
				}
				// Another instance changes the row and commits first.
				if err := d2.Exec(`UPDATE ser_probe SET n = n + 1 WHERE id = 1`).Error; err != nil {
					return err
				}
				return tx.Exec(`UPDATE ser_probe SET n = ? WHERE id = 1`, n+100).Error
			})
		})
	}))
	res, err := app.Test(httptest.NewRequest("POST", "/api/v1/x", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 503 || !strings.Contains(string(body), `"retry_later"`) || res.Header.Get("Retry-After") == "" {
		t.Fatalf("answered %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if runs < 2 || runs > 5 {
		t.Fatalf("transaction ran %d times, want a few bounded retries", runs)
	}
}
