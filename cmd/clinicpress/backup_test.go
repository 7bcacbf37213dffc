package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func page(t *testing.T, a *app.App, url string) string {
	t.Helper()
	res, err := a.HTTP.Test(httptest.NewRequest("GET", url, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return string(b)
}

// TestBackupUnderLoadRestores: a backup taken while goroutines write
// through the app restores into a fresh path that serves the same public
// pages and whose audit chains verify.
func TestBackupUnderLoadRestores(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "live.db")
	d, err := db.Open("sqlite:" + src)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	e := testenv.New(t, d)
	c := e.NewClinic("backed")
	var urls []string
	for i := range 3 {
		a := e.Published(c, fmt.Sprintf("Kept safe %d", i))
		urls = append(urls, "/sites/"+c.Slug+"/articles/"+a.Slug)
	}
	urls = append(urls, "/sites/"+c.Slug+"/")
	want := map[string]string{}
	for _, u := range urls {
		want[u] = page(t, e.App, u)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var wrote atomic.Int64
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				r := e.Do("POST", testenv.ArticlePath(c.Slug, 0, ""), c.Writer, map[string]any{"title": fmt.Sprintf("Written during backup %d-%d", w, i), "summary": "S.", "body": "Text."})
				if r.Status == 201 {
					wrote.Add(1)
				}
			}
		}()
	}
	for wrote.Load() < 5 { // the writers are under way
		time.Sleep(10 * time.Millisecond)
	}
	file := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	err = run(context.Background(), []string{"backup", "--db", "sqlite:" + src, file}, nil, &out)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v %s", err, out.String())
	}
	if wrote.Load() < 5 {
		t.Fatal("no writes ran during the backup")
	}

	dst := filepath.Join(dir, "restored", "clinicpress.db")
	if err := run(context.Background(), []string{"restore", "--db", "sqlite:" + dst, file}, nil, &out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := run(context.Background(), []string{"restore", "--db", "sqlite:" + dst, file}, nil, &out); err == nil {
		t.Fatal("restore over an existing database without --force succeeded")
	}
	d2, err := db.Open("sqlite:" + dst)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	a2, err := app.Build(context.Background(), app.Config{DB: d2, Now: e.Clock.Now, Argon2: testenv.FastArgon2})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if got := page(t, a2, u); got != want[u] {
			t.Errorf("restored %s differs", u)
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"audit", "verify", "--db", "sqlite:" + dst}, nil, &out); err != nil || !strings.Contains(out.String(), "intact") {
		t.Fatalf("audit verify: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"backup", "--db", "postgres://u@127.0.0.1:1/x", file + ".pg"}, nil, &out); err == nil || !strings.Contains(out.String(), "pg_dump --format=custom") {
		t.Fatalf("PostgreSQL backup: %v %q", err, out.String())
	}
}
