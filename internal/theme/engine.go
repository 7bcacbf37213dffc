// Package theme owns the public-site presentation layer: it loads theme
// folders (embedded ones plus an optional override directory), validates them
// against a fixture, and renders the View model of a page to HTML. It knows
// nothing about the database or HTTP; handlers build a View and call Render.
package theme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Page names accepted by Render.
const (
	PageHome     = "home"     // latest articles; needs View.List
	PageArticle  = "article"  // one article; needs View.Article
	PageTag      = "tag"      // articles of a topic; needs View.List
	PageDoctor   = "doctor"   // a doctor's profile; needs View.Doctor
	PageDoctors  = "doctors"  // all doctors; uses View.Doctors (optional in a theme)
	PageSearch   = "search"   // search form and results; uses View.Search
	PageNotFound = "notfound" // friendly 404 page
)

// DefaultTheme is the theme a clinic gets until it picks another.
const DefaultTheme = "clinical"

// requiredPages must exist in every theme; optionalPages may.
var (
	requiredPages = []string{PageHome, PageArticle, PageTag, PageDoctor, PageSearch, PageNotFound}
	optionalPages = []string{PageDoctors}
)

// Errors returned (wrapped) by the Engine; test them with errors.Is.
var (
	ErrUnknownTheme = errors.New("unknown theme")
	ErrUnknownPage  = errors.New("unknown page")
	ErrBrokenTheme  = errors.New("broken theme")
	ErrIncomplete   = errors.New("incomplete view")
)

var themeName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// Info describes a loaded theme.
type Info struct {
	Name        string // folder name, used to select the theme
	Description string // one line for humans, from theme.json
	Source      string // "embedded" or the override directory it came from
}

// manifest is the content of theme.json.
type manifest struct {
	Name        string   `json:"name"`        // must equal the folder name
	Description string   `json:"description"` // shown in the admin
	Extends     string   `json:"extends"`     // embedded theme that supplies missing files
	Primary     string   `json:"primary"`     // default brand colour
	Surfaces    []string `json:"surfaces"`    // backgrounds the brand colour is drawn on, besides white
}

// loaded is one parsed and validated theme.
type loaded struct {
	info     Info
	primary  string
	surfaces []RGB
	css      template.CSS
	pages    map[string]*template.Template
}

// Engine renders pages with named themes. It is safe for concurrent use.
type Engine struct {
	embedded    fs.FS
	overrideDir string

	mu     sync.RWMutex
	themes map[string]*loaded
	broken map[string]error

	colourMu    sync.Mutex
	colourCache map[colourKey]colours

	bufs sync.Pool
}

type colourKey struct {
	theme *loaded
	hex   string
}

type colours struct{ primary, soft template.CSS }

// New loads and validates every theme folder at the root of embedded, then
// those in overrideDir (which may be ""). A folder in overrideDir replaces the
// embedded theme of the same name or adds a new one. A broken embedded theme
// makes New fail; a broken override theme is logged, listed by Broken and
// reported by Validate, and an embedded theme of that name stays in use.
func New(embedded fs.FS, overrideDir string) (*Engine, error) {
	e := &Engine{embedded: embedded, overrideDir: overrideDir, colourCache: map[colourKey]colours{}}
	e.bufs.New = func() any { return new(bytes.Buffer) }
	base := map[string]*loaded{}
	dirs, err := themeDirs(embedded)
	if err != nil {
		return nil, fmt.Errorf("theme: read embedded themes: %w", err)
	}
	for _, d := range dirs {
		t, err := load(embedded, d, "embedded", nil)
		if err != nil {
			return nil, err
		}
		base[d] = t
	}
	if len(base) == 0 {
		return nil, errors.New("theme: no embedded themes found")
	}
	themes, broken, err := e.withOverrides(base)
	if err != nil {
		return nil, err
	}
	e.themes, e.broken = themes, broken
	return e, nil
}

// Reload re-reads the override directory, keeping the embedded themes. On
// error (the directory cannot be read) the previous themes stay in use.
func (e *Engine) Reload() error {
	base := map[string]*loaded{}
	e.mu.RLock()
	for n, t := range e.themes {
		if t.info.Source == "embedded" {
			base[n] = t
		}
	}
	e.mu.RUnlock()
	// Embedded themes shadowed by an override are not in e.themes; load them again.
	dirs, err := themeDirs(e.embedded)
	if err != nil {
		return fmt.Errorf("theme: read embedded themes: %w", err)
	}
	for _, d := range dirs {
		if base[d] == nil {
			t, err := load(e.embedded, d, "embedded", nil)
			if err != nil {
				return err
			}
			base[d] = t
		}
	}
	themes, broken, err := e.withOverrides(base)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.themes, e.broken = themes, broken
	e.mu.Unlock()
	e.colourMu.Lock()
	clear(e.colourCache)
	e.colourMu.Unlock()
	return nil
}

// withOverrides returns base plus the themes of the override directory.
func (e *Engine) withOverrides(base map[string]*loaded) (map[string]*loaded, map[string]error, error) {
	themes := make(map[string]*loaded, len(base))
	for n, t := range base {
		themes[n] = t
	}
	broken := map[string]error{}
	if e.overrideDir == "" {
		return themes, broken, nil
	}
	ofs := os.DirFS(e.overrideDir)
	dirs, err := themeDirs(ofs)
	if err != nil {
		return nil, nil, fmt.Errorf("theme: read override dir %s: %w", e.overrideDir, err)
	}
	for _, d := range dirs {
		t, err := load(ofs, d, e.overrideDir, func(name string) (fs.FS, string, bool) {
			if base[name] == nil {
				return nil, "", false
			}
			return e.embedded, name, true
		})
		if err != nil {
			broken[d] = err
			if base[d] != nil {
				slog.Warn("theme override is broken; keeping the embedded theme", "theme", d, "err", err)
			} else {
				slog.Warn("theme override is broken; it cannot be selected", "theme", d, "err", err)
			}
			continue
		}
		themes[d] = t
	}
	return themes, broken, nil
}

// themeDirs lists the folders at the root of fsys that contain a theme.json.
func themeDirs(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, en := range entries {
		if !en.IsDir() || strings.HasPrefix(en.Name(), ".") {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(en.Name(), "theme.json")); err == nil {
			dirs = append(dirs, en.Name())
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// parentFunc finds the folder of a theme named in "extends".
type parentFunc func(name string) (fs.FS, string, bool)

// load parses theme folder dir of fsys and renders every page against the
// fixture, so that a theme that loads is known to render.
func load(fsys fs.FS, dir, source string, parent parentFunc) (*loaded, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("theme %q (%s): %w: %s", dir, source, ErrBrokenTheme, fmt.Sprintf(format, args...))
	}
	if !themeName.MatchString(dir) {
		return nil, fail("folder name must be lower-case letters, digits and dashes")
	}
	raw, err := fs.ReadFile(fsys, path.Join(dir, "theme.json"))
	if err != nil {
		return nil, fail("%v", err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fail("theme.json: %v", err)
	}
	if m.Name != dir {
		return nil, fail("theme.json: name %q must equal the folder name", m.Name)
	}
	var pfs fs.FS
	var pdir string
	if m.Extends != "" {
		ok := false
		if parent != nil {
			pfs, pdir, ok = parent(m.Extends)
		}
		if !ok {
			return nil, fail("theme.json: extends %q, which is not an embedded theme", m.Extends)
		}
	}
	read := func(name string) ([]byte, bool, error) {
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) && pfs != nil {
			b, err = fs.ReadFile(pfs, path.Join(pdir, name))
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return b, true, nil
	}
	t := &loaded{
		info:    Info{Name: dir, Description: m.Description, Source: source},
		primary: "#1f5f99",
		pages:   map[string]*template.Template{},
	}
	if m.Primary != "" {
		if _, err := ParseHex(m.Primary); err != nil {
			return nil, fail("theme.json: primary: %v", err)
		}
		t.primary = m.Primary
	}
	for _, s := range m.Surfaces {
		c, err := ParseHex(s)
		if err != nil {
			return nil, fail("theme.json: surfaces: %v", err)
		}
		t.surfaces = append(t.surfaces, c)
	}
	css, ok, err := read("style.css")
	if err != nil {
		return nil, fail("style.css: %v", err)
	}
	if !ok {
		return nil, fail("style.css is missing")
	}
	if bytes.Contains(bytes.ToLower(css), []byte("</style")) {
		return nil, fail("style.css must not contain </style")
	}
	t.css = template.CSS(css)

	layout, ok, err := read("layout.html")
	if err != nil {
		return nil, fail("layout.html: %v", err)
	}
	if !ok {
		return nil, fail("layout.html is missing")
	}
	root := template.New("layout.html").Funcs(funcs)
	if _, err := root.Parse(string(layout)); err != nil {
		return nil, fail("%v", err)
	}
	if root.Lookup("layout") == nil {
		return nil, fail("layout.html must define a template named \"layout\"")
	}
	if partials, ok, err := read("partials.html"); err != nil {
		return nil, fail("partials.html: %v", err)
	} else if ok {
		if _, err := root.New("partials.html").Parse(string(partials)); err != nil {
			return nil, fail("%v", err)
		}
	}
	for _, p := range slices.Concat(requiredPages, optionalPages) {
		src, ok, err := read(p + ".html")
		if err != nil {
			return nil, fail("%s.html: %v", p, err)
		}
		if !ok {
			if slices.Contains(requiredPages, p) {
				return nil, fail("%s.html is missing", p)
			}
			continue
		}
		pt, err := root.Clone()
		if err != nil {
			return nil, fail("%v", err)
		}
		if _, err := pt.New(p + ".html").Parse(string(src)); err != nil {
			return nil, fail("%v", err)
		}
		t.pages[p] = pt
	}
	// Render every page against the fixture and a few edge cases, so that
	// execution errors (a misspelt field, a bad function call) show up now.
	for p := range t.pages {
		for i, v := range fixtures(p) {
			if err := t.execute(io.Discard, p, v, t.colours(v.Site.PrimaryColor)); err != nil {
				return nil, fail("%s.html against fixture %d: %v", p, i, err)
			}
		}
	}
	return t, nil
}

// fixtures returns the views a theme must render without error for page p.
func fixtures(p string) []*View {
	full := Sample(p)
	preview := Sample(p)
	preview.Page.Preview = &Preview{RevisionNumber: 3, ExpiresAt: sampleTime(2026, 3, 1)}
	bare := Sample(p)
	bare.Site = Site{Name: "Clinic", BaseURL: "https://clinic.example"}
	bare.Page = Page{Title: "Page"}
	bare.Nav = nil
	if bare.Article != nil {
		bare.Article = &ArticleView{Title: "Article", URL: "https://clinic.example/articles/a"}
	}
	if bare.List != nil {
		bare.List = &ListView{Heading: "Articles"}
	}
	if bare.Doctor != nil {
		bare.Doctor = &DoctorView{Name: "Doctor"}
	}
	bare.Doctors = nil
	if p == PageSearch {
		bare.Search = nil
	}
	return []*View{full, preview, bare}
}

// colours derives the page's CSS colours from the clinic's brand colour.
func (t *loaded) colours(hex string) colours {
	p := AccessibleColor(hex, t.primary, t.surfaces...)
	soft := Mix(p, RGB{255, 255, 255}, 0.9)
	return colours{primary: template.CSS(p.Hex()), soft: template.CSS(soft.Hex())}
}

// data is what the layout and page templates see: the View plus values the
// engine derives from it.
type data struct {
	*View
	PageName    string       // page being rendered, e.g. "article"
	Theme       string       // theme name
	CSS         template.CSS // the theme's style.css
	Primary     template.CSS // clinic colour darkened to reach 4.5:1 on white and theme surfaces
	PrimarySoft template.CSS // a light tint of Primary for backgrounds behind dark text
	Lang        string       // Site.Lang or "en"
	FullTitle   string       // Page.Title followed by the site name
	Description string       // Page.Description or Site.Tagline
	NoIndex     bool         // Page.NoIndex or a preview
	OGType      string       // Page.OGType or "website"
	LogoAlt     string       // Site.LogoAlt or Site.Name
	HomeURL     string       // Site.BaseURL + "/"
	SearchURL   string       // Site.BaseURL + "/search"
}

func (t *loaded) execute(w io.Writer, page string, v *View, c colours) error {
	tmpl := t.pages[page]
	if tmpl == nil {
		return fmt.Errorf("theme %q has no %q page: %w", t.info.Name, page, ErrUnknownPage)
	}
	if err := complete(page, v); err != nil {
		return err
	}
	d := &data{
		View: v, PageName: page, Theme: t.info.Name, CSS: t.css,
		Primary: c.primary, PrimarySoft: c.soft,
		Lang: v.Site.Lang, Description: v.Page.Description, OGType: v.Page.OGType,
		NoIndex: v.Page.NoIndex || v.Page.Preview != nil, LogoAlt: v.Site.LogoAlt,
		HomeURL: v.Site.BaseURL + "/", SearchURL: v.Site.BaseURL + "/search",
	}
	if d.Lang == "" {
		d.Lang = "en"
	}
	if d.Description == "" {
		d.Description = v.Site.Tagline
	}
	if d.OGType == "" {
		d.OGType = "website"
	}
	if d.LogoAlt == "" {
		d.LogoAlt = v.Site.Name
	}
	switch {
	case v.Page.Title == "" || v.Page.Title == v.Site.Name:
		d.FullTitle = v.Site.Name
	case v.Site.Name == "":
		d.FullTitle = v.Page.Title
	default:
		d.FullTitle = v.Page.Title + " | " + v.Site.Name
	}
	return tmpl.ExecuteTemplate(w, "layout", d)
}

// complete reports whether v carries what page needs.
func complete(page string, v *View) error {
	if v == nil {
		return fmt.Errorf("theme: nil view: %w", ErrIncomplete)
	}
	missing := ""
	switch page {
	case PageArticle:
		if v.Article == nil {
			missing = "Article"
		}
	case PageHome, PageTag:
		if v.List == nil {
			missing = "List"
		}
	case PageDoctor:
		if v.Doctor == nil {
			missing = "Doctor"
		}
	}
	if missing != "" {
		return fmt.Errorf("theme: page %q needs View.%s: %w", page, missing, ErrIncomplete)
	}
	return nil
}

func (e *Engine) lookup(name string) (*loaded, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if t := e.themes[name]; t != nil {
		return t, nil
	}
	if err := e.broken[name]; err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("theme %q: %w (available: %s)", name, ErrUnknownTheme, strings.Join(e.namesLocked(), ", "))
}

// Names lists the selectable themes, sorted.
func (e *Engine) Names() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.namesLocked()
}

func (e *Engine) namesLocked() []string {
	names := make([]string, 0, len(e.themes))
	for n := range e.themes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Themes describes the selectable themes, sorted by name.
func (e *Engine) Themes() []Info {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Info, 0, len(e.themes))
	for _, n := range e.namesLocked() {
		out = append(out, e.themes[n].info)
	}
	return out
}

// Broken returns the override themes that failed to load, by folder name. An
// embedded theme of the same name, if any, is used instead.
func (e *Engine) Broken() map[string]error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make(map[string]error, len(e.broken))
	for n, err := range e.broken {
		out[n] = err
	}
	return out
}

// Validate reports whether a clinic may select the theme called name. It
// returns an ErrUnknownTheme error for a name no theme has, and an
// ErrBrokenTheme error (with the parse or execution failure) for an override
// theme that failed to load and has no working theme of the same name.
// Every theme that loaded was rendered against the fixture, so nil means
// Render works for every page the theme has.
func (e *Engine) Validate(name string) error {
	_, err := e.lookup(name)
	return err
}

// Render writes page of theme for v to w. page is one of the Page* constants.
// Nothing is written when an error is returned, so a caller may still send an
// error page.
func (e *Engine) Render(w io.Writer, theme, page string, v *View) error {
	t, err := e.lookup(theme)
	if err != nil {
		return err
	}
	if v == nil {
		return complete(page, v)
	}
	buf := e.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			e.bufs.Put(buf)
		}
	}()
	if err := t.execute(buf, page, v, e.colours(t, v.Site.PrimaryColor)); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// colours caches the derived colours per theme and brand colour.
func (e *Engine) colours(t *loaded, hex string) colours {
	k := colourKey{t, hex}
	e.colourMu.Lock()
	defer e.colourMu.Unlock()
	if c, ok := e.colourCache[k]; ok {
		return c
	}
	if len(e.colourCache) >= 4096 {
		clear(e.colourCache)
	}
	c := t.colours(hex)
	e.colourCache[k] = c
	return c
}
