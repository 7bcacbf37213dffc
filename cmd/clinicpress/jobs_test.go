package main

import (
	"context"
	"io"
	"io/fs"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/migrations"
)

// TestMigrateCoversTheJobQueue: "migrate up" brings River's tables in,
// "migrate down" once per migration of ours takes everything away again,
// River's tables last, and status says so.
func TestMigrateCoversTheJobQueue(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		dialect := "sqlite"
		if strings.HasPrefix(dsn, "postgres") {
			dialect = "postgres"
		}
		files, err := fs.Glob(migrations.FS, dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		mustCLI(t, "", "migrate", "up", "--db", dsn)
		if n := count(t, dsn, "river_job"); n != 0 {
			t.Fatalf("%d jobs in a fresh queue", n)
		}
		for i := 1; i < len(files); i++ {
			mustCLI(t, "", "migrate", "down", "--db", dsn)
		}
		out := mustCLI(t, "", "migrate", "status", "--db", dsn)
		if strings.Count(out, "river/") == 0 || riverPending(out) != 0 {
			t.Fatalf("river tables should stay while one of ours is applied:\n%s", out)
		}
		mustCLI(t, "", "migrate", "down", "--db", dsn)
		out = mustCLI(t, "", "migrate", "status", "--db", dsn)
		if strings.Contains(out, "applied") || riverPending(out) != strings.Count(out, "river/") {
			t.Fatalf("after the last down:\n%s", out)
		}
		if _, err := cli(t, "", "migrate", "down", "--db", dsn); err == nil {
			t.Fatal("down on an empty database succeeded")
		}
		mustCLI(t, "", "migrate", "up", "--db", dsn)
		if out := mustCLI(t, "", "migrate", "status", "--db", dsn); strings.Count(out, " applied") != len(files)+strings.Count(out, "river/") {
			t.Fatalf("after up again:\n%s", out)
		}
	})
}

// riverPending counts River migrations listed as pending.
func riverPending(status string) int {
	n := 0
	for _, l := range strings.Split(status, "\n") {
		if strings.HasPrefix(l, "river ") && strings.HasSuffix(l, "pending") {
			n++
		}
	}
	return n
}

// TestServeRunsTheJobQueue: serve runs the periodic jobs through River
// (each is enqueued at start and completes), and a clean shutdown gives
// the leadership up so another instance takes over at once.
func TestServeRunsTheJobQueue(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		addrc := make(chan string, 1)
		listening = func(a net.Addr) { addrc <- a.String() }
		defer func() { listening = func(net.Addr) {} }()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--db-max-conns", "6"}, strings.NewReader(""), io.Discard)
		}()
		select {
		case <-addrc:
		case err := <-done:
			t.Fatalf("serve ended before listening: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not listen")
		}
		d, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		kinds := []string{"scheduled_publish", "review_overdue", "sweep_sessions"}
		end := time.Now().Add(60 * time.Second)
		for {
			var n int64
			if err := d.Raw(`SELECT COUNT(DISTINCT kind) FROM river_job WHERE state = 'completed' AND kind IN ?`, kinds).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n == int64(len(kinds)) {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("%d of the periodic kinds %v completed after 60s", n, kinds)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve returned %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not stop")
		}
		var leaders int64
		if err := d.Raw(`SELECT COUNT(*) FROM river_leader`).Scan(&leaders).Error; err != nil {
			t.Fatal(err)
		}
		if leaders != 0 {
			t.Fatalf("%d leaders left after a clean shutdown", leaders)
		}
	})
}

// TestServeRefusesBadPoolSize: a pool size that is not a number >= 0 is
// refused before anything starts.
func TestServeRefusesBadPoolSize(t *testing.T) {
	t.Setenv("CLINICPRESS_DB_MAX_CONNS", "many")
	if _, err := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+t.TempDir()+"/x.db"); err == nil || !strings.Contains(err.Error(), "DB_MAX_CONNS") {
		t.Fatalf("bad CLINICPRESS_DB_MAX_CONNS: %v", err)
	}
	t.Setenv("CLINICPRESS_DB_MAX_CONNS", "")
	if _, err := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--db-max-conns", "-2", "--db", "sqlite:"+t.TempDir()+"/x.db"); err == nil {
		t.Fatal("--db-max-conns -2 accepted")
	}
}
