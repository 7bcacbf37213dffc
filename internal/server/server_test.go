package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/server"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// partFunc mounts routes from a function.
type partFunc func(r fiber.Router)

func (f partFunc) Register(r fiber.Router) { f(r) }

// rawGet sends one HTTP/1.1 request over a real socket and returns the raw
// response head, so a split header is seen as the bytes a browser would
// get.
func rawGet(t *testing.T, addr, path string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", path)
	b, _ := io.ReadAll(bufio.NewReader(conn))
	return string(b)
}

func listen(t *testing.T, a *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go a.Listener(ln)
	t.Cleanup(func() { a.Shutdown() })
	return ln.Addr().String()
}

// TestNoCRLFInHeaders: whatever a handler (or a middleware, or the error
// path) puts into a response header, a value with CR or LF never leaves the
// server; the response is replaced by a 500 problem+json.
func TestNoCRLFInHeaders(t *testing.T) {
	evil := "x\r\nSet-Cookie: planted=1"
	a := server.New(server.Config{}, partFunc(func(r fiber.Router) {
		r.Get("/set", func(c *fiber.Ctx) error {
			c.Set("X-Echo", evil)
			return c.SendString("hello")
		})
		r.Get("/location", func(c *fiber.Ctx) error { return c.Redirect("/a\r\nSet-Cookie: planted=1", 303) })
		r.Get("/lf", func(c *fiber.Ctx) error {
			c.Set("X-Echo", "a\nb")
			return c.SendString("hello")
		})
		r.Get("/cr", func(c *fiber.Ctx) error {
			c.Response().Header.Set("X-Echo", "a\rb")
			return c.SendString("hello")
		})
		r.Get("/cookie", func(c *fiber.Ctx) error {
			c.Response().Header.Add("Set-Cookie", "a=b\r\nX-Planted: 1")
			return c.SendString("hello")
		})
		r.Get("/err", func(c *fiber.Ctx) error {
			c.Set("X-Echo", evil)
			return errs.NotFound("thing")
		})
		r.Get("/fine", func(c *fiber.Ctx) error {
			c.Set("X-Echo", "plain value")
			return c.SendString("hello")
		})
	}))
	addr := listen(t, a)
	for _, p := range []string{"/set", "/location", "/lf", "/cr", "/cookie", "/err"} {
		raw := rawGet(t, addr, p)
		head, body, _ := strings.Cut(raw, "\r\n\r\n")
		lines := strings.Split(head, "\r\n")
		for _, line := range lines[1:] {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.ContainsAny(k, " \t\r\n") || strings.ContainsAny(v, "\r\n") ||
				strings.EqualFold(k, "X-Planted") || strings.Contains(v, "planted=1") && strings.EqualFold(k, "Set-Cookie") {
				t.Errorf("%s: response split, header line %q:\n%s", p, line, head)
			}
		}
		// Fiber's own c.Set turns CR/LF into spaces; a value that reaches
		// the response with CR or LF in it replaces the whole answer.
		if strings.Contains(head, "X-Echo") || strings.Contains(head, "Location") || strings.Contains(head, "a=b") {
			if p == "/set" || p == "/lf" || p == "/cr" || p == "/err" {
				continue
			}
			t.Errorf("%s: header with CR/LF kept:\n%s", p, head)
		}
		if !strings.HasPrefix(head, "HTTP/1.1 500") || !strings.Contains(head, "application/problem+json") || !strings.Contains(body, `"code":"internal"`) {
			t.Errorf("%s: want a 500 problem+json, got:\n%s", p, raw)
		}
	}
	if raw := rawGet(t, addr, "/fine"); !strings.HasPrefix(raw, "HTTP/1.1 200") || !strings.Contains(raw, "X-Echo: plain value") {
		t.Errorf("/fine: %s", raw)
	}
}

// logged collects the request log lines written while fn runs.
func logged(t *testing.T, fn func()) []map[string]any {
	t.Helper()
	var mu sync.Mutex
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&lockedWriter{mu: &mu, w: &buf}, &slog.HandlerOptions{Level: slog.LevelInfo})))
	defer slog.SetDefault(old)
	fn()
	mu.Lock()
	defer mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestRequestLogStatus: the request log records the status the client
// got, including the app's own errors (401, 403, 404, 422) and a 500.
func TestRequestLogStatus(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("logs")
		cases := []struct {
			method, path, token string
			body                any
			want                int
		}{
			{"POST", "/api/v1/auth/login", "", map[string]string{"email": "admin@logs.test", "password": "wrong password"}, 401},
			{"GET", "/api/v1/me", "", nil, 401},
			{"GET", "/api/v1/clinics/nope/articles", c.Writer, nil, 404},
			{"POST", "/api/v1/clinics/logs/articles", c.Writer, map[string]any{"title": ""}, 422},
			{"GET", "/api/v1/me", c.Writer, nil, 200},
			{"GET", "/api/v1/no-such-route", c.Writer, nil, 404},
		}
		for _, k := range cases {
			var got int
			lines := logged(t, func() { got = e.Do(k.method, k.path, k.token, k.body).Status })
			if got != k.want {
				t.Fatalf("%s %s: answered %d, want %d", k.method, k.path, got, k.want)
			}
			if len(lines) != 1 {
				t.Fatalf("%s %s: %d request lines: %v", k.method, k.path, len(lines), lines)
			}
			if st, _ := lines[0]["status"].(float64); int(st) != k.want {
				t.Errorf("%s %s: logged status %v, client got %d", k.method, k.path, lines[0]["status"], k.want)
			}
		}
		// A 409 from the workflow and a 403 from the policy.
		a := e.Draft(c, c.Writer, "Logged")
		for _, k := range []struct {
			path string
			body any
			want int
		}{
			{testenv.ArticlePath(c.Slug, a.ID, "/publish"), nil, 409},
			{"/api/v1/clinics", map[string]any{"slug": "mine", "name": "Mine", "hostnames": []string{"mine.test"}}, 403},
		} {
			lines := logged(t, func() {
				if r := e.Do("POST", k.path, c.Admin, k.body); r.Status != k.want {
					t.Fatalf("POST %s: %d %s", k.path, r.Status, r.Body)
				}
			})
			if len(lines) != 1 || int(lines[0]["status"].(float64)) != k.want {
				t.Errorf("%d logged as %v", k.want, lines)
			}
		}
	})
	// A handler failing with a plain error is logged as the 500 it became.
	a := server.New(server.Config{}, partFunc(func(r fiber.Router) {
		r.Get("/boom", func(c *fiber.Ctx) error { return errors.New("secret detail") })
	}))
	lines := logged(t, func() {
		res, err := a.Test(httptest.NewRequest("GET", "/boom", nil), -1)
		if err != nil || res.StatusCode != 500 {
			t.Fatalf("boom: %v %v", res, err)
		}
		b, _ := io.ReadAll(res.Body)
		if strings.Contains(string(b), "secret") {
			t.Fatalf("internal detail shown: %s", b)
		}
	})
	found := false
	for _, l := range lines {
		if l["path"] == "/boom" {
			found = true
			if int(l["status"].(float64)) != 500 || l["level"] != "ERROR" {
				t.Errorf("500 logged as %v", l)
			}
		}
	}
	if !found {
		t.Errorf("no request line for /boom: %v", lines)
	}
}

// TestForwardedFor: behind trusted proxies the client address is the
// right-most X-Forwarded-For entry that is not a trusted proxy, so a
// spoofed prefix neither dodges the address throttle nor shows up in the
// log; an untrusted peer's header is ignored.
func TestForwardedFor(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clk := testenv.NewClock(testenv.Start)
		a, err := app.Build(context.Background(), app.Config{DB: d, Now: clk.Now, Argon2: testenv.FastArgon2,
			TrustedProxies: []string{"127.0.0.1", "10.0.0.0/8"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Accounts.Create(context.Background(), account.NewUser{Email: "real@xff.test", Name: "Real", Password: testenv.Password}); err != nil {
			t.Fatal(err)
		}
		addr := listen(t, a.HTTP)
		post := func(xff []string, email, pw string) (int, []map[string]any) {
			var status int
			lines := logged(t, func() {
				body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, pw)
				req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/auth/login", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				for _, v := range xff {
					req.Header.Add("X-Forwarded-For", v)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				status = res.StatusCode
			})
			return status, lines
		}
		// The real client 203.0.113.9 reached proxy 10.1.2.3, which
		// reached us from 127.0.0.1; the client made up every prefix.
		for i := 0; i < 30; i++ {
			xff := []string{fmt.Sprintf("198.51.100.%d, 192.0.2.%d, 203.0.113.9, 10.1.2.3", i, i)}
			if i%3 == 1 {
				xff = []string{fmt.Sprintf("198.51.100.%d", i), "203.0.113.9, 10.1.2.3"} // split over two header lines
			}
			if i%3 == 2 {
				xff = []string{fmt.Sprintf("garbage-%d, 203.0.113.9:4711, 10.1.2.3", i)} // a port on the client hop
			}
			st, lines := post(xff, fmt.Sprintf("spray%d@xff.test", i), "wrong password")
			if st != 401 {
				t.Fatalf("attempt %d: %d", i, st)
			}
			if len(lines) != 1 || lines[0]["ip"] != "203.0.113.9" {
				t.Fatalf("attempt %d logged %v, want ip 203.0.113.9", i, lines)
			}
		}
		if st, _ := post([]string{"192.0.2.200, 203.0.113.9, 10.1.2.3"}, "real@xff.test", testenv.Password); st != 429 {
			t.Fatalf("address throttle dodged with a spoofed prefix: %d", st)
		}
		// Another client behind the same proxy is not locked.
		if st, lines := post([]string{"203.0.113.9, 203.0.113.10, 10.1.2.3"}, "real@xff.test", testenv.Password); st != 200 || lines[0]["ip"] != "203.0.113.10" {
			t.Fatalf("other client: %d %v", st, lines)
		}
		// Only trusted hops: the left-most one is the client.
		if _, lines := post([]string{"10.9.9.9, 10.1.2.3"}, "nobody@xff.test", "x"); lines[0]["ip"] != "10.9.9.9" {
			t.Fatalf("all-trusted chain logged %v", lines)
		}
		// No header: the proxy itself.
		if _, lines := post(nil, "nobody@xff.test", "x"); lines[0]["ip"] != "127.0.0.1" {
			t.Fatalf("no header logged %v", lines)
		}
	})
	// An untrusted peer cannot pick its address.
	clk := testenv.NewClock(testenv.Start)
	a, err := app.Build(context.Background(), app.Config{DB: testenv.OpenSQLite(t), Now: clk.Now, Argon2: testenv.FastArgon2,
		TrustedProxies: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := listen(t, a.HTTP)
	lines := logged(t, func() {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/me", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		req.Header.Set("X-Clinicpress-Client", "203.0.113.78")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	})
	if len(lines) != 1 || lines[0]["ip"] != "127.0.0.1" {
		t.Fatalf("untrusted peer logged as %v", lines)
	}
}
