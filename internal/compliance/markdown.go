package compliance

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// mdParser is configured like internal/render's goldmark (CommonMark plus
// tables, strikethrough and task lists), so the checker sees the same
// document structure the public page is rendered from. render also turns on
// goldmark's Linkify, which makes bare http(s):// and www. URLs in text into
// links; it is the slowest part of parsing, so here the text segments are
// scanned for bare URLs instead (addText), with the same result: the URL is
// a link, not prose. Only the parser is used; it is safe for concurrent use.
var mdParser = goldmark.New(goldmark.WithExtensions(
	extension.NewTable(),
	extension.Strikethrough,
	extension.TaskList,
)).Parser()

// mdImage is an image found in Markdown or HTML, with byte ranges into the
// source. alt is empty (start == end) when there is none.
type mdImage struct {
	alt, src, title span
	// altIsText: the alt text is also one of the document's text segments,
	// so the general text rules already see it.
	altIsText bool
}

// seg is a byte range of visible text; brk says a new block starts with it.
type seg struct {
	start, end int
	brk        bool
}

// mdDoc is what the goldmark walk found in one text part.
type mdDoc struct {
	segs   []seg // text the reader sees, in source order
	images []mdImage
	links  []span // link destinations
	titles []span // link and image titles (prose, but outside the sentence)
}

// ExtractImagesAndLinks returns the images (Markdown `![alt](src "title")`
// and HTML <img>) and links (inline and reference links, autolinks, bare
// http(s) and www. URLs, HTML <a href>) of md as goldmark parses it, in
// document order. Unused reference definitions are not links on the page and
// are not returned. The image title is returned as its Caption.
func ExtractImagesAndLinks(md string) (images []Image, links []string) {
	d := parseMarkdown(md)
	for _, im := range d.images {
		images = append(images, Image{Src: md[im.src.start:im.src.end], Alt: md[im.alt.start:im.alt.end], Caption: md[im.title.start:im.title.end]})
	}
	for _, l := range d.links {
		links = append(links, md[l.start:l.end])
	}
	return images, links
}

// parseMarkdown walks goldmark's AST of s. What is rendered is text:
// paragraphs, headings, list items, table cells, link text, image alt text,
// and also code spans and code blocks (fenced with ``` or ~~~, or indented),
// because the public page shows them verbatim. Raw HTML is dropped by the
// renderer, but its text (a <figcaption>, say) and its <img>/<a> attributes
// are checked anyway: it is part of the revision a doctor signs off, and a
// caption is written to be read.
func parseMarkdown(s string) *mdDoc {
	src := []byte(s)
	root := mdParser.Parse(text.NewReader(src))
	w := &mdWalk{s: s, src: src, d: &mdDoc{}}
	_ = ast.Walk(root, w.visit)
	d := w.d
	sort.SliceStable(d.links, func(a, b int) bool { return d.links[a].start < d.links[b].start })
	sort.SliceStable(d.images, func(a, b int) bool { return d.images[a].src.start < d.images[b].src.start })
	return d
}

type mdWalk struct {
	s      string
	src    []byte
	d      *mdDoc
	brk    bool // the next segment starts a block
	cursor int  // end of the last segment seen
	// starts of the open links and images: index into d.segs
	open []int
	code int // depth of code spans

}

func (w *mdWalk) add(a, b int) {
	if b <= a {
		return
	}
	w.d.segs = append(w.d.segs, seg{a, b, w.brk})
	w.brk = false
	w.cursor = max(w.cursor, b)
}

// offsetOf returns the offset of b in the source when b is a sub-slice of it.
func (w *mdWalk) offsetOf(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	off := cap(w.src) - cap(b)
	if off < 0 || off+len(b) > len(w.src) || &w.src[off] != &b[0] {
		return 0, false
	}
	return off, true
}

// find locates needle in the source, first after from, then anywhere.
func (w *mdWalk) find(needle string, from int) (span, bool) {
	if needle == "" {
		return span{}, false
	}
	if from < len(w.s) {
		if k := strings.Index(w.s[from:], needle); k >= 0 {
			return span{from + k, from + k + len(needle)}, true
		}
	}
	if k := strings.Index(w.s, needle); k >= 0 {
		return span{k, k + len(needle)}, true
	}
	return span{}, false
}

func (w *mdWalk) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if n.Type() == ast.TypeBlock {
		w.brk = true
	}
	switch n := n.(type) {
	case *ast.Text:
		if entering {
			w.addText(n.Segment.Start, n.Segment.Stop, len(w.open) == 0 && w.code == 0)
		}
	case *ast.CodeSpan:
		if entering {
			w.code++
		} else {
			w.code--
		}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		if entering {
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				l := lines.At(i)
				w.brk = true
				w.addMaskedURLs(l.Start, l.Stop)
			}
		}
		return ast.WalkSkipChildren, nil
	case *ast.HTMLBlock:
		if entering {
			lines := n.Lines()
			if lines.Len() > 0 {
				end := lines.At(lines.Len() - 1).Stop
				if n.HasClosure() {
					end = max(end, n.ClosureLine.Stop)
				}
				w.scanHTML(lines.At(0).Start, end)
			}
		}
		return ast.WalkSkipChildren, nil
	case *ast.RawHTML:
		if entering {
			for i := 0; i < n.Segments.Len(); i++ {
				sg := n.Segments.At(i)
				w.scanHTML(sg.Start, sg.Stop)
			}
		}
		return ast.WalkSkipChildren, nil
	case *ast.AutoLink:
		if entering {
			if off, ok := w.offsetOf(n.Label(w.src)); ok {
				l := span{off, off + len(n.Label(w.src))}
				w.d.links = append(w.d.links, l)
				w.cursor = max(w.cursor, l.end)
			}
		}
		return ast.WalkSkipChildren, nil
	case *ast.Link:
		if entering {
			w.open = append(w.open, len(w.d.segs))
			return ast.WalkContinue, nil
		}
		w.open = w.open[:len(w.open)-1]
		if l, ok := w.find(string(n.Destination), w.cursor); ok {
			w.d.links = append(w.d.links, l)
			w.cursor = max(w.cursor, l.end)
			if t, ok := w.find(string(n.Title), l.end); ok {
				w.d.titles = append(w.d.titles, t)
			}
		}
	case *ast.Image:
		if entering {
			w.open = append(w.open, len(w.d.segs))
			return ast.WalkContinue, nil
		}
		first := w.open[len(w.open)-1]
		w.open = w.open[:len(w.open)-1]
		im := mdImage{altIsText: true}
		if first < len(w.d.segs) {
			im.alt = span{w.d.segs[first].start, w.d.segs[len(w.d.segs)-1].end}
		}
		if l, ok := w.find(string(n.Destination), w.cursor); ok {
			im.src = l
			w.cursor = max(w.cursor, l.end)
			if t, ok := w.find(string(n.Title), l.end); ok {
				im.title = t
				w.d.titles = append(w.d.titles, t)
			}
		} else {
			im.src = span{w.cursor, w.cursor}
		}
		w.d.images = append(w.d.images, im)
	}
	return ast.WalkContinue, nil
}

// addMaskedURLs adds s[a:b] as text, leaving out bare URLs.
func (w *mdWalk) addMaskedURLs(a, b int) { w.scanURLs(a, b, false) }

// addText adds a text node's s[a:b]; its bare URLs are links (as goldmark's
// Linkify makes them on the page) when record is set.
func (w *mdWalk) addText(a, b int, record bool) { w.scanURLs(a, b, record) }

func (w *mdWalk) scanURLs(a, b int, record bool) {
	s := w.s
	from := a
	for i := a; i < b; i++ {
		c := s[i]
		if (c == 'h' || c == 'H' || c == 'w' || c == 'W') && (i == 0 || !isWordByte(s[i-1])) {
			if e := bareURLEnd(s[:b], i); e > 0 {
				w.add(from, i)
				if record {
					w.d.links = append(w.d.links, span{i, e})
				}
				i, from = e-1, e
			}
		}
	}
	w.add(from, b)
}

// scanHTML adds the text between the tags of s[a:b] (a new block at each
// line), and records <img> and <a> attributes.
func (w *mdWalk) scanHTML(a, b int) {
	s := w.s[:b]
	from := a
	flush := func(to int) {
		for from < to {
			nl := strings.IndexByte(s[from:to], '\n')
			if nl < 0 {
				w.addMaskedURLs(from, to)
				from = to
				break
			}
			w.addMaskedURLs(from, from+nl)
			w.brk = true
			from += nl + 1
		}
	}
	for i := a; i < b; i++ {
		if s[i] != '<' {
			continue
		}
		if e := htmlTagEnd(s, i); e > 0 {
			flush(i)
			parseHTMLTag(s, i, e, w.d)
			if isBlockTag(s[i:e]) {
				w.brk = true
			}
			i, from = e-1, e
			w.cursor = max(w.cursor, e)
		}
	}
	flush(b)
}

// isBlockTag reports tags that start a new text block (p, div, figcaption,
// li, br, headings, ...), so that text on either side is not one sentence.
func isBlockTag(tag string) bool {
	t := strings.ToLower(strings.TrimLeft(tag, "</"))
	for _, n := range []string{"p", "div", "br", "li", "ul", "ol", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "section", "blockquote", "caption", "img", "hr"} {
		if strings.HasPrefix(t, n) && (len(t) == len(n) || !isAlnum(t[len(n)])) {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '/' || c == '.' || c >= 0x80
}

// htmlTagEnd returns the index after the '>' of an HTML tag or comment at i.
func htmlTagEnd(s string, i int) int {
	if i+1 >= len(s) {
		return -1
	}
	if strings.HasPrefix(s[i:], "<!--") {
		if e := strings.Index(s[i+4:], "-->"); e >= 0 {
			return i + 4 + e + 3
		}
		return -1
	}
	c := s[i+1]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!') {
		return -1
	}
	inQ := byte(0)
	for j := i + 1; j < len(s); j++ {
		switch {
		case inQ != 0:
			if s[j] == inQ {
				inQ = 0
			}
		case s[j] == '"' || s[j] == '\'':
			inQ = s[j]
		case s[j] == '>':
			return j + 1
		case s[j] == '<':
			return -1
		}
	}
	return -1
}

// parseHTMLTag records <img src alt title> and <a href> from the tag s[i:end].
func parseHTMLTag(s string, i, end int, d *mdDoc) {
	j := i + 1
	for j < end && s[j] != ' ' && s[j] != '>' && s[j] != '/' && s[j] != '\n' {
		j++
	}
	name := strings.ToLower(s[i+1 : j])
	if name != "img" && name != "a" {
		return
	}
	attrs := map[string]span{}
	for j < end {
		for j < end && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '/') {
			j++
		}
		ns := j
		for j < end && s[j] != '=' && s[j] != ' ' && s[j] != '>' {
			j++
		}
		an := strings.ToLower(s[ns:j])
		if j >= end || s[j] != '=' {
			j++
			continue
		}
		j++
		if j < end && (s[j] == '"' || s[j] == '\'') {
			q := s[j]
			e := strings.IndexByte(s[j+1:end], q)
			if e < 0 {
				return
			}
			attrs[an] = span{j + 1, j + 1 + e}
			j = j + 2 + e
		} else {
			vs := j
			for j < end && s[j] != ' ' && s[j] != '>' {
				j++
			}
			attrs[an] = span{vs, j}
		}
	}
	if name == "a" {
		if h, ok := attrs["href"]; ok {
			d.links = append(d.links, h)
		}
		return
	}
	if src, ok := attrs["src"]; ok {
		d.images = append(d.images, mdImage{alt: attrs["alt"], src: src, title: attrs["title"]})
		if t := attrs["title"]; t.end > t.start {
			d.titles = append(d.titles, t)
		}
	}
}

// bareURLEnd returns the end of a bare http(s):// or www. URL at i, or -1.
func bareURLEnd(s string, i int) int {
	rest := s[i:]
	n := 0
	switch {
	case hasPrefixFold(rest, "https://"):
		n = 8
	case hasPrefixFold(rest, "http://"):
		n = 7
	case hasPrefixFold(rest, "www."):
		n = 4
	default:
		return -1
	}
	j := i + n
	for j < len(s) {
		c := s[j]
		if c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' {
			break
		}
		j++
	}
	// Trailing punctuation belongs to the sentence, not the URL.
	for j > i+n {
		c := s[j-1]
		if c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*' || c == '_' {
			j--
			continue
		}
		if c == ')' && strings.Count(s[i:j], "(") < strings.Count(s[i:j], ")") {
			j--
			continue
		}
		break
	}
	if j <= i+n {
		return -1
	}
	return j
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
