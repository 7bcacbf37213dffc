// Package app wires the services and the HTTP app together from a
// configuration; the binary and the tests build the product the same way.
package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/jobs"
	"github.com/clinicpress/clinicpress/internal/mail"
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

	apiPart := &api.API{Accounts: a.Accounts, Clinics: a.Clinics, Articles: a.Articles}
	a.Site = site.New(site.Config{DB: cfg.DB, Clinics: a.Clinics, Articles: a.Articles, Themes: eng, Now: cfg.Now})
	a.OnChange(a.Site.Changed)
	// Background work: River periodic jobs run once per period across all
	// instances (the leader enqueues them); the site-epoch poll refreshes
	// this instance's cache, so every instance runs it for itself.
	a.Jobs, err = jobs.New(jobs.Config{
		DB: cfg.DB,
		Periodic: []jobs.Periodic{
			{Kind: "scheduled_publish", Interval: 15 * time.Second, Run: a.Articles.FireScheduled},
			{Kind: "review_overdue", Interval: 5 * time.Minute, Run: a.Articles.ApplyOverdue},
			{Kind: "sweep_sessions", Interval: time.Hour, Run: a.Accounts.Sweep},
			// Mail: every instance may deliver (rows are claimed one at a
			// time); Kick after a commit wakes this instance's worker (Run).
			{Kind: "deliver_mail", Interval: cfg.MailInterval, Run: a.Mail.DeliverDue},
		},
		Local: []jobs.Local{{Name: "site-epochs", Interval: 2 * time.Second, Run: a.Site.PollEpochs}},
	})
	if err != nil {
		return nil, err
	}

	// Parts are mounted in order; the public site's catch-all goes last.
	parts := []server.Part{
		apiPart,
		adminui.New(adminui.Config{Accounts: a.Accounts, Clinics: a.Clinics, Articles: a.Articles, Outbox: a.Mail,
			TrustProxy: len(cfg.TrustedProxies) > 0, Now: cfg.Now, Themes: eng}),
	}
	parts = append(parts, a.Site)
	// Ready: the database answers, no migration is pending and it takes a
	// write (a full disk reports not ready).
	a.HTTP = server.New(server.Config{TrustedProxies: cfg.TrustedProxies, Ready: server.ReadyAll{cfg.DB, a.Accounts}, Before: a.Site.CachedHit}, parts...)
	return a, nil
}
