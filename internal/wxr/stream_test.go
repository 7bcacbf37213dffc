package wxr

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeLargeExport writes a WXR file with n block-editor posts of about
// 5 kB each, shaped like WordPress's own export (channel header, authors,
// one attachment per 10 posts), and returns its size.
func writeLargeExport(t testing.TB, path string, n int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Big clinic</title><link>http://big.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://big.example</wp:base_site_url><wp:base_blog_url>http://big.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_email><![CDATA[w@big.example]]></wp:author_email><wp:author_display_name><![CDATA[Writer]]></wp:author_display_name></wp:author>
`)
	para := strings.Repeat("Sunscreen every morning protects collagen and keeps pigmentation from coming back. ", 5)
	for i := 1; i <= n; i++ {
		var c strings.Builder
		for s := 0; s < 4; s++ {
			fmt.Fprintf(&c, "<!-- wp:heading -->\n<h2>Section %d of post %d</h2>\n<!-- /wp:heading -->\n\n", s, i)
			fmt.Fprintf(&c, "<!-- wp:paragraph -->\n<p>%s <a href=\"http://big.example/post-%d/\">related</a></p>\n<!-- /wp:paragraph -->\n\n", para, (i%n)+1)
			c.WriteString("<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>Apply generously</li>\n<!-- /wp:list-item --><!-- wp:list-item -->\n<li>Reapply after swimming</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->\n\n")
		}
		fmt.Fprintf(w, `<item><title><![CDATA[Post %d]]></title><link>http://big.example/post-%d/</link><dc:creator><![CDATA[writer]]></dc:creator>
<guid isPermaLink="false">http://big.example/?p=%d</guid><content:encoded><![CDATA[%s]]></content:encoded><excerpt:encoded><![CDATA[Summary %d]]></excerpt:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date><![CDATA[2024-01-02 10:00:00]]></wp:post_date><wp:post_date_gmt><![CDATA[2024-01-02 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[post-%d]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="sun-care"><![CDATA[Sun care]]></category>
<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_content><![CDATA[Thanks]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type></wp:comment>
</item>
`, i, i, i, c.String(), i, i, i, i)
	}
	fmt.Fprint(w, "</channel></rss>\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// streamPeak reads (and, if convert, converts) every item of the file and
// returns the item count and the highest HeapAlloc seen after any item.
func streamPeak(t testing.TB, path string, convert bool) (int, uint64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	rd := NewReader(f)
	c := NewConverter(nil)
	n := 0
	for {
		it, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if convert {
			if _, err := c.Convert(it); err != nil {
				t.Fatal(err)
			}
		}
		n++
		if n%10 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	return n, peak
}

// TestStreamingMemoryIsBounded reads a generated 5,000-post export and checks
// that the heap never holds more than a fraction of the file: the reader
// keeps one item at a time.
func TestStreamingMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 25 MB file")
	}
	path := filepath.Join(t.TempDir(), "big.xml")
	size := writeLargeExport(t, path, 5000)
	n, peak := streamPeak(t, path, false)
	if n != 5000 {
		t.Fatalf("read %d items", n)
	}
	t.Logf("file %.1f MB, peak heap %.1f MB", float64(size)/1e6, float64(peak)/1e6)
	if peak > uint64(size)/3 {
		t.Errorf("peak heap %d bytes for a %d-byte file: the reader is holding items", peak, size)
	}
}

func benchmarkStream(b *testing.B, convert bool) {
	path := filepath.Join(b.TempDir(), "big.xml")
	size := writeLargeExport(b, path, 5000)
	b.SetBytes(size)
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		_, p := streamPeak(b, path, convert)
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(size)/1e6, "file-MB")
}

// BenchmarkRead5000Posts measures reading a generated 5,000-post export.
func BenchmarkRead5000Posts(b *testing.B) { benchmarkStream(b, false) }

// BenchmarkReadConvert5000Posts measures reading and converting it to Markdown.
func BenchmarkReadConvert5000Posts(b *testing.B) { benchmarkStream(b, true) }
