package render

import (
	"os"
	"testing"
)

func loadArticle(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/article.md")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestArticle checks that the benchmark input is what the benchmark claims:
// about 2,000 words with a table and a six-question FAQ.
func TestArticle(t *testing.T) {
	d := mustRender(t, New(), loadArticle(t))
	if d.Words < 1900 || d.Words > 2600 {
		t.Errorf("article has %d words, want about 2,000", d.Words)
	}
	if len(d.FAQ) != 6 {
		t.Errorf("article FAQ has %d entries, want 6", len(d.FAQ))
	}
	if len(d.Headings) < 15 {
		t.Errorf("article has %d headings", len(d.Headings))
	}
}

// BenchmarkMarkdown renders a realistic 2,000-word article with a table,
// lists, links and an FAQ section.
func BenchmarkMarkdown(b *testing.B) {
	src := loadArticle(b)
	r := New()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Markdown(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkdownParallel is BenchmarkMarkdown from all CPUs on one
// shared Renderer, the way the public site uses it.
func BenchmarkMarkdownParallel(b *testing.B) {
	src := loadArticle(b)
	r := New()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Markdown(src); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
