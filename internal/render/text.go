package render

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// maxSlugRunes bounds an anchor's length; long headings still get a usable id.
const maxSlugRunes = 64

// slugify makes an anchor from heading text: lower case, letters, marks and
// numbers of any script kept, every other run of characters one hyphen.
// Text with nothing usable gives "section".
func slugify(s string) string {
	var b strings.Builder
	n := 0
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if n >= maxSlugRunes {
			break
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			hyphen = false
			b.WriteRune(r)
			n++
			continue
		}
		hyphen = true
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// idSet hands out unique anchors: the slug itself, then slug-2, slug-3, ...
// It remembers the next suffix per slug, so n equal headings cost O(n).
type idSet struct {
	used map[string]bool
	next map[string]int
}

func newIDSet() *idSet {
	return &idSet{used: map[string]bool{}, next: map[string]int{}}
}

func (s *idSet) unique(slug string) string {
	id := slug
	if s.used[id] {
		i := max(s.next[slug], 2)
		for ; s.used[slug+"-"+strconv.Itoa(i)]; i++ {
		}
		id = slug + "-" + strconv.Itoa(i)
		s.next[slug] = i + 1
	}
	s.used[id] = true
	return id
}

// textWriter collects the readable text of a subtree: block boundaries become
// line breaks, raw HTML, images and task boxes are left out.
type textWriter struct {
	b   strings.Builder
	src []byte
}

func (t *textWriter) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		t.b.Write(n.Segment.Value(t.src))
		if n.SoftLineBreak() || n.HardLineBreak() {
			t.b.WriteByte(' ')
		}
		return
	case *ast.String:
		t.b.Write(n.Value)
		return
	case *ast.AutoLink:
		t.b.Write(n.Label(t.src))
		return
	case *ast.RawHTML, *ast.HTMLBlock, *ast.Image, *east.TaskCheckBox:
		return
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			t.b.Write(seg.Value(t.src))
		}
		t.b.WriteByte('\n')
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		t.node(c)
	}
	switch n.(type) {
	case *east.TableCell:
		t.b.WriteByte(' ')
	default:
		if n.Type() == ast.TypeBlock {
			t.b.WriteByte('\n')
		}
	}
}

// plainText returns the text of the given nodes, one line per block, with
// runs of spaces collapsed and empty lines dropped, and its word count.
func plainText(src []byte, nodes ...ast.Node) (string, int) {
	t := textWriter{src: src}
	for _, n := range nodes {
		t.node(n)
	}
	return tidyText(t.b.String())
}

// inlineText is plainText for a single line of inline content (a heading or
// a bold question), folded onto one line.
func inlineText(src []byte, nodes ...ast.Node) string {
	s, _ := plainText(src, nodes...)
	return strings.ReplaceAll(s, "\n", " ")
}

// tidyText collapses each run of white space to one space, or to one line
// break if the run held one, trims both ends, and counts the words (the
// runs of non-space, as strings.Fields sees them). Like the HTML side, it
// turns NUL and invalid UTF-8 into U+FFFD.
func tidyText(s string) (string, int) {
	var b strings.Builder
	b.Grow(len(s))
	words := 0
	inWord := false
	var gap byte
	for _, r := range s {
		if r == 0 {
			r = '\uFFFD'
		}
		if unicode.IsSpace(r) {
			if r == '\n' {
				gap = '\n'
			} else if gap == 0 {
				gap = ' '
			}
			inWord = false
			continue
		}
		if !inWord {
			if words > 0 {
				b.WriteByte(gap)
			}
			words++
			inWord = true
			gap = 0
		}
		b.WriteRune(r)
	}
	return b.String(), words
}
