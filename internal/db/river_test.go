package db_test

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/migrations"
)

func riverApplied(t *testing.T, d *db.DB) (applied, total int) {
	t.Helper()
	st, err := d.RiverStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !strings.HasPrefix(s.Path, "river/") {
			t.Fatalf("river migration path %q", s.Path)
		}
		if s.Applied {
			applied++
		}
	}
	return applied, len(st)
}

// TestRiverMigrations: MigrateUp brings River's job tables in with ours,
// Ready fails while River's are missing, and rolling every one of ours
// back removes River's too; up again restores both.
func TestRiverMigrations(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		files, err := fs.Glob(migrations.FS, string(d.Dialect)+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if n, total := riverApplied(t, d); n != 0 || total < 5 {
			t.Fatalf("fresh database: %d of %d river migrations applied", n, total)
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		n, total := riverApplied(t, d)
		if n != total {
			t.Fatalf("after up %d of %d river migrations applied", n, total)
		}
		for _, tb := range []string{"river_job", "river_leader", "river_queue", "river_migration"} {
			if !tableExists(t, d, tb) {
				t.Fatalf("table %s missing after MigrateUp", tb)
			}
		}
		if err := d.Ready(ctx); err != nil {
			t.Fatalf("Ready: %v", err)
		}
		// Ours rolled back but the first: River stays.
		for i := 1; i < len(files); i++ {
			if err := d.MigrateDown(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if !tableExists(t, d, "river_job") {
			t.Fatal("river_job gone while one of our migrations is still applied")
		}
		// The last of ours: River goes with it.
		if err := d.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := riverApplied(t, d); n != 0 {
			t.Fatalf("%d river migrations left after everything was rolled back", n)
		}
		for _, tb := range []string{"river_job", "river_leader", "river_migration"} {
			if tableExists(t, d, tb) {
				t.Fatalf("table %s left after rolling everything back", tb)
			}
		}
		if err := d.MigrateDown(ctx); err == nil {
			t.Fatal("down on an empty database succeeded")
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		if n, total := riverApplied(t, d); n != total {
			t.Fatalf("after up again %d of %d", n, total)
		}
		if err := d.Ready(ctx); err != nil {
			t.Fatalf("Ready after up/down/up: %v", err)
		}
	})
}

// TestRiverMigrationsConcurrent: several instances starting at once on
// one PostgreSQL database all migrate without error (River's runner has
// no lock of its own; MigrateUp takes one).
func TestRiverMigrationsConcurrent(t *testing.T) {
	first := testenv.OpenPostgres(t)
	const n = 4
	dbs := []*db.DB{first}
	for i := 1; i < n; i++ {
		d, err := db.Open(first.DSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		dbs = append(dbs, d)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, d := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.MigrateUp(context.Background())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	if a, total := riverApplied(t, first); a != total {
		t.Fatalf("%d of %d river migrations applied", a, total)
	}
}

// TestOpenWithMaxConns: the pool size is what was asked for, the default
// otherwise; a negative size is refused.
func TestOpenWithMaxConns(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		want := db.DefaultSQLiteMaxConns
		if d.Dialect == db.Postgres {
			want = db.DefaultPostgresMaxConns
		}
		if got := d.SQL.Stats().MaxOpenConnections; got != want {
			t.Fatalf("default max conns %d, want %d", got, want)
		}
		d2, err := db.OpenWith(d.DSN(), db.Options{MaxConns: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		if got := d2.SQL.Stats().MaxOpenConnections; got != 3 {
			t.Fatalf("max conns %d, want 3", got)
		}
		if _, err := db.OpenWith(d.DSN(), db.Options{MaxConns: -1}); err == nil {
			t.Fatal("negative max conns accepted")
		}
		if d.Dialect == db.Postgres {
			p, err := d2.PgxPool()
			if err != nil {
				t.Fatal(err)
			}
			var schema string
			if err := p.QueryRow(context.Background(), `SELECT current_schema()`).Scan(&schema); err != nil {
				t.Fatal(err)
			}
			var want string
			if err := d2.Raw(`SELECT current_schema()`).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			if schema != want {
				t.Fatalf("pgx pool on schema %q, database/sql on %q", schema, want)
			}
		} else if _, err := d.PgxPool(); err == nil {
			t.Fatal("pgx pool on SQLite")
		}
	})
}
