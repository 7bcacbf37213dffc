// Package server assembles the one Fiber app: request ids, structured
// request logs, body limits, the problem+json error handler, health checks,
// and the mounted parts (API, public sites, admin).
package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/db"
)

// Part is a group of routes mounted on the app.
type Part interface {
	Register(r fiber.Router)
}

// ReadyChecker answers whether the service can take traffic.
type ReadyChecker interface {
	Ready(ctx context.Context) error
}

// Config holds the app-wide settings.
type Config struct {
	BodyLimit      int      // bytes; default 1 MiB
	TrustedProxies []string // CIDRs or IPs whose X-Forwarded-* headers are believed
	Ready          ReadyChecker
	// Before runs ahead of every middleware (request id, logging,
	// recovery): the public page cache answers hits here at static-file
	// cost and passes everything else on with c.Next().
	Before fiber.Handler
	// HTMLError renders errors for non-API paths; nil means problem+json
	// everywhere.
	HTMLError func(c *fiber.Ctx, p api.Problem) error
	// Observe, if set, is told of every request answered behind Before
	// (method, matched route pattern, status, duration, SQL statements
	// run): the metrics hook.
	Observe func(method, route string, status int, d time.Duration, statements int64)
}

// New builds the app and mounts parts in order (the catch-all public site
// last).
func New(cfg Config, parts ...Part) *fiber.App {
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 1 << 20
	}
	h := &health{}
	fc := fiber.Config{
		AppName:               "clinicpress",
		BodyLimit:             cfg.BodyLimit,
		Immutable:             true, // strings from the request outlive handlers safely
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		// A whole typical page (headers + ~25 KB of HTML) fits the write
		// buffer, so a response costs one write(2) instead of two or three.
		WriteBufferSize: 32 << 10,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			p := api.ProblemFor(c, h.mapError(c, err))
			if cfg.HTMLError != nil && !strings.HasPrefix(c.Path(), "/api/") {
				return cfg.HTMLError(c, p)
			}
			return api.WriteProblem(c, p)
		},
	}
	var trusted proxies
	if len(cfg.TrustedProxies) > 0 {
		// c.IP() reads clientHeader, which clientAddr fills from
		// X-Forwarded-For walked from the right; the raw header is never
		// taken as an address.
		trusted = parseProxies(cfg.TrustedProxies)
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = cfg.TrustedProxies
		fc.ProxyHeader = clientHeader
	}
	app := fiber.New(fc)
	if trusted != nil {
		app.Use(trusted.clientAddr)
	}
	app.Use(guardHeaders)
	if cfg.Before != nil {
		app.Use(cfg.Before)
	}
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(logRequests(cfg.Observe))
	app.Use(h.watchWrites)
	app.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/readyz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		// The reason is one of a fixed set (storage_full,
		// database_unavailable, not_ready, ...); the raw error is only
		// logged.
		if h.full() {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": "storage_full"})
		}
		if cfg.Ready != nil {
			if err := cfg.Ready.Ready(c.UserContext()); err != nil {
				slog.Warn("not ready", "err", err)
				return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": readyReason(err)})
			}
		}
		return c.JSON(fiber.Map{"status": "ready"})
	})
	for _, p := range parts {
		p.Register(app)
	}
	return app
}

// logRequests returns the middleware that writes one structured line per request with the status the
// client gets: an error is turned into its answer here (through the app's
// error handler), so 401/403/404/422 are logged as such, not as 200.
// observe, if set, gets the method, route pattern, status and duration.
func logRequests(observe func(method, route string, status int, d time.Duration, statements int64)) fiber.Handler {
	return func(c *fiber.Ctx) error { return logRequest(c, observe) }
}

func logRequest(c *fiber.Ctx, observe func(method, route string, status int, d time.Duration, statements int64)) error {
	start := time.Now()
	ctx, stmts := db.WithStatementCounter(c.UserContext())
	c.SetUserContext(ctx)
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	if observe != nil {
		observe(c.Method(), c.Route().Path, status, time.Since(start), stmts.Load())
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if !slog.Default().Enabled(ctx, level) {
		return nil // building the line costs more than serving a cached page
	}
	slog.Log(ctx, level, "request", "method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000, "sql", stmts.Load(), "request_id", c.Locals("requestid"), "ip", c.IP())
	return nil
}
