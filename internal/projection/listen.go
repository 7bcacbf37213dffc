package projection

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Listener receives, on PostgreSQL, the clinic ids NOTIFYed on Channel by
// every instance's committed projection writes and hands each to OnClinic
// (which drops that clinic's cached pages). It holds one connection of its
// own and reconnects by itself with backoff; while it is down, Up is false
// and the caller falls back to polling site_epochs.
type Listener struct {
	Pool      *pgxpool.Pool
	OnClinic  func(clinicID int64)
	OnConnect func() // after every (re)connect: catch up on what was missed while down
	Logger    *slog.Logger

	up  atomic.Bool
	pid atomic.Uint32
}

// Up reports whether the listener is connected and listening.
func (l *Listener) Up() bool { return l.up.Load() }

// PID is the PostgreSQL backend pid of the listening connection (0 when
// down), for diagnostics and the reconnect test.
func (l *Listener) PID() uint32 { return l.pid.Load() }

// Run listens until ctx ends, reconnecting after any failure with
// exponential backoff (100 ms doubling to 10 s).
func (l *Listener) Run(ctx context.Context) {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := l.once(ctx)
		l.up.Store(false)
		l.pid.Store(0)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = 100 * time.Millisecond
		}
		log.Warn("site invalidation listener down; polling until it reconnects", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// once listens on one connection until it fails; connected tells whether
// it got as far as LISTEN.
func (l *Listener) once(ctx context.Context) (bool, error) {
	pc, err := l.Pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	// The connection leaves the pool for good: it is closed here, never
	// handed back in a LISTEN state.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return false, err
	}
	l.pid.Store(conn.PgConn().PID())
	l.up.Store(true)
	if l.OnConnect != nil {
		l.OnConnect()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil && id > 0 && l.OnClinic != nil {
			l.OnClinic(id)
		}
	}
}
