// Package app wires the services and the HTTP app together from a
// configuration; the binary and the tests build the product the same way.
package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river/rivertype"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/metrics"
	"github.com/clinicpress/clinicpress/internal/projection"
	"github.com/clinicpress/clinicpress/internal/redirects"
	"github.com/clinicpress/clinicpress/internal/server"
	"github.com/clinicpress/clinicpress/internal/site"
	"github.com/clinicpress/clinicpress/internal/theme"
	"github.com/clinicpress/clinicpress/themes"
)

// Config is what the product is built from.
type Config struct {
	DB             *db.DB
	Now            func() time.Time // nil: the wall clock
	Argon2         account.Argon2Params
	TrustedProxies []string
	ThemesDir      string
	// NoThrottle turns the login throttle off (load tests only).
	NoThrottle bool
	// EpochSafetyPoll is how often site_epochs is still polled while the
	// LISTEN invalidation listener is up (PostgreSQL; default 30 s).
	EpochSafetyPoll time.Duration
	// Metrics, if set, collects this instance's metrics (served by the
	// binary on --metrics-addr, never on the public port).
	Metrics *metrics.Registry
	// Mail is the outgoing mail setup (--smtp-url, --mail-from); an empty
	// URL stores mail for the Outbox screen instead of sending it.
	Mail mail.Config
	// BaseURL is the public base URL links in mails start with
	// (--base-url), e.g. https://admin.clinic.example.
	BaseURL string
	// MailInterval is how often the mail worker looks for due mail
	// (default 30s); a commit that queued a mail also wakes it at once.
	MailInterval time.Duration
}

// App is the built product.
type App struct {
	DB       *db.DB
	Authz    *authz.Authorizer
	Accounts *account.Service
	Clinics  *clinic.Service
	Articles *article.Service
	Themes   *theme.Engine
	Site     *site.Site
	HTTP     *fiber.App
	Jobs     *jobs.Queue
	// Redirects is each clinic's redirect table (old URLs, 410s).
	Redirects *redirects.Service
	// Listener is the LISTEN loop for page-cache invalidation (PostgreSQL
	// only; nil on SQLite). It runs with Jobs (Start/Stop).
	Listener *projection.Listener
	Mail     *mail.Service

	mu        sync.RWMutex
	listeners []func(clinicID int64)
}

// OnChange registers fn to be called after anything a clinic's public
// pages show may have changed (publish, unpublish, settings, doctors).
func (a *App) OnChange(fn func(clinicID int64)) {
	a.mu.Lock()
	a.listeners = append(a.listeners, fn)
	a.mu.Unlock()
}

func (a *App) changed(clinicID int64) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, fn := range a.listeners {
		fn(clinicID)
	}
}

// Start starts the background work of this instance: the job queue and
// the mail worker that Kick wakes right after a commit queued a mail (the
// River periodic job deliver_mail covers every instance on a schedule).
func (a *App) Start(ctx context.Context) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return err
	}
	go a.Mail.Run(ctx, time.Hour)
	return nil
}

// Build applies migrations and builds every service and the HTTP app.
func Build(ctx context.Context, cfg Config) (*App, error) {
	if err := cfg.DB.MigrateUp(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	z, err := authz.New(cfg.DB.DB)
	if err != nil {
		return nil, err
	}
	a := &App{DB: cfg.DB, Authz: z}
	if cfg.Mail.Now == nil {
		cfg.Mail.Now = cfg.Now
	}
	if a.Mail, err = mail.New(cfg.DB, cfg.Mail); err != nil {
		return nil, err
	}
	if cfg.MailInterval <= 0 {
		cfg.MailInterval = 30 * time.Second
	}
	a.Accounts = account.New(cfg.DB, z, account.Options{Argon2: cfg.Argon2, Now: cfg.Now, DisableThrottle: cfg.NoThrottle,
		Mail: a.Mail, BaseURL: cfg.BaseURL})
	eng, err := theme.New(themes.FS, cfg.ThemesDir)
	if err != nil {
		return nil, err
	}
	a.Themes = eng
	a.Clinics = clinic.New(cfg.DB, z, a.Accounts, eng, cfg.Now, a.changed)
	a.Clinics.UseMail(a.Mail, cfg.BaseURL)
	a.Articles = article.New(cfg.DB, a.Clinics, cfg.Now, a.changed)
	a.Articles.SetSigner(a.Accounts)

	a.Redirects = redirects.New(cfg.DB, a.Clinics, cfg.Now)
	apiPart := &api.API{Accounts: a.Accounts, Clinics: a.Clinics, Articles: a.Articles, Redirects: a.Redirects}
	a.Site = site.New(site.Config{DB: cfg.DB, Clinics: a.Clinics, Articles: a.Articles, Themes: eng, Now: cfg.Now, Redirects: a.Redirects})
	a.OnChange(a.Site.Changed)
	// Background work: River periodic jobs run once per period across all
	// instances (the leader enqueues them); the per-article publish and
	// unpublish jobs are inserted by the article service in the schedule's
	// own transaction; the site-epoch poll refreshes this instance's cache,
	// so every instance runs it for itself.
	var jobMiddleware []rivertype.Middleware
	if m := cfg.Metrics; m != nil {
		a.Articles.OnEvent(m.Workflow)
		m.PageCache(a.Site.CacheStats)
		m.DBPool(cfg.DB.SQL)
		jobMiddleware = append(jobMiddleware, m.JobMiddleware())
	}
	var daemons []func(context.Context)
	if cfg.DB.Dialect == db.Postgres {
		pool, err := cfg.DB.PgxPool()
		if err != nil {
			return nil, err
		}
		// Other instances' changes arrive over LISTEN at once; the epoch
		// poll runs only while the listener is down (and slowly as a
		// safety net). Each notice drops one clinic's pages.
		a.Listener = &projection.Listener{Pool: pool, OnClinic: a.Site.Changed,
			OnConnect: func() { _, _ = a.Site.PollEpochs(context.Background()) }}
		a.Site.UseListener(a.Listener.Up, cmp.Or(cfg.EpochSafetyPoll, 30*time.Second))
		daemons = append(daemons, a.Listener.Run)
	}
	fire := func(fn func(ctx context.Context, clinicID, articleID int64) error) jobs.ArticleFunc {
		return func(ctx context.Context, clinicID, articleID int64) error {
			err := fn(ctx, clinicID, articleID)
			if d, ok := article.NotDue(err); ok {
				return jobs.Snooze(d)
			}
			return err
		}
	}
	a.Jobs, err = jobs.New(jobs.Config{
		DB:               cfg.DB,
		PublishArticle:   fire(a.Articles.FirePublish),
		UnpublishArticle: fire(a.Articles.FireUnpublish),
		OnDiscard:        a.jobGaveUp,
		Periodic: []jobs.Periodic{
			// Safety net only: each schedule has its own job; this scan
			// catches one whose job is gone (discarded, restored backup).
			{Kind: "scheduled_publish", Interval: 10 * time.Minute, Run: a.Articles.SweepSchedules},
			{Kind: "review_overdue", Interval: 5 * time.Minute, Run: a.Articles.ApplyOverdue},
			{Kind: "sweep_sessions", Interval: time.Hour, Run: a.Accounts.Sweep},
			// Mail: every instance may deliver (rows are claimed one at a
			// time); Kick after a commit wakes this instance's worker (Run).
			{Kind: "deliver_mail", Interval: cfg.MailInterval, Run: a.Mail.DeliverDue},
		},
		Local:      []jobs.Local{{Name: "site-epochs", Interval: 2 * time.Second, Run: a.Site.PollFallback}},
		Daemons:    daemons,
		Middleware: jobMiddleware,
	})
	if err != nil {
		return nil, err
	}
	a.Articles.UseScheduler(a.Jobs)
	apiPart.Jobs = a.Jobs

	// Parts are mounted in order; the public site's catch-all goes last.
	parts := []server.Part{
		apiPart,
		adminui.New(adminui.Config{Accounts: a.Accounts, Clinics: a.Clinics, Articles: a.Articles, Outbox: a.Mail, Redirects: a.Redirects,
			TrustProxy: len(cfg.TrustedProxies) > 0, Now: cfg.Now, Themes: eng}),
	}
	parts = append(parts, a.Site)
	// Ready: the database answers, no migration is pending and it takes a
	// write (a full disk reports not ready).
	sc := server.Config{TrustedProxies: cfg.TrustedProxies, Ready: server.ReadyAll{cfg.DB, a.Accounts}, Before: a.Site.CachedHit}
	if cfg.Metrics != nil {
		sc.Observe = cfg.Metrics.Request
	}
	a.HTTP = server.New(sc, parts...)
	return a, nil
}

// jobGaveUp records a per-article job that gave up in the article's audit
// trail; other jobs are only logged (by the queue).
func (a *App) jobGaveUp(ctx context.Context, f jobs.Failure) {
	if f.Kind != jobs.KindPublishArticle && f.Kind != jobs.KindUnpublishArticle {
		return
	}
	var args jobs.PublishArticleArgs
	if err := json.Unmarshal(f.Args, &args); err != nil || args.ArticleID == 0 {
		slog.Error("failed job without an article", "job_id", f.JobID, "kind", f.Kind)
		return
	}
	if err := a.Articles.RecordJobFailure(context.WithoutCancel(ctx), args.ClinicID, args.ArticleID, f.Kind, f.Attempt, f.Error); err != nil {
		slog.Error("recording a failed job", "job_id", f.JobID, "kind", f.Kind, "err", err)
	}
}
