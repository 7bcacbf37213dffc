// Package bench owns `clinicpress bench`: it seeds a database, runs the real
// server in a child process and measures it under load next to nginx
// serving the same bytes (cached-page ratio), cache-miss renders, deep
// keyset pages and RSS. The binary re-executes itself ("bench serve",
// "bench load") for the server and the load generator.
package bench

// clinicpress bench: a reproducible load test of the public pages.
//
// It seeds a fresh SQLite database in a temp dir straight into the tables
// (bulk inserts; a bench, not the product path), starts the real server as
// a child process ("clinicpress bench serve"), writes the identical page
// bytes to a static file served by nginx (also a child, daemon off), and
// loads both with wrk (or, without wrk, a Go load generator run as another
// child, "clinicpress bench load") from separate processes on 127.0.0.1.
// It then times first renders (cache misses), deep keyset pages, and reads
// the server's RSS from /proc.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/live"
)

// Run runs the bench command with its arguments (after "bench").
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return benchServe(ctx, args[1:])
		case "load":
			return benchLoad(args[1:], stdout)
		}
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	articles := fs.Int("articles", 100000, "live articles to seed")
	clinics := fs.Int("clinics", 20, "clinics to spread them over")
	conns := fs.Int("connections", 64, "concurrent connections of the load")
	dur := fs.Duration("duration", 10*time.Second, "length of each load run")
	misses := fs.Int("misses", 1000, "distinct uncached article pages to time")
	rounds := fs.Int("rounds", 3, "alternating load runs of each server (the median is reported)")
	keep := fs.Bool("keep", false, "keep the temp dir (database, nginx config, page)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *clinics < 1 || *articles < *clinics {
		return errors.New("bench: need at least one article per clinic")
	}
	dir, err := os.MkdirTemp("", "clinicpress-bench-")
	if err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // nginx workers may run as another user
		return err
	}
	if *keep {
		fmt.Fprintln(stdout, "temp dir:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ClinicPress bench: %d articles over %d clinics, %d connections, %s per run, GOMAXPROCS=%d, %d CPUs\n",
		*articles, *clinics, *conns, *dur, runtime.GOMAXPROCS(0), runtime.NumCPU())

	// 1. Seed.
	dsn := "sqlite:" + filepath.Join(dir, "bench.db")
	t0 := time.Now()
	if err := benchSeed(ctx, dsn, *articles, *clinics); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded in %s\n", time.Since(t0).Round(time.Millisecond))

	// 2. Server child.
	port, err := freePort()
	if err != nil {
		return err
	}
	srvAddr := fmt.Sprintf("127.0.0.1:%d", port)
	srv := exec.CommandContext(ctx, self, "bench", "serve", "--db", dsn, "--addr", srvAddr)
	srvLog, _ := os.Create(filepath.Join(dir, "server.log"))
	srv.Stdout, srv.Stderr = srvLog, srvLog
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	if err := waitHTTP("http://" + srvAddr + "/healthz"); err != nil {
		return fmt.Errorf("server: %w (see %s)", err, filepath.Join(dir, "server.log"))
	}
	host := "c01.bench.test"
	d, err := db.Open(dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	var slugs []string
	if err := d.Raw(`SELECT slug FROM live_articles WHERE clinic_id = 1 ORDER BY article_id LIMIT 1`).Scan(&slugs).Error; err != nil || len(slugs) == 0 {
		return fmt.Errorf("no live article in clinic 1: %v", err)
	}
	pagePath := "/articles/" + slugs[0]
	page, hdr, err := fetch("http://"+srvAddr+pagePath, host)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "page: http://%s%s (%d bytes, ETag %s)\n", host, pagePath, len(page), hdr.Get("ETag"))

	// 3. nginx child serving the same bytes.
	nginxAddr, stopNginx, err := startNginx(dir, page, hdr)
	if err != nil {
		return fmt.Errorf("nginx: %w", err)
	}
	defer stopNginx()
	if got, _, err := fetch("http://"+nginxAddr+"/page.html", host); err != nil || string(got) != string(page) {
		return fmt.Errorf("nginx does not serve the identical bytes (%v)", err)
	}

	// 4. Load both from a second process.
	// Alternate the two a few times and take each one's median run, so a
	// burst of other work on the machine hits both alike.
	var srvRuns, ngxRuns []loadResult
	for i := 0; i < *rounds; i++ {
		r, err := loadRun(self, "http://"+srvAddr+pagePath, host, *conns, *dur)
		if err != nil {
			return err
		}
		srvRuns = append(srvRuns, r)
		r, err = loadRun(self, "http://"+nginxAddr+"/page.html", host, *conns, *dur)
		if err != nil {
			return err
		}
		ngxRuns = append(ngxRuns, r)
		fmt.Fprintf(stdout, "round %d: clinicpress %.0f req/s, nginx %.0f req/s\n", i+1, srvRuns[i].rps, r.rps)
	}
	srvRes, ngxRes := medianRun(srvRuns), medianRun(ngxRuns)

	// 5. Cache misses: first renders of distinct article pages.
	var missSlugs []struct {
		Slug     string
		ClinicID int64
	}
	if err := d.Raw(`SELECT slug, clinic_id FROM live_articles WHERE article_id % 97 = 13 ORDER BY article_id DESC LIMIT ?`, *misses).
		Scan(&missSlugs).Error; err != nil {
		return err
	}
	var missLat []time.Duration
	client := &http.Client{Timeout: 10 * time.Second}
	// Warm up: the first renders after start pay for lazily built state
	// (template and regexp caches, SQLite's page cache) once.
	var warm []string
	if err := d.Raw(`SELECT slug FROM live_articles WHERE clinic_id = 2 ORDER BY article_id LIMIT 20`).Scan(&warm).Error; err != nil {
		return err
	}
	for _, s := range warm {
		if _, err := timedGet(client, "http://"+srvAddr+"/articles/"+s, "c02.bench.test"); err != nil {
			return err
		}
	}
	for _, m := range missSlugs {
		dt, err := timedGet(client, "http://"+srvAddr+"/articles/"+m.Slug, fmt.Sprintf("c%02d.bench.test", m.ClinicID))
		if err != nil {
			return fmt.Errorf("miss %s: %w", m.Slug, err)
		}
		missLat = append(missLat, dt)
	}

	// 6. Deep keyset pages (uncached): cursors thousands of rows deep.
	var deepLat []time.Duration
	perClinic := *articles / *clinics
	for c := 1; c <= *clinics && c <= 20; c++ {
		for _, depth := range []int{perClinic / 2, perClinic - 25} {
			if depth < 1 {
				continue
			}
			var rows []struct {
				FirstPublishedAt time.Time
				ArticleID        int64
			}
			// OFFSET here only finds a deep cursor for the test; the page
			// itself is served by a keyset query.
			if err := d.Raw(`SELECT first_published_at, article_id FROM live_articles WHERE clinic_id = ?
ORDER BY first_published_at DESC, article_id DESC LIMIT 1 OFFSET ?`, c, depth).Scan(&rows).Error; err != nil || len(rows) == 0 {
				continue
			}
			cur := live.Cursor{At: rows[0].FirstPublishedAt.UTC(), ID: rows[0].ArticleID}
			dt, err := timedGet(client, "http://"+srvAddr+"/?before="+cur.String(), fmt.Sprintf("c%02d.bench.test", c))
			if err != nil {
				return fmt.Errorf("deep page: %w", err)
			}
			deepLat = append(deepLat, dt)
		}
	}
	rss, hwm := procMem(srv.Process.Pid)

	// 7. Report.
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "%-34s %12s %10s %10s\n", "cached article page (median run)", "requests/s", "p50", "p99")
	fmt.Fprintf(stdout, "%-34s %12.0f %10s %10s\n", "  clinicpress (Fiber, from memory)", srvRes.rps, fmtDur(srvRes.p50), fmtDur(srvRes.p99))
	fmt.Fprintf(stdout, "%-34s %12.0f %10s %10s\n", "  nginx (static file, same bytes)", ngxRes.rps, fmtDur(ngxRes.p50), fmtDur(ngxRes.p99))
	ratio := srvRes.rps / ngxRes.rps
	fmt.Fprintf(stdout, "  throughput ratio clinicpress/nginx: %.2fx (target >= 0.80x: %s)\n", ratio, verdict(ratio >= 0.8))
	fmt.Fprintf(stdout, "  load generator: %s\n", srvRes.tool)
	mp50, mp99, mmax := percentiles(missLat)
	fmt.Fprintf(stdout, "cache miss (first render from the DB, %d distinct pages): p50 %s  p99 %s  max %s (target p99 <= 10ms: %s)\n",
		len(missLat), fmtDur(mp50), fmtDur(mp99), fmtDur(mmax), verdict(mp99 <= 10*time.Millisecond))
	dp50, dp99, dmax := percentiles(deepLat)
	fmt.Fprintf(stdout, "deep home pages (keyset ?before=, %d pages up to %d rows deep, uncached): p50 %s  p99 %s  max %s\n",
		len(deepLat), perClinic-25, fmtDur(dp50), fmtDur(dp99), fmtDur(dmax))
	fmt.Fprintf(stdout, "server RSS after the runs: %d MB (peak %d MB) (target < 200 MB: %s)\n", rss>>10, hwm>>10, verdict(hwm>>10 < 200))
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0fus", float64(d)/1e3)
	}
}

func percentiles(ds []time.Duration) (p50, p99, max time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1]
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("did not come up within 60s")
}

func fetch(url, host string) ([]byte, http.Header, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Host = host
	req.Header.Set("Accept-Encoding", "identity")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return nil, nil, fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return b, res.Header, err
}

func timedGet(c *http.Client, url, host string) (time.Duration, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, err
	}
	req.Host = host
	req.Header.Set("Accept-Encoding", "gzip, br")
	t := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	dt := time.Since(t)
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return dt, nil
}

// procMem reads VmRSS and VmHWM (peak RSS) of pid in KiB.
func procMem(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "VmRSS:":
				rss = n
			case "VmHWM:":
				hwm = n
			}
		}
	}
	return rss, hwm
}

// startNginx serves page at /page.html with the server's headers.
func startNginx(dir string, page []byte, hdr http.Header) (string, func(), error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
		if _, err := os.Stat(bin); err != nil {
			return "", nil, errors.New("nginx is not installed (apt-get install nginx)")
		}
	}
	root := filepath.Join(dir, "www")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(root, "page.html"), page, 0o644); err != nil {
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	conf := fmt.Sprintf(`%sworker_processes %d;
daemon off;
pid %[3]s/nginx.pid;
error_log %[3]s/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    server_tokens off;
    client_body_temp_path %[3]s/tmp-body;
    proxy_temp_path %[3]s/tmp-proxy;
    fastcgi_temp_path %[3]s/tmp-fastcgi;
    uwsgi_temp_path %[3]s/tmp-uwsgi;
    scgi_temp_path %[3]s/tmp-scgi;
    types { text/html html; }
    charset utf-8;
    open_file_cache max=100 inactive=60s;
    server {
        listen %[4]s;
        root %[5]s;
        etag on;
        add_header Cache-Control %[6]q;
        add_header Vary "Accept-Encoding";
        add_header X-Request-Id "00000000-0000-0000-0000-000000000000";
    }
}
`, user, runtime.NumCPU(), dir, addr, root, hdr.Get("Cache-Control"))
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "-c", confPath, "-p", dir)
	logf, _ := os.Create(filepath.Join(dir, "nginx.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	if err := waitHTTP("http://" + addr + "/page.html"); err != nil {
		stop()
		b, _ := os.ReadFile(filepath.Join(dir, "nginx-error.log"))
		return "", nil, fmt.Errorf("%w: %s", err, b)
	}
	return addr, stop, nil
}

// medianRun returns the run with the median throughput.
func medianRun(rs []loadResult) loadResult {
	s := append([]loadResult(nil), rs...)
	sort.Slice(s, func(i, j int) bool { return s[i].rps < s[j].rps })
	return s[len(s)/2]
}

type loadResult struct {
	rps      float64
	p50, p99 time.Duration
	tool     string
}

var (
	wrkRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkPct = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// loadRun loads url from a second process: wrk when installed, otherwise
// this binary's own "bench load".
func loadRun(self, url, host string, conns int, dur time.Duration) (loadResult, error) {
	threads := max(1, min(runtime.NumCPU(), conns))
	if wrk, err := exec.LookPath("wrk"); err == nil {
		out, err := exec.Command(wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", dur.String(),
			"--latency", "-H", "Host: "+host, url).CombinedOutput()
		if err != nil {
			return loadResult{}, fmt.Errorf("wrk: %v: %s", err, out)
		}
		res := loadResult{tool: fmt.Sprintf("wrk -t%d -c%d -d%s (separate process)", threads, conns, dur)}
		m := wrkRPS.FindSubmatch(out)
		if m == nil {
			return loadResult{}, fmt.Errorf("wrk output: %s", out)
		}
		res.rps, _ = strconv.ParseFloat(string(m[1]), 64)
		for _, p := range wrkPct.FindAllSubmatch(out, -1) {
			v, _ := strconv.ParseFloat(string(p[2]), 64)
			unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p[3])]
			d := time.Duration(v * float64(unit))
			if string(p[1]) == "50" {
				res.p50 = d
			} else {
				res.p99 = d
			}
		}
		if strings.Contains(string(out), "Non-2xx") {
			return res, fmt.Errorf("wrk saw non-2xx answers: %s", out)
		}
		return res, nil
	}
	out, err := exec.Command(self, "bench", "load", "--url", url, "--host", host, "--connections", strconv.Itoa(conns),
		"--duration", dur.String()).Output()
	if err != nil {
		return loadResult{}, fmt.Errorf("bench load: %w", err)
	}
	var r struct {
		RPS      float64 `json:"rps"`
		P50, P99 int64
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return loadResult{}, err
	}
	return loadResult{rps: r.RPS, p50: time.Duration(r.P50), p99: time.Duration(r.P99),
		tool: fmt.Sprintf("clinicpress bench load -c%d (Go, separate process; wrk not installed)", conns)}, nil
}

// benchLoad is a small closed-loop HTTP/1.1 load generator (keep-alive,
// one goroutine per connection), used when wrk is not installed. It prints
// JSON: rps, p50 and p99 in nanoseconds.
func benchLoad(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	url := fs.String("url", "", "URL to load")
	host := fs.String("host", "", "Host header")
	conns := fs.Int("connections", 64, "connections")
	dur := fs.Duration("duration", 10*time.Second, "duration")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr}
	var n atomic.Int64
	lats := make([][]time.Duration, *conns)
	end := time.Now().Add(*dur)
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(end) {
				req, _ := http.NewRequest("GET", *url, nil)
				req.Host = *host
				t := time.Now()
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lats[i] = append(lats[i], time.Since(t))
				n.Add(1)
			}
		}(i)
	}
	wg.Wait()
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	p50, p99, _ := percentiles(all)
	return json.NewEncoder(stdout).Encode(map[string]any{"rps": float64(n.Load()) / dur.Seconds(), "p50": p50, "p99": p99})
}

// benchServe runs the real app on the bench database with request logging
// at warning level (a log line per request would measure the logger).
func benchServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench serve", flag.ContinueOnError)
	dsn := fs.String("db", "", "database")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	d, err := db.Open(*dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := app.Build(ctx, app.Config{DB: d, NoThrottle: true})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	return a.HTTP.Listener(ln)
}

// Seeding.

var benchWords = strings.Fields(`skin sleep heart blood pressure sugar diet exercise sun protection mole rash eczema acne
asthma allergy cough fever child adult older patient doctor clinic treatment medicine dose side effect symptom
sign test result scan check routine habit water salt fibre protein vitamin iron calcium bone joint muscle back pain
knee shoulder walk swim stretch rest stress anxiety mood memory vision hearing tooth gum breath lung liver kidney
infection virus bacteria vaccine season winter summer travel food label weight waist screen risk family history`)

var benchTags = []string{"skin", "sleep", "heart health", "diabetes", "nutrition", "exercise", "allergies", "children",
	"mental health", "bones and joints", "eyes", "dental", "vaccination", "travel health", "prevention"}

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[r.IntN(len(benchWords))]
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// benchBody writes a Markdown article of about 800 words: sections with
// paragraphs, a list, a table and an FAQ.
func benchBody(r *rand.Rand) string {
	var b strings.Builder
	words := 0
	para := func() {
		for i := 0; i < 4; i++ {
			n := 10 + r.IntN(10)
			b.WriteString(sentence(r, n))
			b.WriteByte(' ')
			words += n
		}
		b.WriteString("\n\n")
	}
	for sec := 0; words < 700; sec++ {
		fmt.Fprintf(&b, "## %s\n\n", strings.TrimSuffix(sentence(r, 3+r.IntN(3)), "."))
		para()
		para()
		if sec == 1 {
			for i := 0; i < 4; i++ {
				fmt.Fprintf(&b, "- %s\n", sentence(r, 6))
				words += 6
			}
			b.WriteString("\n| Measure | Typical range |\n| --- | --- |\n| resting pulse | 60 to 100 |\n| sleep | 7 to 9 hours |\n\n")
		}
	}
	b.WriteString("## Frequently Asked Questions\n\n")
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, "%d. **%s?**\n   %s\n", i, strings.TrimSuffix(sentence(r, 5), "."), sentence(r, 14))
	}
	return b.String()
}

// benchSeed fills a fresh database: clinics with hostnames c01.bench.test
// ..., a writer and two doctors each, and n live articles with their
// revision, approval, live row, tags and search index row.
func benchSeed(ctx context.Context, dsn string, n, clinics int) error {
	d, err := db.Open(dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.MigrateUp(ctx); err != nil {
		return err
	}
	conn := d.SQL
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	start := now.Add(-time.Duration(n+10) * time.Minute)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for c := 1; c <= clinics; c++ {
		themeName := []string{"clinical", "serene"}[c%2]
		branding := fmt.Sprintf(`{"tagline":"Doctor-reviewed health articles from Bench Clinic %d.","phone":"+65 6000 %04d","email":"hello@c%02d.bench.test","address":"%d Bench Road\nSingapore","footer_notice":"Bench Clinic %d is a fictional clinic used for load tests."}`, c, c, c, c, c)
		if _, err := tx.Exec(`INSERT INTO clinics (id, slug, name, theme, branding, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c, fmt.Sprintf("c%02d", c), fmt.Sprintf("Bench Clinic %d", c), themeName, branding, start, start); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO clinic_hostnames (hostname, clinic_id) VALUES (?, ?)`, fmt.Sprintf("c%02d.bench.test", c), c); err != nil {
			return err
		}
		for k, role := range []string{"writer", "doctor", "doctor"} {
			uid := (c-1)*3 + k + 1
			names := []string{"Lena", "Amara", "Jonas", "Wei Ling", "Priya", "Daniel", "Grace", "Samuel"}
			name := fmt.Sprintf("%s %s%d", names[(uid)%len(names)], []string{"Tan", "Okafor", "Lindqvist"}[k], c)
			if _, err := tx.Exec(`INSERT INTO users (id, email, name, password_hash, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, '!', ?, ?, ?)`,
				uid, fmt.Sprintf("u%d@bench.test", uid), name, start, start, start); err != nil {
				return err
			}
			reg, spec, exp := "", "", ""
			if role == "doctor" {
				reg, spec, exp = fmt.Sprintf("M%05dB", 10000+uid), []string{"", "General practice", "Dermatology"}[k], "2035-12-31"
			}
			if _, err := tx.Exec(`INSERT INTO memberships (clinic_id, user_id, role, created_at, updated_at)
VALUES (?, ?, ?, ?, ?)`, c, uid, role, start, start); err != nil {
				return err
			}
			if role == "doctor" {
				if _, err := tx.Exec(`INSERT INTO doctor_profiles (user_id, registration_number, register_country, specialty, credentials_expire_on, verified_at, verification_reference, created_at, updated_at)
VALUES (?, ?, 'SG', ?, ?, ?, 'bench', ?, ?)`, uid, reg, spec, exp, start, start, start); err != nil {
					return err
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}

	r := rand.New(rand.NewPCG(1, 2))
	bodies := make([]string, 200)
	for i := range bodies {
		bodies[i] = benchBody(r)
	}
	const batch = 5000
	for lo := 1; lo <= n; lo += batch {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Each article names its approval before the review row exists;
		// the foreign keys are checked at commit instead.
		if _, err := tx.Exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
			tx.Rollback()
			return err
		}
		stmts := map[string]*sql.Stmt{}
		prep := func(q string) (*sql.Stmt, error) {
			if s := stmts[q]; s != nil {
				return s, nil
			}
			s, err := tx.Prepare(q)
			stmts[q] = s
			return s, err
		}
		for id := lo; id < lo+batch && id <= n; id++ {
			c := (id-1)%clinics + 1
			writer, doctor := (c-1)*3+1, (c-1)*3+2+id%2
			title := strings.TrimSuffix(sentence(r, 5+r.IntN(4)), ".")
			slug := article.Slugify(title) + "-" + strconv.Itoa(id)
			summary := sentence(r, 22)
			body := bodies[id%len(bodies)]
			tags := article.NormalizeTags([]string{benchTags[r.IntN(len(benchTags))], benchTags[r.IntN(len(benchTags))]})
			tagsJSON, _ := json.Marshal(tags)
			hash := article.ContentHash(slug, title, summary, body, tags)
			at := start.Add(time.Duration(id) * time.Minute)
			due := at.AddDate(1, 0, 0)
			steps := []struct {
				q    string
				args []any
			}{
				{`INSERT INTO articles (id, clinic_id, slug, status, version, current_revision, live_revision, approval_id, live_approval_id, author_id,
 first_published_at, published_at, review_due_at, created_at, updated_at) VALUES (?, ?, ?, 'published', 4, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
					[]any{id, c, slug, id, id, writer, at, at, due, at, at}},
				{`INSERT INTO revisions (id, clinic_id, article_id, number, title, summary, body, tags, content_hash, author_id, created_at)
 VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`, []any{id, c, id, title, summary, body, string(tagsJSON), hash, writer, at}},
				{`INSERT INTO reviews (id, clinic_id, article_id, revision_number, content_hash, doctor_id, decision, registration_number, specialty, created_at)
 VALUES (?, ?, ?, 1, ?, ?, 'approve', ?, ?, ?)`, []any{id, c, id, hash, doctor, fmt.Sprintf("M%05dB", 10000+doctor), []string{"", "General practice", "Dermatology"}[(doctor-1)%3], at}},
				{`INSERT INTO live_articles (article_id, clinic_id, slug, revision, review_id, reviewer_id, first_published_at, published_at, review_due_at)
 VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)`, []any{id, c, slug, id, doctor, at, at, due}},
				{`INSERT INTO live_search (rowid, title, summary, body, tags) VALUES (?, ?, ?, ?, ?)`, []any{id, title, summary, body, strings.Join(tags, " ")}},
			}
			for _, t := range tags {
				steps = append(steps, struct {
					q    string
					args []any
				}{`INSERT INTO live_tags (clinic_id, tag, article_id, first_published_at) VALUES (?, ?, ?, ?)`, []any{c, t, id, at}})
			}
			for _, s := range steps {
				st, err := prep(s.q)
				if err != nil {
					tx.Rollback()
					return err
				}
				if _, err := st.Exec(s.args...); err != nil {
					tx.Rollback()
					return fmt.Errorf("%.40s: %w", s.q, err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	_, err = conn.ExecContext(ctx, `PRAGMA optimize`)
	return err
}
