package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// River's job queue (internal/jobs) keeps its tables (river_job,
// river_leader, river_queue, ...) in the same database as ours. Its schema
// comes from River's own migration runner, which MigrateUp, MigrateDown,
// RiverStatus and Ready drive alongside the goose migrations: River's
// tables are the bottom layer, applied before ours and removed after ours.

// riverMigrateLock is the PostgreSQL advisory lock key that keeps several
// instances starting together from running River's migrations at once
// (goose holds its own lock for ours).
const riverMigrateLock int64 = 0x636c696e_72697672 // "clinrivr"

// RiverDriver is River's driver for this database: database/sql on
// PostgreSQL (so River runs inside our *sql.Tx transactions) and
// riversqlite on SQLite. Both work on the same pool as GORM.
func (d *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if d.Dialect == Postgres {
		return riverdatabasesql.New(d.SQL)
	}
	return riversqlite.New(d.SQL)
}

func (d *DB) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	// River logs its own progress; riverUp logs what it applied like the
	// goose migrations, and errors come back as errors.
	return rivermigrate.New(d.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
}

// withRiverLock runs fn holding the River migration lock (PostgreSQL only).
func (d *DB) withRiverLock(ctx context.Context, fn func() error) error {
	if d.Dialect != Postgres {
		return fn()
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, riverMigrateLock); err != nil {
		return fmt.Errorf("river migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrateLock)
	return fn()
}

// riverUp applies River's pending migrations.
func (d *DB) riverUp(ctx context.Context) error {
	m, err := d.riverMigrator()
	if err != nil {
		return err
	}
	return d.withRiverLock(ctx, func() error {
		res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		for _, v := range res.Versions {
			slog.Info("migration applied", "version", v.Version, "path", "river/"+v.Name, "duration", v.Duration)
		}
		return nil
	})
}

// riverDownAll removes River's schema completely.
func (d *DB) riverDownAll(ctx context.Context) error {
	m, err := d.riverMigrator()
	if err != nil {
		return err
	}
	return d.withRiverLock(ctx, func() error {
		_, err := m.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
		if err != nil {
			return fmt.Errorf("river migrations down: %w", err)
		}
		return nil
	})
}

// RiverStatus lists River's migrations and whether each is applied.
func (d *DB) RiverStatus(ctx context.Context) ([]MigrationStatus, error) {
	m, err := d.riverMigrator()
	if err != nil {
		return nil, err
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	at := make(map[int]MigrationStatus, len(existing))
	for _, e := range existing {
		at[e.Version] = MigrationStatus{Applied: true}
	}
	all := m.AllVersions()
	out := make([]MigrationStatus, 0, len(all))
	for _, v := range all {
		s := at[v.Version]
		s.Version = int64(v.Version)
		s.Path = fmt.Sprintf("river/%03d_%s", v.Version, strings.ReplaceAll(v.Name, " ", "_"))
		out = append(out, s)
	}
	return out, nil
}

// riverPending reports whether any River migration is not applied.
func (d *DB) riverPending(ctx context.Context) (bool, error) {
	st, err := d.RiverStatus(ctx)
	if err != nil {
		return false, err
	}
	for _, s := range st {
		if !s.Applied {
			return true, nil
		}
	}
	return false, nil
}
