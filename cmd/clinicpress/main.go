// Command clinicpress is the one ClinicPress binary: serve, migrate, user,
// demo and audit. It only wires; all logic lives under internal/.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/bench"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/demo"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/metrics"
)

const usage = `usage: clinicpress <command> [flags]

commands:
  serve                         run the web server (API, admin, public sites)
  migrate up|down|status        manage the database schema (ours and the job queue's)
  user create --email E --name N --password-stdin [--platform-admin]
  user grant-verifier --email E let E check doctors' registrations (credential verifier)
  demo                          seed the demo clinics (idempotent) and print their logins
  audit verify                  recompute every clinic's audit hash chain
  backup FILE                   online consistent copy of the SQLite database (PostgreSQL: prints the pg_dump command)
  restore [--force] FILE        replace the SQLite database with a backup (server stopped)
  audit export --clinic C --article N   print an article's sign-off record as JSON
  import wordpress --clinic C EXPORT.xml [--uploads DIR|uploads.zip]   WordPress posts and pages as drafts
  export clinic SLUG FILE.tar   write a whole clinic (articles, audit chain, media, ...) to an archive
  import clinic FILE.tar        verify an archive and load it as a new clinic

Every flag has an environment twin: --db is CLINICPRESS_DB, --addr is
CLINICPRESS_ADDR, and so on. Run "clinicpress <command> -h" for its flags.
`

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "clinicpress:", err)
		os.Exit(1)
	}
}

// env returns the CLINICPRESS_* twin of a flag, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("CLINICPRESS_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok {
		return v
	}
	return def
}

func envBool(name string) bool {
	v := strings.ToLower(env(name, ""))
	return v == "1" || v == "true" || v == "yes"
}

func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dsn := fs.String("db", env("db", db.DefaultDSN), "database: sqlite:PATH or postgres://... (CLINICPRESS_DB)")
	return fs, dsn
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout)
	case "migrate":
		return migrate(ctx, args[1:], stdout)
	case "user":
		return userCmd(ctx, args[1:], stdin, stdout)
	case "demo":
		fs, dsn := newFlags("demo")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		a, err := open(ctx, *dsn)
		if err != nil {
			return err
		}
		defer a.DB.Close()
		return seedDemo(ctx, a, "http://127.0.0.1:8080", stdout)
	case "bench":
		return bench.Run(ctx, args[1:], stdout)
	case "audit":
		return auditCmd(ctx, args[1:], stdout)
	case "import":
		return importCmd(ctx, args[1:], stdout)
	case "export":
		return exportCmd(ctx, args[1:], stdout)
	case "backup":
		return backupCmd(ctx, args[1:], stdout)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func open(ctx context.Context, dsn string) (*app.App, error) {
	d, err := db.Open(dsn)
	if err != nil {
		return nil, err
	}
	a, err := app.Build(ctx, app.Config{DB: d, ThemesDir: env("themes-dir", "")})
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func seedDemo(ctx context.Context, a *app.App, base string, out io.Writer) error {
	logins, err := demo.Seed(ctx, a)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(out, "\nDemo data is ready. Every demo password is %q.\n", demo.Password)
	for _, l := range logins {
		fmt.Fprintf(out, "  %-16s %-14s %s\n", l.Clinic, l.Role, l.Email)
	}
	fmt.Fprintf(out, "\nAPI:   %s/api/v1  (POST /api/v1/auth/login)\n", base)
	for _, c := range demo.Clinics() {
		fmt.Fprintf(out, "Site:  %s/sites/%s/\n", base, c)
	}
	fmt.Fprintf(out, "Admin: %s/admin/\n\n", base)
	return nil
}

// listening is told the bound address once serve listens (tests use it
// with --addr 127.0.0.1:0).
var listening = func(net.Addr) {}

// metricsListening is told the metrics listener's bound address.
var metricsListening = func(net.Addr) {}

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("serve")
	addr := fs.String("addr", env("addr", "127.0.0.1:8080"), "listen address (CLINICPRESS_ADDR)")
	withDemo := fs.Bool("demo", envBool("demo"), "seed the demo clinics and print their logins (CLINICPRESS_DEMO)")
	themes := fs.String("themes-dir", env("themes-dir", ""), "directory of themes overriding the built-in ones (CLINICPRESS_THEMES_DIR)")
	proxies := fs.String("trusted-proxies", env("trusted-proxies", ""), "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is trusted (CLINICPRESS_TRUSTED_PROXIES)")
	metricsAddr := fs.String("metrics-addr", env("metrics-addr", ""), "listen address of the Prometheus /metrics endpoint, off when empty; never the public address (CLINICPRESS_METRICS_ADDR)")
	smtpURL := fs.String("smtp-url", env("smtp-url", ""), "outgoing mail server, smtp://user:pass@host:587 or smtps://...; empty: mail is kept in the admin Outbox (CLINICPRESS_SMTP_URL)")
	mailFrom := fs.String("mail-from", env("mail-from", ""), "sender of outgoing mail, e.g. 'ClinicPress <noreply@clinic.example>' (CLINICPRESS_MAIL_FROM)")
	baseURL := fs.String("base-url", env("base-url", ""), "public base URL for links in mails, e.g. https://admin.clinic.example (default http://ADDR) (CLINICPRESS_BASE_URL)")
	maxConns := fs.Int("db-max-conns", 0, fmt.Sprintf("database connections per instance, job queue included (default %d on PostgreSQL, %d on SQLite) (CLINICPRESS_DB_MAX_CONNS)", db.DefaultPostgresMaxConns, db.DefaultSQLiteMaxConns))
	if v := env("db-max-conns", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("CLINICPRESS_DB_MAX_CONNS=%q: want a number >= 0", v)
		}
		*maxConns = n
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := db.OpenWith(*dsn, db.Options{MaxConns: *maxConns})
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := app.Config{DB: d, ThemesDir: *themes, Mail: mail.Config{URL: *smtpURL, From: *mailFrom}}
	if *proxies != "" {
		cfg.TrustedProxies = strings.Split(*proxies, ",")
	}
	if *metricsAddr != "" {
		if *metricsAddr == *addr {
			return errors.New("--metrics-addr must differ from --addr: metrics are never served on the public port")
		}
		cfg.Metrics = metrics.New()
	}
	if *baseURL != "" {
		u, err := url.Parse(*baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(*baseURL, "\r\n ") {
			return fmt.Errorf("--base-url %q: want an absolute http(s) URL such as https://admin.clinic.example", *baseURL)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	cfg.BaseURL = *baseURL
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	a, err := app.Build(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	slog.Info("mail", "delivery", a.Mail.Describe(), "links", cfg.BaseURL)
	listening(ln.Addr())
	if cfg.Metrics != nil {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		metricsListening(mln.Addr())
		slog.Info("metrics listening", "addr", mln.Addr().String())
	}
	if *withDemo {
		if err := seedDemo(ctx, a, "http://"+ln.Addr().String(), stdout); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.Start(ctx); err != nil {
		return err
	}
	// Running jobs get up to 25 s once the HTTP server is down; one still
	// running then is cancelled and goes back to the queue for another
	// instance.
	stopJobs := func() {
		jctx, jcancel := context.WithTimeout(context.WithoutCancel(ctx), 25*time.Second)
		defer jcancel()
		if err := a.Jobs.Stop(jctx); err != nil {
			slog.Error("stopping jobs", "err", err)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- a.HTTP.Listener(ln) }()
	slog.Info("listening", "addr", ln.Addr().String(), "db", d.Dialect)
	select {
	case err := <-errc:
		stopJobs()
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing in-flight requests")
	if err := a.HTTP.ShutdownWithTimeout(25 * time.Second); err != nil {
		slog.Error("shutdown", "err", err)
	}
	stopJobs()
	slog.Info("stopped")
	return nil
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("migrate")
	// The command may come before its flags ("migrate status --db X", as
	// the usage says) or after them; the flag package stops at the first
	// non-flag argument, so take a leading command off first.
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cmd == "" && fs.NArg() == 1 {
		cmd = fs.Arg(0)
	} else if fs.NArg() != 0 || cmd == "" {
		return errors.New("usage: clinicpress migrate up|down|status [--db DSN]")
	}
	d, err := db.Open(*dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	switch cmd {
	case "up":
		return d.MigrateUp(ctx)
	case "down":
		return d.MigrateDown(ctx)
	case "status":
		st, err := d.MigrateStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied " + s.At.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%05d  %-40s %s\n", s.Version, s.Path, state)
		}
		// River's job queue tables (applied first by "up", removed
		// last by "down"); River keeps no time of application.
		rst, err := d.RiverStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range rst {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "river  %-40s %s\n", s.Path, state)
		}
		return nil
	}
	return fmt.Errorf("unknown migrate command %q (up, down, status)", cmd)
}

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "grant-verifier" {
		return grantVerifierCmd(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: clinicpress user create --email E --name N --password-stdin [--platform-admin] | user grant-verifier --email E")
	}
	fs, dsn := newFlags("user create")
	email := fs.String("email", "", "email address")
	name := fs.String("name", "", "full name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	admin := fs.Bool("platform-admin", false, "make the user a platform admin (may create clinics)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !*pwStdin {
		return errors.New("--password-stdin is required (passwords are never taken from the command line)")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	u, err := a.Accounts.Create(ctx, account.NewUser{Email: *email, Name: *name, Password: strings.TrimRight(line, "\r\n"), PlatformAdmin: *admin})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created user %d <%s>%s\n", u.ID, u.Email, map[bool]string{true: " (platform admin)"}[u.PlatformAdmin])
	return nil
}

// grantVerifierCmd gives an existing user the platform-level credential
// verifier role: the platform operator's own decision, on the command line.
func grantVerifierCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("user grant-verifier")
	email := fs.String("email", "", "email address of an existing user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("usage: clinicpress user grant-verifier --email E")
	}
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.Clinics.GrantVerifierAsOperator(ctx, *email); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "%s is now a credential verifier\n", account.NormalizeEmail(*email))
	return nil
}

func auditCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "export" {
		return auditExport(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: clinicpress audit verify|export [--db DSN]")
	}
	fs, dsn := newFlags("audit verify")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := db.Open(*dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	broken, n, err := audit.Verify(ctx, d.DB)
	if err != nil {
		return err
	}
	for _, b := range broken {
		chain := fmt.Sprintf("clinic %d", b.ClinicID)
		if b.ClinicID == 0 {
			chain = "platform (users)"
		}
		fmt.Fprintf(stdout, "%s: BROKEN at entry %d: %s\n", chain, b.EntryID, b.Reason)
	}
	if len(broken) > 0 {
		return fmt.Errorf("%d audit chain(s) broken", len(broken))
	}
	fmt.Fprintf(stdout, "audit chains intact: %d entries verified\n", n)
	return nil
}

func auditExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dsn := newFlags("audit export")
	slug := fs.String("clinic", "", "clinic slug")
	id := fs.Int64("article", 0, "article id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *id <= 0 {
		return errors.New("usage: clinicpress audit export --clinic SLUG --article ID [--db DSN]")
	}
	a, err := open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	c, err := a.Clinics.BySlug(ctx, *slug)
	if err != nil {
		return describe(err)
	}
	rec, err := a.Articles.RecordFor(ctx, c, *id)
	if err != nil {
		return describe(err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rec)
}
