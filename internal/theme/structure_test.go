package theme_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/theme"
	"golang.org/x/net/html"
)

// doc is a parsed page with helpers for structural assertions.
type doc struct{ root *html.Node }

func parse(t *testing.T, b []byte) doc {
	t.Helper()
	n, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc{n}
}

// all returns the elements for which match is true, in document order.
func (d doc) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range d.root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

func (d doc) tag(name string) []*html.Node {
	return d.all(func(n *html.Node) bool { return n.Data == name })
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func metaContent(d doc, key, name string) (string, bool) {
	for _, m := range d.tag("meta") {
		if v, _ := attr(m, key); v == name {
			c, _ := attr(m, "content")
			return c, true
		}
	}
	return "", false
}

// variants are the views each page is checked with besides the plain fixture.
func variants(page string) map[string]*theme.View {
	noindex := theme.Sample(page)
	noindex.Page.NoIndex = true
	preview := theme.Sample(page)
	preview.Page.Preview = &theme.Preview{RevisionNumber: 4}
	empty := theme.Sample(page)
	empty.Page.JSONLD = nil
	if empty.List != nil {
		empty.List.Articles, empty.List.NextURL, empty.List.PrevURL = nil, "", ""
	}
	if empty.Search != nil {
		empty.Search.Results, empty.Search.Total = nil, 0
	}
	if empty.Article != nil {
		empty.Article.Headings, empty.Article.FAQ, empty.Article.ReviewOverdue = nil, nil, false
	}
	return map[string]*theme.View{"fixture": theme.Sample(page), "noindex": noindex, "preview": preview, "empty": empty}
}

func TestPageStructure(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		for _, page := range allPages {
			for vname, v := range variants(page) {
				t.Run(name+"/"+page+"/"+vname, func(t *testing.T) {
					out := render(t, e, name, page, v)
					checkStructure(t, parse(t, out), out, v)
					if page == theme.PageArticle {
						checkArticle(t, parse(t, out), v)
					}
				})
			}
		}
	}
}

func checkStructure(t *testing.T, d doc, raw []byte, v *theme.View) {
	t.Helper()
	if n := len(d.tag("h1")); n != 1 {
		t.Errorf("%d h1 elements, want exactly 1", n)
	}
	if lang, _ := attr(d.tag("html")[0], "lang"); lang == "" {
		t.Error("html has no lang")
	}
	for _, name := range []string{"header", "main", "footer", "nav"} {
		if len(d.tag(name)) == 0 {
			t.Errorf("no <%s>", name)
		}
	}
	if n := len(d.tag("main")); n != 1 {
		t.Errorf("%d main elements, want 1", n)
	}
	if len(d.tag("title")) != 1 || strings.TrimSpace(text(d.tag("title")[0])) == "" {
		t.Error("missing or empty title")
	}
	if c, ok := metaContent(d, "name", "description"); !ok || c == "" {
		t.Error("missing meta description")
	}
	if c, _ := metaContent(d, "name", "viewport"); !strings.Contains(c, "width=device-width") {
		t.Error("missing viewport meta")
	}

	// Skip link first, pointing at an existing element.
	ids := map[string]bool{}
	for _, n := range d.all(func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
		id, _ := attr(n, "id")
		if ids[id] {
			t.Errorf("duplicate id %q", id)
		}
		ids[id] = true
	}
	links := d.tag("a")
	if href, _ := attr(links[0], "href"); !strings.HasPrefix(href, "#") || !ids[href[1:]] {
		t.Errorf("first link %q is not a skip link to an existing target", href)
	}
	for _, a := range links {
		href, _ := attr(a, "href")
		if strings.HasPrefix(href, "#") && !ids[href[1:]] {
			t.Errorf("in-page link %q has no target", href)
		}
		if strings.TrimSpace(text(a)) == "" {
			t.Errorf("link %q has no text", href)
		}
	}
	for _, img := range d.tag("img") {
		if _, ok := attr(img, "alt"); !ok {
			t.Errorf("img %v has no alt", img.Attr)
		}
	}

	// Robots, canonical, social tags.
	noindex := v.Page.NoIndex || v.Page.Preview != nil
	robots, hasRobots := metaContent(d, "name", "robots")
	if noindex != (hasRobots && strings.Contains(robots, "noindex")) {
		t.Errorf("noindex meta present=%v, want %v", hasRobots, noindex)
	}
	var canon []string
	for _, l := range d.tag("link") {
		rel, _ := attr(l, "rel")
		href, _ := attr(l, "href")
		switch rel {
		case "canonical":
			canon = append(canon, href)
		case "stylesheet", "preload", "preconnect", "dns-prefetch":
			t.Errorf("link rel=%s %s: pages must not load anything", rel, href)
		}
	}
	if len(canon) != 1 || canon[0] != v.Page.Canonical {
		t.Errorf("canonical = %v, want [%s]", canon, v.Page.Canonical)
	}
	for _, p := range []string{"og:title", "og:description", "og:url", "og:type", "og:site_name"} {
		if c, ok := metaContent(d, "property", p); !ok || c == "" {
			t.Errorf("missing %s", p)
		}
	}
	for _, p := range []string{"twitter:card", "twitter:title", "twitter:description"} {
		if _, ok := metaContent(d, "name", p); !ok {
			t.Errorf("missing %s", p)
		}
	}

	// Scripts: only JSON-LD, one per Page.JSONLD entry, each valid JSON.
	var ld int
	for _, s := range d.tag("script") {
		typ, _ := attr(s, "type")
		if typ != "application/ld+json" {
			t.Errorf("script of type %q: pages need no JavaScript", typ)
			continue
		}
		if _, ok := attr(s, "src"); ok {
			t.Error("external script")
		}
		ld++
		if !json.Valid([]byte(text(s))) {
			t.Errorf("JSON-LD is not valid JSON: %s", text(s))
		}
	}
	if ld != len(v.Page.JSONLD) {
		t.Errorf("%d JSON-LD scripts, want %d", ld, len(v.Page.JSONLD))
	}

	// No inline handlers, no external styles or fonts.
	for _, n := range d.all(func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s>: inline event handler", n.Data, a.Key)
			}
			if a.Key == "style" {
				t.Errorf("<%s style>: use the theme stylesheet", n.Data)
			}
		}
	}
	styles := d.tag("style")
	if len(styles) != 1 {
		t.Fatalf("%d style elements, want the inlined theme CSS", len(styles))
	}
	css := strings.ToLower(text(styles[0]))
	for _, bad := range []string{"@import", "url(", "@font-face"} {
		if strings.Contains(css, bad) {
			t.Errorf("inlined CSS contains %q: no external requests", bad)
		}
	}
	if !strings.Contains(css, "--primary:#") {
		t.Error("inlined CSS lacks the --primary custom property")
	}

	// Preview banner iff previewing.
	status := d.all(func(n *html.Node) bool { r, _ := attr(n, "role"); return r == "status" })
	banner := false
	for _, s := range status {
		if strings.Contains(text(s), "Preview") {
			banner = true
		}
	}
	if banner != (v.Page.Preview != nil) {
		t.Errorf("preview banner shown=%v, want %v", banner, v.Page.Preview != nil)
	}
	if bytes.Contains(raw, []byte("ZgotmplZ")) {
		t.Error("output contains ZgotmplZ: a value was rejected by html/template")
	}
}

func checkArticle(t *testing.T, d doc, v *theme.View) {
	t.Helper()
	a := v.Article
	body := text(d.tag("body")[0])
	body = strings.Join(strings.Fields(body), " ")
	for _, want := range []string{
		a.Title, "Written by " + a.Author.Name,
		"Medically reviewed by Dr " + a.Reviewer.Name + " (registration number " + a.Reviewer.RegistrationNumber + ", " + a.Reviewer.Specialty + ") on 8 January 2025",
		"Last reviewed", "8 January 2025",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %q", want)
		}
	}
	var profile bool
	for _, l := range d.tag("a") {
		if href, _ := attr(l, "href"); href == a.Reviewer.ProfileURL {
			profile = true
		}
	}
	if !profile {
		t.Error("no link to the reviewer's profile")
	}
	var reviewedTime bool
	for _, tm := range d.tag("time") {
		if dt, _ := attr(tm, "datetime"); dt == "2025-01-08" {
			reviewedTime = true
		}
	}
	if !reviewedTime {
		t.Error("no <time datetime> for the review date")
	}
	toc := d.all(func(n *html.Node) bool { c, _ := attr(n, "class"); return n.Data == "nav" && c == "toc" })
	if (len(a.Headings) >= 3) != (len(toc) == 1) {
		t.Errorf("table of contents shown=%v with %d headings", len(toc) == 1, len(a.Headings))
	}
	if len(d.tag("details")) != len(a.FAQ) {
		t.Errorf("%d details for %d FAQ entries", len(d.tag("details")), len(a.FAQ))
	}
	if a.ReviewOverdue != strings.Contains(body, "regular medical review") {
		t.Errorf("overdue notice shown=%v, want %v", !a.ReviewOverdue, a.ReviewOverdue)
	}
	if len(d.tag("article")) == 0 || len(d.tag("aside")) == 0 {
		t.Error("article page needs <article> and <aside>")
	}
}

func TestListPagination(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		d := parse(t, render(t, e, name, theme.PageTag, theme.Sample(theme.PageTag)))
		rels := map[string]bool{}
		for _, a := range d.tag("a") {
			rel, _ := attr(a, "rel")
			rels[rel] = true
		}
		if !rels["prev"] || !rels["next"] {
			t.Errorf("%s tag page: rel=prev/next links missing: %v", name, rels)
		}
	}
}

func TestSearchForm(t *testing.T) {
	e := newEngine(t)
	for _, name := range e.Names() {
		for _, page := range []string{theme.PageSearch, theme.PageNotFound} {
			d := parse(t, render(t, e, name, page, theme.Sample(page)))
			forms := d.tag("form")
			if len(forms) != 1 {
				t.Fatalf("%s %s: %d forms", name, page, len(forms))
			}
			if m, _ := attr(forms[0], "method"); m != "get" {
				t.Errorf("%s %s: method %q", name, page, m)
			}
			in := d.all(func(n *html.Node) bool { v, _ := attr(n, "name"); return n.Data == "input" && v == "q" })
			if len(in) != 1 {
				t.Fatalf("%s %s: no input named q", name, page)
			}
			id, _ := attr(in[0], "id")
			labelled := false
			for _, l := range d.tag("label") {
				if f, _ := attr(l, "for"); f == id && id != "" {
					labelled = true
				}
			}
			if !labelled {
				t.Errorf("%s %s: search input has no label", name, page)
			}
		}
		d := parse(t, render(t, e, name, theme.PageSearch, theme.Sample(theme.PageSearch)))
		var count bool
		for _, s := range d.all(func(n *html.Node) bool { r, _ := attr(n, "role"); return r == "status" }) {
			if strings.Contains(text(s), "1 article found") {
				count = true
			}
		}
		if !count {
			t.Errorf("%s: result count is not announced in a role=status element", name)
		}
		nf := render(t, e, name, theme.PageNotFound, theme.Sample(theme.PageNotFound))
		if !bytes.Contains(nf, []byte(`href="`+theme.SampleBaseURL+`/"`)) {
			t.Errorf("%s: 404 page has no link home", name)
		}
	}
}
