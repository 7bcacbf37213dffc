package render

import (
	"bytes"
	"errors"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxSourceBytes is the largest Markdown source Markdown accepts. A long
// article is a few tens of kilobytes (2,000 words is about 14 KiB); the cap
// bounds the work one input can cause.
const MaxSourceBytes = 256 << 10

// ErrTooLarge is returned by Markdown for sources over MaxSourceBytes.
var ErrTooLarge = errors.New("render: markdown source too large")

// Heading is one h2-h4 heading of a rendered document, for a table of contents.
type Heading struct {
	Level int    // 2, 3 or 4, after demotion
	ID    string // the anchor, unique within the document
	Text  string // the heading's plain text
}

// QA is one question and its answer from a document's FAQ section.
type QA struct {
	Question   string        // plain text
	AnswerHTML template.HTML // sanitised; headings in it carry no ids
	AnswerText string        // plain text, for FAQPage JSON-LD
}

// Document is the result of rendering one Markdown source.
type Document struct {
	HTML     template.HTML // sanitised body; never contains an h1
	Headings []Heading     // h2-h4 in order
	FAQ      []QA          // empty when the document has no FAQ section
	Words    int           // words in Text
	Text     string        // plain text, one line per block, for search and descriptions
}

// Renderer turns Markdown into a Document. Build it once with New; it is
// safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a Renderer with the CommonMark + GFM parser and the sanitising
// policy built.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithRendererOptions(
			// html.WithUnsafe is deliberately absent: raw HTML is dropped,
			// never passed through (see the package doc).
			renderer.WithNodeRenderers(util.Prioritized(taskBoxRenderer{}, 100)),
		),
	)
	return &Renderer{md: md, policy: newPolicy()}
}

// Markdown renders src. It fails with ErrTooLarge or ErrTooComplex (both
// worth showing to the writer) or on an internal rendering error; any other
// input, however hostile, gives safe HTML.
func (r *Renderer) Markdown(src string) (Document, error) {
	if len(src) > MaxSourceBytes {
		return Document{}, ErrTooLarge
	}
	if err := checkShape(src); err != nil {
		return Document{}, err
	}
	// Invalid UTF-8 would pass straight through to the page; replace it
	// up front so HTML, Text and FAQ agree.
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	root := r.md.Parser().Parse(text.NewReader(source))

	headings := prepare(root, source)

	body, err := r.renderNodes(root, source, len(source)+len(source)/2)
	if err != nil {
		return Document{}, err
	}
	plain, words := plainText(source, root)
	doc := Document{
		HTML:     body,
		Headings: headings,
		Text:     plain,
		Words:    words,
	}

	// FAQ extraction moves answer nodes out of the tree, so it runs after
	// the body has been rendered.
	for _, s := range findFAQ(root, source) {
		if s.question == "" {
			continue
		}
		answer, err := r.renderNodes(s.answer, source, 0)
		if err != nil {
			return Document{}, err
		}
		text, _ := plainText(source, s.answer)
		if text == "" {
			continue // a question without an answer is no FAQ entry
		}
		doc.FAQ = append(doc.FAQ, QA{Question: s.question, AnswerHTML: answer, AnswerText: text})
	}
	return doc, nil
}

// renderNodes renders a subtree and sanitises the result; size is a
// capacity hint for the buffer.
func (r *Renderer) renderNodes(n ast.Node, source []byte, size int) (template.HTML, error) {
	var buf bytes.Buffer
	buf.Grow(size)
	if err := r.md.Renderer().Render(&buf, source, n); err != nil {
		return "", err
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())), nil
}

// prepare rewrites the tree before rendering: headings are shifted so the
// body has no h1 and get anchors, links and images with forbidden URLs are
// unwrapped to their text, and outbound links get rel="noopener nofollow".
// It returns the h2-h4 headings in document order.
func prepare(root ast.Node, source []byte) []Heading {
	var (
		headings []*ast.Heading
		unwrap   []ast.Node
		hasH1    bool
	)
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
			hasH1 = hasH1 || n.Level == 1
		case *ast.Link:
			// Classify exactly what the HTML renderer will write: the
			// destination with entities resolved and percent-escaped.
			switch classifyURL(string(util.URLEscape(n.Destination, true))) {
			case urlForbidden:
				unwrap = append(unwrap, n)
			case urlOutbound:
				n.SetAttributeString("rel", []byte(relOutbound))
			}
		case *ast.AutoLink:
			url := string(util.URLEscape(n.URL(source), false))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			switch classifyURL(url) {
			case urlForbidden:
				unwrap = append(unwrap, n)
			case urlOutbound:
				n.SetAttributeString("rel", []byte(relOutbound))
			}
		case *ast.Image:
			if k := classifyURL(string(util.URLEscape(n.Destination, true))); k != urlRelative && k != urlOutbound {
				unwrap = append(unwrap, n)
			}
		}
		return ast.WalkContinue, nil
	})

	for _, n := range unwrap {
		unwrapNode(n, source)
	}

	// The page template owns the only h1. If the author used "#", every
	// heading moves down one level so the outline keeps its shape.
	ids := newIDSet()
	var out []Heading
	for _, h := range headings {
		if hasH1 && h.Level < 6 {
			h.Level++
		}
		if h.Level < 2 || h.Level > 4 {
			continue
		}
		txt := inlineText(source, h)
		id := ids.unique(slugify(txt))
		h.SetAttributeString("id", []byte(id))
		out = append(out, Heading{Level: h.Level, ID: id, Text: txt})
	}
	return out
}

// unwrapNode replaces a link or image by its visible text.
func unwrapNode(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n := n.(type) {
	case *ast.AutoLink:
		parent.InsertBefore(parent, n, ast.NewString(n.Label(source)))
	case *ast.Image:
		// An image's children are its alt text.
		var alt []ast.Node
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			alt = append(alt, c)
		}
		if txt := inlineText(source, alt...); txt != "" {
			parent.InsertBefore(parent, n, ast.NewString([]byte(txt)))
		}
	default:
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
	}
	parent.RemoveChild(parent, n)
}

// taskBoxRenderer draws GFM task-list boxes as text instead of <input>
// elements, so the output contains no form controls at all.
type taskBoxRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (taskBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if n.(*east.TaskCheckBox).IsChecked {
				_, _ = w.WriteString("\u2611 ")
			} else {
				_, _ = w.WriteString("\u2610 ")
			}
		}
		return ast.WalkContinue, nil
	})
}
