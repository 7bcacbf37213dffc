package theme_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clinicpress/clinicpress/internal/theme"
	"github.com/clinicpress/clinicpress/themes"
)

// writeTheme copies the embedded theme from into dir/name and applies edits
// (file name -> new content; "" deletes the file).
func writeTheme(t *testing.T, dir, name, from string, edits map[string]string) {
	t.Helper()
	dst := filepath.Join(dir, name)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if from != "" {
		entries, err := themes.FS.ReadDir(from)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			b, err := themes.FS.ReadFile(from + "/" + en.Name())
			if err != nil {
				t.Fatal(err)
			}
			if en.Name() == "theme.json" {
				b = bytes.Replace(b, []byte(`"name": "`+from+`"`), []byte(`"name": "`+name+`"`), 1)
			}
			if err := os.WriteFile(filepath.Join(dst, en.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for f, content := range edits {
		p := filepath.Join(dst, f)
		if content == "" {
			os.Remove(p)
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOverrideReplacesAndAdds(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "clinical", "clinical", map[string]string{
		"notfound.html": `{{define "content"}}<h1>Lost? Our own 404</h1>{{end}}`,
	})
	writeTheme(t, dir, "harbour", "serene", nil)
	e, err := theme.New(themes.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(e.Names(), ","); got != "clinical,harbour,serene" {
		t.Errorf("Names() = %s", got)
	}
	if err := e.Validate("harbour"); err != nil {
		t.Errorf("Validate(harbour): %v", err)
	}
	out := render(t, e, "clinical", theme.PageNotFound, theme.Sample(theme.PageNotFound))
	if !bytes.Contains(out, []byte("Lost? Our own 404")) {
		t.Error("override of clinical is not used")
	}
	for _, info := range e.Themes() {
		if info.Name == "clinical" && info.Source != dir {
			t.Errorf("clinical source = %q, want %q", info.Source, dir)
		}
	}
}

func TestBrokenOverrideKeepsEmbedded(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "clinical", "clinical", map[string]string{
		"article.html": `{{define "content"}}<h1>{{.Article.Title}</h1>{{end}}`, // syntax error
	})
	writeTheme(t, dir, "broken", "serene", map[string]string{
		"home.html": `{{define "content"}}<h1>{{.List.NoSuchField}}</h1>{{end}}`, // fails at execution
	})
	writeTheme(t, dir, "partial", "", map[string]string{
		"theme.json": `{"name":"partial","description":"no templates"}`,
	})
	e, err := theme.New(themes.FS, dir)
	if err != nil {
		t.Fatalf("New must not fail on broken overrides: %v", err)
	}
	broken := e.Broken()
	for _, n := range []string{"clinical", "broken", "partial"} {
		if broken[n] == nil {
			t.Errorf("Broken() lacks %s: %v", n, broken)
		}
	}
	// The embedded clinical theme is still served and selectable.
	if err := e.Validate("clinical"); err != nil {
		t.Errorf("Validate(clinical) = %v, want the embedded theme to stay valid", err)
	}
	out := render(t, e, "clinical", theme.PageArticle, theme.Sample(theme.PageArticle))
	if !bytes.Contains(out, []byte("Medically reviewed by")) {
		t.Error("embedded clinical article page not rendered")
	}
	for name, want := range map[string]string{
		"broken":  "NoSuchField",
		"partial": "style.css",
	} {
		err := e.Validate(name)
		if !errors.Is(err, theme.ErrBrokenTheme) || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%s) = %v, want ErrBrokenTheme mentioning %q", name, err, want)
		}
		if err := e.Render(io.Discard, name, theme.PageHome, theme.Sample(theme.PageHome)); err == nil {
			t.Errorf("Render with broken theme %s succeeded", name)
		}
	}
	if !strings.Contains(broken["clinical"].Error(), "article.html") {
		t.Errorf("syntax error does not name the file: %v", broken["clinical"])
	}
}

func TestExtends(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "pink", "", map[string]string{
		"theme.json": `{"name":"pink","description":"clinical with other colours","extends":"clinical","primary":"#ff69b4"}`,
		"style.css":  `body{background:#fff0f6}`,
	})
	writeTheme(t, dir, "orphan", "", map[string]string{
		"theme.json": `{"name":"orphan","description":"x","extends":"nope"}`,
	})
	e, err := theme.New(themes.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Validate("pink"); err != nil {
		t.Fatalf("Validate(pink): %v", err)
	}
	v := theme.Sample(theme.PageHome)
	v.Site.PrimaryColor = ""
	out := render(t, e, "pink", theme.PageHome, v)
	if !bytes.Contains(out, []byte("body{background:#fff0f6}")) || !bytes.Contains(out, []byte(`class="cards"`)) {
		t.Error("pink does not combine its CSS with clinical's templates")
	}
	if bytes.Contains(out, []byte("--primary:#ff69b4")) {
		t.Error("theme default colour was not darkened for contrast")
	}
	if err := e.Validate("orphan"); err == nil || !strings.Contains(err.Error(), "extends") {
		t.Errorf("Validate(orphan) = %v", err)
	}
}

func TestValidateUnknown(t *testing.T) {
	e := newEngine(t)
	err := e.Validate("neon")
	if !errors.Is(err, theme.ErrUnknownTheme) || !strings.Contains(err.Error(), "clinical, serene") {
		t.Errorf("Validate(neon) = %v, want ErrUnknownTheme listing the themes", err)
	}
}

func TestRenderErrors(t *testing.T) {
	e := newEngine(t)
	var b bytes.Buffer
	if err := e.Render(&b, "clinical", "contact", theme.Sample(theme.PageHome)); !errors.Is(err, theme.ErrUnknownPage) {
		t.Errorf("unknown page: %v", err)
	}
	v := theme.Sample(theme.PageArticle)
	v.Article = nil
	if err := e.Render(&b, "clinical", theme.PageArticle, v); !errors.Is(err, theme.ErrIncomplete) || !strings.Contains(err.Error(), "View.Article") {
		t.Errorf("missing article: %v", err)
	}
	if err := e.Render(&b, "clinical", theme.PageHome, nil); !errors.Is(err, theme.ErrIncomplete) {
		t.Errorf("nil view: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("failed renders wrote %d bytes", b.Len())
	}
	// A search page without a query renders just the form.
	v = theme.Sample(theme.PageSearch)
	v.Search = nil
	if err := e.Render(&b, "serene", theme.PageSearch, v); err != nil {
		t.Errorf("search without a query: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := theme.New(themes.FS, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("New with a missing override dir succeeded")
	}
	if _, err := theme.New(os.DirFS(t.TempDir()), ""); err == nil {
		t.Error("New without any theme succeeded")
	}
}

func TestReload(t *testing.T) {
	dir := t.TempDir()
	e, err := theme.New(themes.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	writeTheme(t, dir, "late", "clinical", nil)
	if err := e.Validate("late"); err == nil {
		t.Fatal("late exists before Reload")
	}
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := e.Validate("late"); err != nil {
		t.Errorf("after Reload: %v", err)
	}
	os.RemoveAll(filepath.Join(dir, "late"))
	if err := e.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := e.Validate("late"); !errors.Is(err, theme.ErrUnknownTheme) {
		t.Errorf("removed theme still valid: %v", err)
	}
}

func TestConcurrentRender(t *testing.T) {
	e := newEngine(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 20 {
				page := allPages[(i+j)%len(allPages)]
				v := theme.Sample(page)
				v.Site.PrimaryColor = []string{"#ff0", "#123456", "#2a7de1", ""}[j%4]
				name := e.Names()[i%2]
				if err := e.Render(io.Discard, name, page, v); err != nil {
					t.Error(err)
				}
				if i == 0 && j%5 == 0 {
					if err := e.Reload(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestPrimaryColourIsAccessible(t *testing.T) {
	e := newEngine(t)
	v := theme.Sample(theme.PageHome)
	v.Site.PrimaryColor = "#ffff00"
	out := string(render(t, e, "clinical", theme.PageHome, v))
	i := strings.Index(out, "--primary:")
	if i < 0 {
		t.Fatal("no --primary")
	}
	hex := out[i+len("--primary:") : i+len("--primary:")+7]
	c, err := theme.ParseHex(hex)
	if err != nil {
		t.Fatal(err)
	}
	if r := theme.Contrast(c, theme.RGB{R: 255, G: 255, B: 255}); r < theme.MinContrast {
		t.Errorf("--primary %s has contrast %.2f on white", hex, r)
	}
}
