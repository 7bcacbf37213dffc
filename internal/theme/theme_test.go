package theme_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/clinicpress/clinicpress/internal/theme"
	"github.com/clinicpress/clinicpress/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// allPages are the pages every embedded theme renders.
var allPages = []string{
	theme.PageHome, theme.PageArticle, theme.PageTag, theme.PageDoctor,
	theme.PageDoctors, theme.PageSearch, theme.PageNotFound,
}

func newEngine(t testing.TB) *theme.Engine {
	t.Helper()
	e, err := theme.New(themes.FS, "")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func render(t testing.TB, e *theme.Engine, name, page string, v *theme.View) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := e.Render(&b, name, page, v); err != nil {
		t.Fatalf("Render(%s, %s): %v", name, page, err)
	}
	return b.Bytes()
}

func TestEmbeddedThemes(t *testing.T) {
	e := newEngine(t)
	names := e.Names()
	if len(names) < 2 || names[0] != "clinical" || names[1] != "serene" {
		t.Fatalf("Names() = %v, want clinical and serene first", names)
	}
	for _, n := range names {
		if err := e.Validate(n); err != nil {
			t.Errorf("Validate(%s): %v", n, err)
		}
	}
	for _, info := range e.Themes() {
		if info.Description == "" || info.Source != "embedded" {
			t.Errorf("Themes(): %+v lacks a description or is not embedded", info)
		}
	}
	if len(e.Broken()) != 0 {
		t.Errorf("Broken() = %v, want none", e.Broken())
	}
}

// TestGolden compares every page of every embedded theme, rendered from the
// fixture, with testdata/golden/<theme>/<page>.html. Run with -update after an
// intended change and review the diff.
func TestGolden(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		for _, page := range allPages {
			t.Run(name+"/"+page, func(t *testing.T) {
				got := render(t, e, name, page, theme.Sample(page))
				path := filepath.Join("testdata", "golden", name, page+".html")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/theme -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the rendered page; run go test ./internal/theme -update and review the diff", path)
				}
			})
		}
	}
}

func TestThemeCSSIsSmall(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		css, err := themes.FS.ReadFile(name + "/style.css")
		if err != nil {
			t.Fatal(err)
		}
		if len(css) >= 8<<10 {
			t.Errorf("%s/style.css is %d bytes, want < 8 KB", name, len(css))
		}
	}
}

func BenchmarkRenderArticle(b *testing.B) {
	e := newEngine(b)
	v := theme.Sample(theme.PageArticle)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := e.Render(&buf, "clinical", theme.PageArticle, v); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
