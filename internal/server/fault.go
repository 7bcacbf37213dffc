package server

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// Storage faults the error handler answers with a stable code instead of
// 500 internal.
var (
	// ErrStorageFull: the database cannot write because its disk is full
	// (SQLite SQLITE_FULL, PostgreSQL 53100 disk_full). Reads keep working.
	ErrStorageFull = &errs.Error{Status: http.StatusInsufficientStorage, Code: "storage_full",
		Message: "the server cannot store changes right now (storage is full); nothing was changed, try again later",
		Extra:   map[string]any{"retry_after": 60}}
	// ErrUnavailable: the database cannot be reached (connection refused
	// or lost, server shutting down or starting).
	ErrUnavailable = &errs.Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "the service is temporarily unavailable; try again in a few seconds",
		Extra:   map[string]any{"retry_after": 5}}
	// ErrRetryLater: the transaction kept losing to concurrent ones
	// (PostgreSQL 40001 serialization_failure or 40P01 deadlock_detected
	// after db.Tx's bounded retries; SQLite busy past its timeout).
	// Nothing was changed; the same request may simply be sent again.
	ErrRetryLater = &errs.Error{Status: http.StatusServiceUnavailable, Code: "retry_later",
		Message: "the server is busy with conflicting changes; nothing was changed, try again in a moment",
		Extra:   map[string]any{"retry_after": 1}}
)

const sqliteBusy = 5 // SQLITE_BUSY

const sqliteFull = 13 // SQLITE_FULL, the primary result code

// classify maps a storage fault inside err to ErrStorageFull or
// ErrUnavailable; it returns nil for anything else (including a cancelled
// or timed-out request, which is the client's doing).
func classify(err error) *errs.Error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqliteFull:
			return ErrStorageFull
		case sqliteBusy:
			return ErrRetryLater
		}
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		st := pg.SQLState()
		switch {
		case st == "53100":
			return ErrStorageFull
		case st == "40001", st == "40P01":
			return ErrRetryLater
		case strings.HasPrefix(st, "08"), st == "57P01", st == "57P02", st == "57P03", st == "53300":
			return ErrUnavailable
		}
		return nil
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return ErrUnavailable
	}
	// pgx reports a pool that cannot dial and a connection closed under it
	// with these texts (ConnectError and "conn closed" are not exported as
	// sentinel values through database/sql).
	msg := err.Error()
	if strings.Contains(msg, "failed to connect to") || strings.Contains(msg, "conn closed") || strings.Contains(msg, "conn busy") {
		return ErrUnavailable
	}
	return nil
}

// health remembers a recent storage_full answer, so /readyz reports not
// ready while writes fail even when a tiny probe write still fits; a
// successful write (a 2xx answer to a non-GET request) or a minute without
// another fault clears it.
type health struct {
	fullAt atomic.Int64 // unix nanoseconds of the last storage_full, 0 for none
}

const fullMemory = time.Minute

func (h *health) sawFull() { h.fullAt.Store(time.Now().UnixNano()) }
func (h *health) wroteOK() { h.fullAt.Store(0) }
func (h *health) full() bool {
	at := h.fullAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < fullMemory
}

// mapError turns a storage fault into its stable answer (logging the
// cause, which clients never see) and leaves every other error alone.
func (h *health) mapError(c *fiber.Ctx, err error) error {
	e := classify(err)
	if e == nil {
		return err
	}
	if e == ErrStorageFull {
		h.sawFull()
	}
	slog.Warn("storage fault", "code", e.Code, "err", err, "method", c.Method(), "path", c.Path(), "request_id", c.Locals("requestid"))
	return e
}

// watchWrites clears the storage_full memory once a write succeeds.
func (h *health) watchWrites(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil && h.fullAt.Load() != 0 {
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		default:
			if s := c.Response().StatusCode(); s >= 200 && s < 300 {
				h.wroteOK()
			}
		}
	}
	return err
}

// readyReason is the fixed reason /readyz gives for a failed check; the
// raw error is only logged.
func readyReason(err error) string {
	if e := classify(err); e != nil {
		if e == ErrStorageFull {
			return "storage_full"
		}
		return "database_unavailable"
	}
	if e, ok := errs.As(err); ok {
		return string(e.Code)
	}
	return "not_ready"
}

// ReadyAll is a ReadyChecker that passes when every check passes.
type ReadyAll []ReadyChecker

// Ready runs the checks in order and returns the first failure.
func (r ReadyAll) Ready(ctx context.Context) error {
	for _, c := range r {
		if err := c.Ready(ctx); err != nil {
			return err
		}
	}
	return nil
}
