package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/importer"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/internal/wxr"
)

// writeBigExport writes a WordPress export with n posts made from the
// fixture's block-editor post 4 (each with its own id, slug and title and a
// link to the previous post), followed by the fixture's attachments.
func writeBigExport(t testing.TB, path string, n int) {
	t.Helper()
	raw, err := os.ReadFile(exportPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	first := strings.Index(s, "<item>")
	head := s[:first]
	var post, attachments string
	rest := s[first:]
	for rest != "" {
		i := strings.Index(rest, "</item>")
		if i < 0 {
			break
		}
		item := rest[:i+len("</item>")]
		rest = rest[i+len("</item>"):]
		if j := strings.Index(rest, "<item>"); j >= 0 {
			rest = rest[j:]
		} else {
			rest = ""
		}
		switch {
		case strings.Contains(item, "<wp:post_id>4</wp:post_id>"):
			post = item
		case strings.Contains(item, "<wp:post_type><![CDATA[attachment]]>"):
			attachments += item + "\n"
		}
	}
	if post == "" || attachments == "" {
		t.Fatal("fixture items not found")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(head)
	for i := 1; i <= n; i++ {
		id := 100000 + i
		slug := fmt.Sprintf("generated-post-%d", i)
		it := strings.NewReplacer(
			"<wp:post_id>4</wp:post_id>", fmt.Sprintf("<wp:post_id>%d</wp:post_id>", id),
			"are-large-pores-permanent", slug,
			"Are large pores permanent?", fmt.Sprintf("Generated post number %d", i),
			"http://clinic.example/what-to-expect-after-laser-toning/", fmt.Sprintf("http://clinic.example/generated-post-%d/", max(1, i-1)),
		).Replace(post)
		f.WriteString(it + "\n")
	}
	f.WriteString(attachments)
	f.WriteString("\t</channel>\n</rss>\n")
}

// peakHeap samples the heap in use until stop is called.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// BenchmarkImport5000Posts imports a generated 5,000-post export into a
// fresh SQLite clinic and reports the time per import and the peak heap.
//
//	go test -run '^$' -bench Import5000 -benchtime 1x ./internal/importer/
func BenchmarkImport5000Posts(b *testing.B) {
	n := 5000
	if v := os.Getenv("IMPORT_BENCH_POSTS"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := b.TempDir()
	export := filepath.Join(dir, "export.xml")
	writeBigExport(b, export, n)
	st, _ := os.Stat(export)
	b.Logf("export: %d posts, %.1f MB", n, float64(st.Size())/1e6)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, testenv.OpenSQLite(b))
		up, err := wxr.OpenUploads(uploadsPath)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := peakHeap()
		b.StartTimer()
		start := time.Now()
		rep, err := f.im.Run(context.Background(), f.sc, importer.Input{
			Open:    func() (io.ReadCloser, error) { return os.Open(export) },
			Uploads: up,
		})
		el := time.Since(start)
		peak := stop()
		b.StopTimer()
		up.Close()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Created != n || rep.Failed != 0 {
			var buf bytes.Buffer
			rep.Text(&buf)
			b.Fatalf("created %d of %d, %d failed", rep.Created, n, rep.Failed)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(el.Seconds(), "s/import")
		b.ReportMetric(float64(n)/el.Seconds(), "posts/s")
	}
}

// TestWriteBigExport writes the generated export for measuring the CLI
// (IMPORT_BENCH_OUT=/tmp/big.xml); it is skipped otherwise.
func TestWriteBigExport(t *testing.T) {
	out := os.Getenv("IMPORT_BENCH_OUT")
	if out == "" {
		t.Skip("set IMPORT_BENCH_OUT to write the generated export")
	}
	writeBigExport(t, out, 5000)
}
