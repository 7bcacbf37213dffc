package db_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/migrations"
)

func tableExists(t *testing.T, d *db.DB, name string) bool {
	t.Helper()
	var n int64
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.Dialect == db.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	if err := d.Raw(q, name).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func applied(t *testing.T, d *db.DB) (int, int) {
	t.Helper()
	st, err := d.MigrateStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range st {
		if s.Applied {
			n++
		}
	}
	return n, len(st)
}

// TestMigrationsUpDownUp applies every migration, rolls back two and then
// all of them, and applies them again; Ready fails while any is pending.
func TestMigrationsUpDownUp(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		files, err := fs.Glob(migrations.FS, string(d.Dialect)+"/*.sql")
		if err != nil || len(files) < 2 {
			t.Fatalf("embedded migrations: %v %v", files, err)
		}
		if err := d.Ready(ctx); err == nil {
			t.Fatal("Ready on an empty database")
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		if n, total := applied(t, d); n != len(files) || total != len(files) {
			t.Fatalf("applied %d of %d, %d files", n, total, len(files))
		}
		if err := d.Ready(ctx); err != nil {
			t.Fatalf("Ready after up: %v", err)
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatalf("second up is not a no-op: %v", err)
		}
		for i := 0; i < 2; i++ {
			if err := d.MigrateDown(ctx); err != nil {
				t.Fatalf("down %d: %v", i+1, err)
			}
		}
		if n, _ := applied(t, d); n != len(files)-2 {
			t.Fatalf("after two downs %d applied", n)
		}
		if err := d.Ready(ctx); err == nil || !strings.Contains(err.Error(), "pending") {
			t.Fatalf("Ready with pending migrations: %v", err)
		}
		for i := 2; i < len(files); i++ {
			if err := d.MigrateDown(ctx); err != nil {
				t.Fatalf("down %d: %v", i+1, err)
			}
		}
		if n, _ := applied(t, d); n != 0 {
			t.Fatalf("after all downs %d applied", n)
		}
		for _, tb := range []string{"users", "articles", "casbin_rule", "audit_entries"} {
			if tableExists(t, d, tb) {
				t.Fatalf("table %s left after rolling everything back", tb)
			}
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatalf("up after down: %v", err)
		}
		if err := d.Ready(ctx); err != nil {
			t.Fatalf("Ready after up/down/up: %v", err)
		}
		// The schema works: the whole product builds and runs a workflow.
		e := testenv.New(t, d)
		c := e.NewClinic("again")
		e.Published(c, "After up, down and up")
	})
}

type result struct {
	status int
	code   string
	body   string
}

// do sends a JSON request; it is safe to call from many goroutines (it
// never calls t.Fatal).
func do(e *testenv.Env, method, url, token string, body any) result {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		return result{status: -1, body: err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var p struct{ Code string }
	json.Unmarshal(b, &p)
	return result{status: res.StatusCode, code: p.Code, body: string(b)}
}

// TestConcurrentWrites: 40 goroutines create articles and update one
// shared article at the same time through the HTTP app on one database
// file. Creates all succeed; each update succeeds or answers a clean 409
// version_conflict (never "database is locked", never a 500); no update
// is lost and the audit chain stays intact.
func TestConcurrentWrites(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("busy")
		shared := e.Draft(c, c.Writer, "Everyone edits this")
		const creators, updaters = 20, 20
		tokens := []string{c.Writer, c.Doctor, c.Admin, c.Doctor2, c.WriterDoctor}
		results := make([]result, creators+updaters)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < creators+updaters; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				tok := tokens[i%len(tokens)]
				<-start
				if i < creators {
					results[i] = do(e, "POST", testenv.ArticlePath(c.Slug, 0, ""), tok, map[string]any{
						"title": fmt.Sprintf("Concurrent article %d", i), "summary": "S.", "body": "Text."})
					return
				}
				var cur testenv.Article
				r := do(e, "GET", testenv.ArticlePath(c.Slug, shared.ID, ""), tok, nil)
				if r.status != 200 {
					results[i] = r
					return
				}
				json.Unmarshal([]byte(r.body), &cur)
				results[i] = do(e, "PUT", testenv.ArticlePath(c.Slug, shared.ID, ""), tok, map[string]any{
					"title": cur.Title, "body": fmt.Sprintf("edit by goroutine %d", i), "version": cur.Version})
			}(i)
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, r := range results {
			switch {
			case i < creators && r.status != 201:
				t.Errorf("create %d: %d %s", i, r.status, r.body)
			case i >= creators && r.status == 200:
				ok++
			case i >= creators && (r.status != 409 || r.code != "version_conflict"):
				t.Errorf("update %d: %d %s", i, r.status, r.body)
			}
			if strings.Contains(strings.ToLower(r.body), "locked") {
				t.Errorf("request %d: %s", i, r.body)
			}
		}
		if ok == 0 {
			t.Fatal("no update succeeded")
		}
		var after testenv.Article
		e.MustDo("GET", testenv.ArticlePath(c.Slug, shared.ID, ""), c.Writer, nil, 200, &after)
		if after.Revision != 1+ok || after.Version != shared.Version+ok {
			t.Fatalf("%d updates succeeded but the article is at revision %d, version %d", ok, after.Revision, after.Version)
		}
		var n int64
		d.Raw(`SELECT COUNT(*) FROM articles WHERE clinic_id = ?`, c.ID).Scan(&n)
		if n != 1+creators {
			t.Fatalf("%d articles, want %d", n, 1+creators)
		}
		broken, _, err := audit.Verify(context.Background(), d.DB)
		if err != nil || len(broken) != 0 {
			t.Fatalf("audit chain after concurrent writes: %v %v", broken, err)
		}
	})
}
