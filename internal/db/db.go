// Package db opens the database (embedded SQLite or PostgreSQL), sets the
// connection up for safe concurrent use and applies the embedded migrations.
package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/clinicpress/clinicpress/migrations"
)

// Dialect names the SQL dialect behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database with its dialect.
type DB struct {
	*gorm.DB
	Dialect Dialect
	SQL     *sql.DB

	dsn     string
	pgxOnce sync.Once
	pgx     *pgxpool.Pool
	pgxErr  error
}

// Options tune how a database is opened; the zero value is the default.
type Options struct {
	// MaxConns caps the connection pool (0: 20 on PostgreSQL, 8 on SQLite).
	// On PostgreSQL every instance holds up to this many connections, plus
	// one LISTEN connection for the job queue.
	MaxConns int
}

// Default pool sizes per instance.
const (
	DefaultPostgresMaxConns = 20
	DefaultSQLiteMaxConns   = 8
)

// DefaultDSN is where the embedded database lives unless told otherwise.
const DefaultDSN = "sqlite:./data/clinicpress.db"

// Open opens dsn: "sqlite:PATH" (the directory is created) or
// "postgres://...". SQLite runs in WAL mode with a busy timeout, foreign
// keys on and immediate transactions, so concurrent writers queue instead
// of failing with "database is locked".
func Open(dsn string) (*DB, error) { return OpenWith(dsn, Options{}) }

// OpenWith is Open with pool options.
func OpenWith(dsn string, opt Options) (*DB, error) {
	if opt.MaxConns < 0 {
		return nil, fmt.Errorf("db: max conns %d < 0", opt.MaxConns)
	}
	cfg := &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Second) },
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, errors.New("db: empty sqlite path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("db: create %s: %w", dir, err)
			}
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		g, err := gorm.Open(sqlite.Open("file:"+path+"?"+q.Encode()), cfg)
		if err != nil {
			return nil, fmt.Errorf("db: open sqlite: %w", err)
		}
		if err := registerCounter(g); err != nil {
			return nil, err
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, err
		}
		n := cmp.Or(opt.MaxConns, DefaultSQLiteMaxConns)
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxLifetime(0)
		return &DB{DB: g, Dialect: SQLite, SQL: sqlDB, dsn: dsn}, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		g, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		if err := registerCounter(g); err != nil {
			return nil, err
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, err
		}
		n := cmp.Or(opt.MaxConns, DefaultPostgresMaxConns)
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(max(n/2, 1))
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		return &DB{DB: g, Dialect: Postgres, SQL: sqlDB, dsn: dsn}, nil
	}
	return nil, fmt.Errorf("db: unsupported DSN %q: use sqlite:PATH or postgres://", redact(dsn))
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}

// DSN is the data source name the database was opened with (it may hold a
// password: never log it).
func (d *DB) DSN() string { return d.dsn }

// PgxPool returns a small native pgx pool on the same PostgreSQL database,
// opened on first use and closed by Close. It is for what database/sql
// cannot do, above all LISTEN: each listener takes one connection out of
// the pool for good, so it is not for queries. It fails on SQLite.
func (d *DB) PgxPool() (*pgxpool.Pool, error) {
	if d.Dialect != Postgres {
		return nil, errors.New("db: a pgx pool needs PostgreSQL")
	}
	d.pgxOnce.Do(func() {
		cfg, err := pgxpool.ParseConfig(d.dsn)
		if err != nil {
			d.pgxErr = fmt.Errorf("db: pgx pool: %w", err)
			return
		}
		cfg.MinConns = 0
		cfg.MaxConns = 2
		d.pgx, d.pgxErr = pgxpool.NewWithConfig(context.Background(), cfg)
		if d.pgxErr != nil {
			d.pgxErr = fmt.Errorf("db: pgx pool: %w", d.pgxErr)
		}
	})
	return d.pgx, d.pgxErr
}

// Close closes the connection pools.
func (d *DB) Close() error {
	d.pgxOnce.Do(func() {}) // no pgx pool opens after Close
	if d.pgx != nil {
		d.pgx.Close()
	}
	return d.SQL.Close()
}

// Tx runs fn in one transaction (an immediate one on SQLite): either all of
// its writes land or none do.
//
// SQLite's immediate transactions run one at a time. PostgreSQL runs them
// side by side, so two writers can read the same row version and the
// loser then hits a unique constraint (or a deadlock or serialization
// failure) instead of the domain's own check. Such a transaction is rolled
// back and fn runs again, a few times at most: on the second run it sees
// the winner's committed row and answers with its own error (for example
// 409 version_conflict) instead of an internal error. fn must therefore
// only write through tx.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	const attempts = 3
	var err error
	for i := 0; i < attempts; i++ {
		err = d.WithContext(ctx).Transaction(fn)
		if err == nil || d.Dialect != Postgres || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// retryable reports whether a PostgreSQL error means "another transaction
// won a race": unique_violation, serialization_failure, deadlock_detected.
func retryable(err error) bool {
	var pg interface{ SQLState() string }
	if !errors.As(err, &pg) {
		return false
	}
	switch pg.SQLState() {
	case "23505", "40001", "40P01":
		return true
	}
	return false
}

func (d *DB) provider() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations.FS, string(d.Dialect))
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if d.Dialect == Postgres {
		// Several instances starting together must not migrate at once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.SQL, sub, opts...)
}

// MigrateUp applies every pending migration: River's job queue tables
// first, then ours.
func (d *DB) MigrateUp(ctx context.Context) error {
	if err := d.riverUp(ctx); err != nil {
		return err
	}
	p, err := d.provider()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	for _, r := range res {
		slog.Info("migration applied", "version", r.Source.Version, "path", r.Source.Path, "duration", r.Duration)
	}
	return err
}

// MigrateDown rolls back the latest of our migrations. Once none of ours
// is left applied, it removes River's job queue tables too (they are the
// bottom layer: nothing of ours remains that could enqueue a job).
func (d *DB) MigrateDown(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	_, err = p.Down(ctx)
	if errors.Is(err, goose.ErrNoNextVersion) {
		// None of ours left: River's tables go, or, if they are gone
		// too, there is nothing to roll back.
		st, serr := d.RiverStatus(ctx)
		if serr != nil || len(st) == 0 || !st[0].Applied {
			return err
		}
		return d.riverDownAll(ctx)
	}
	if err != nil {
		return err
	}
	if v, err := p.GetDBVersion(ctx); err != nil || v > 0 {
		return err
	}
	return d.riverDownAll(ctx)
}

// MigrationStatus describes one migration.
type MigrationStatus struct {
	Version int64
	Path    string
	Applied bool
	At      time.Time
}

// MigrateStatus lists every known migration and whether it is applied.
func (d *DB) MigrateStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Path: s.Source.Path, Applied: s.State == goose.StateApplied, At: s.AppliedAt})
	}
	return out, nil
}

// Ready reports whether the database answers and no migration is pending.
func (d *DB) Ready(ctx context.Context) error {
	if err := d.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	p, err := d.provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return err
	}
	if !pending {
		pending, err = d.riverPending(ctx)
		if err != nil {
			return err
		}
	}
	if pending {
		return errors.New("migrations pending")
	}
	return nil
}
