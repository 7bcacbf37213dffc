package wxr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Issue kinds: what could not be converted, by family.
const (
	// IssueUnknownBlock is a Gutenberg block this package does not know; its
	// HTML, if any, was converted as plain HTML and needs checking.
	IssueUnknownBlock = "unknown-block"
	// IssueEmbed is an embed block or [embed] shortcode; it became a link.
	IssueEmbed = "embed"
	// IssueCustomHTML is a Custom HTML block; what of it is plain HTML was
	// converted, other elements are reported as IssueHTML.
	IssueCustomHTML = "custom-html"
	// IssueShortcode is a shortcode other than [caption] and [gallery]; it
	// was left out (its enclosed text, if any, was kept).
	IssueShortcode = "shortcode"
	// IssueHTML is an element Markdown cannot carry (iframe, script, form,
	// video, ...); it was left out.
	IssueHTML = "html"
	// IssueMissingAttachment is a [gallery] id that is not in the export.
	IssueMissingAttachment = "missing-attachment"
	// IssueMissingBlock is a reusable block whose content is not in the
	// export (or includes itself).
	IssueMissingBlock = "missing-block"
)

// Issue is one thing in an item that was not converted as it was.
type Issue struct {
	Kind string
	// Detail names it: the block name, the shortcode, the element with its
	// source, and what was done with it.
	Detail string
}

// Image is one image the converted content shows.
type Image struct {
	// Src is the URL in the WordPress content (possibly a resized copy).
	Src string
	// AttachmentID is the WordPress attachment id, 0 when unknown.
	AttachmentID int64
	Alt          string
	Caption      string
	// Ref is what ImageRef returned and what the Markdown carries.
	Ref string
	// Gallery is set for images that were part of a gallery.
	Gallery bool
}

// Link is one link in the content, as passed to LinkRef.
type Link struct {
	URL string
	// Rewritten is the new destination when LinkRef said ok.
	Rewritten string
	OK        bool
}

// FAQ is one question of an FAQ section and the plain text of its answer.
type FAQ struct {
	Question string
	Answer   string
}

// Result is the converted content of one item.
type Result struct {
	Markdown string
	// Editor is "block" for Gutenberg content, "classic" otherwise.
	Editor string
	Images []Image
	Links  []Link
	FAQ    []FAQ
	Issues []Issue
}

// Converter turns WordPress content into ClinicPress Markdown. Its fields
// are optional; set them before the first Convert. A Converter may be used
// from several goroutines at once.
type Converter struct {
	// Index resolves [gallery] ids and images without a wp-image class.
	Index *Index
	// ImageRef maps an image's WordPress URL and attachment id (0 if
	// unknown) to the destination written in the Markdown. Nil keeps src.
	ImageRef func(src string, attachmentID int64) string
	// LinkRef maps a link's URL to its new destination; ok false keeps the
	// URL as it is. Nil keeps every URL.
	LinkRef func(url string) (string, bool)

	once sync.Once
	md   *converter.Converter
}

// NewConverter returns a Converter that resolves attachments through ix
// (which may be nil).
func NewConverter(ix *Index) *Converter {
	return &Converter{Index: ix}
}

func newMarkdown() *converter.Converter {
	return converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(
			commonmark.WithHeadingStyle(commonmark.HeadingStyleATX),
			commonmark.WithBulletListMarker("-"),
			commonmark.WithHorizontalRule("---"),
			commonmark.WithListEndComment(false),
		),
		strikethrough.NewStrikethroughPlugin(),
		table.NewTablePlugin(
			table.WithNewlineBehavior(table.NewlineBehaviorPreserve),
			table.WithSpanCellBehavior(table.SpanBehaviorMirror),
			table.WithHeaderPromotion(true),
		),
	))
}

// Convert converts an item's content.
func (c *Converter) Convert(it *Item) (*Result, error) {
	return c.ConvertContent(it.Content, it.ID)
}

// ConvertContent converts WordPress post content; itemID is the item the
// content belongs to (for [gallery] without ids), or 0.
func (c *Converter) ConvertContent(content string, itemID int64) (*Result, error) {
	c.once.Do(func() { c.md = newMarkdown() })
	run := &conversion{c: c, res: &Result{Editor: "classic"}, itemID: itemID}
	var h string
	if hasBlocks(content) {
		run.res.Editor = "block"
		var b strings.Builder
		for _, bl := range parseBlocks(content) {
			b.WriteString(run.renderBlock(bl))
			b.WriteByte('\n')
		}
		h = b.String()
	} else {
		h = run.classic(content)
	}
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><head></head><body>" + h + "</body></html>"))
	if err != nil {
		return nil, fmt.Errorf("wxr: parse content: %w", err)
	}
	body := findElement(doc, atom.Body)
	if body == nil {
		return nil, fmt.Errorf("wxr: parse content: no body")
	}
	run.removeUnsupported(body)
	flattenContainers(body)
	run.figures(body)
	run.images(body)
	run.links(body)
	cites(body)
	scripts(body)
	tableCells(body)
	dropEmptyParagraphs(body)
	run.faq(body)
	md, err := c.md.ConvertNode(doc)
	if err != nil {
		return nil, fmt.Errorf("wxr: markdown: %w", err)
	}
	run.res.Markdown = strings.TrimSpace(string(md)) + "\n"
	if strings.TrimSpace(string(md)) == "" {
		run.res.Markdown = ""
	}
	return run.res, nil
}

// PlainText returns the text of an HTML fragment (an excerpt, a title),
// with tags removed and entities decoded.
func PlainText(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return fragment
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(textOf(n))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// conversion is the state of one ConvertContent call.
type conversion struct {
	c      *Converter
	res    *Result
	itemID int64
	// depth counts nested reusable blocks, against one that includes itself.
	depth int
}

func (r *conversion) issue(kind, format string, args ...any) {
	r.res.Issues = append(r.res.Issues, Issue{Kind: kind, Detail: fmt.Sprintf(format, args...)})
}

// knownBlocks are converted by their saved HTML alone.
var knownBlocks = map[string]bool{
	"core/paragraph": true, "core/heading": true, "core/list": true, "core/list-item": true,
	"core/quote": true, "core/pullquote": true, "core/table": true, "core/preformatted": true,
	"core/code": true, "core/verse": true, "core/separator": true, "core/group": true,
	"core/columns": true, "core/column": true, "core/image": true, "core/gallery": true,
	"core/buttons": true, "core/button": true, "core/file": true, "core/media-text": true,
	"core/details": true, "core/row": true, "core/stack": true, "core/cover": true,
	"core/audio": true, "core/video": true,
}

// silentBlocks carry no content.
var silentBlocks = map[string]bool{"core/spacer": true, "core/more": true, "core/nextpage": true}

func (r *conversion) renderBlock(b *block) string {
	switch {
	case b.name == "" || b.name == "core/freeform":
		return r.classic(b.innerText())
	case silentBlocks[b.name]:
		return ""
	case b.name == "core/shortcode":
		return r.shortcodes(b.innerText())
	case b.name == "core/html":
		r.issue(IssueCustomHTML, "%s: plain HTML converted, anything else listed separately", b.name)
		return b.innerHTMLWith(r)
	case b.name == "core/embed" || strings.HasPrefix(b.name, "core-embed/"):
		u := b.attrString("url")
		if u == "" {
			u = strings.TrimSpace(PlainText(b.innerText()))
		}
		r.issue(IssueEmbed, "%s %s: kept as a link", b.name, u)
		if u == "" {
			return ""
		}
		return `<p><a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a></p>`
	case b.name == "yoast/faq-block" || b.name == "yoast-seo/faq-block":
		return r.yoastFAQ(b.innerHTMLWith(r))
	case b.name == "core/block":
		ref := b.attrInt("ref")
		var content string
		ok := false
		if r.c.Index != nil {
			content, ok = r.c.Index.Blocks[ref]
		}
		if !ok || r.depth >= 5 {
			r.issue(IssueMissingBlock, "%s ref %d: reusable block missing from the export or nested too deep, left out", b.name, ref)
			return ""
		}
		r.depth++
		defer func() { r.depth-- }()
		var s strings.Builder
		for _, inner := range parseBlocks(content) {
			s.WriteString(r.renderBlock(inner))
			s.WriteByte('\n')
		}
		return s.String()
	case b.name == "core/image":
		h := b.innerHTMLWith(r)
		if id := b.attrInt("id"); id > 0 && !strings.Contains(h, "wp-image-") {
			h = strings.Replace(h, "<img ", `<img data-wp-id="`+strconv.FormatInt(id, 10)+`" `, 1)
		}
		return h
	case knownBlocks[b.name]:
		return b.innerHTMLWith(r)
	default:
		h := b.innerHTMLWith(r)
		if strings.TrimSpace(h) == "" {
			r.issue(IssueUnknownBlock, "%s: dynamic block with no saved content, left out", b.name)
		} else {
			r.issue(IssueUnknownBlock, "%s: its saved HTML was converted as plain HTML", b.name)
		}
		return h
	}
}

// innerText is the block's own HTML without nested blocks.
func (b *block) innerText() string {
	var s strings.Builder
	for _, p := range b.parts {
		if t, ok := p.(string); ok {
			s.WriteString(t)
		}
	}
	return s.String()
}

// innerHTMLWith renders the block's HTML with nested blocks converted.
func (b *block) innerHTMLWith(r *conversion) string {
	var s strings.Builder
	for _, p := range b.parts {
		switch v := p.(type) {
		case string:
			s.WriteString(v)
		case *block:
			s.WriteString(r.renderBlock(v))
		}
	}
	return s.String()
}

// classic converts classic-editor content: shortcodes, then paragraphs.
func (r *conversion) classic(s string) string {
	return autop(r.shortcodes(s))
}

// shortcodes replaces [caption] and [gallery] with figures and reports and
// removes every other shortcode (keeping the text an enclosing one wraps).
func (r *conversion) shortcodes(s string) string {
	var out strings.Builder
	pos := 0
	for {
		sc, ok := nextShortcode(s, pos)
		if !ok {
			out.WriteString(s[pos:])
			break
		}
		out.WriteString(s[pos:sc.start])
		pos = sc.end
		if sc.escaped {
			out.WriteString(sc.content)
			continue
		}
		switch strings.ToLower(sc.name) {
		case "caption", "wp_caption":
			out.WriteString(r.caption(sc))
		case "gallery":
			out.WriteString(r.gallery(sc))
		case "embed":
			u := strings.TrimSpace(sc.content)
			r.issue(IssueEmbed, "[embed] %s: kept as a link", u)
			out.WriteString(`<p><a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a></p>`)
		default:
			raw := sc.raw(s)
			if sc.closed {
				raw = s[sc.start:strings.Index(s[sc.start:], "]")+sc.start+1] + "…[/" + sc.name + "]"
				r.issue(IssueShortcode, "%s: left out, the text it enclosed was kept", raw)
				out.WriteString(r.shortcodes(sc.content))
			} else {
				r.issue(IssueShortcode, "%s: left out", raw)
			}
		}
	}
	return out.String()
}

// caption turns [caption id="attachment_N" ...]<img/> text[/caption] into
// <figure><img/><figcaption>text</figcaption></figure>.
func (r *conversion) caption(sc shortcode) string {
	nodes, err := html.ParseFragment(strings.NewReader(sc.content), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return sc.content
	}
	fig := &html.Node{Type: html.ElementNode, DataAtom: atom.Figure, Data: "figure"}
	id := strings.TrimPrefix(sc.attrs["id"], "attachment_")
	if id != "" {
		fig.Attr = append(fig.Attr, html.Attribute{Key: "data-wp-id", Val: id})
	}
	capt := &html.Node{Type: html.ElementNode, DataAtom: atom.Figcaption, Data: "figcaption"}
	seenImage := false
	for _, n := range nodes {
		if !seenImage && (n.DataAtom == atom.Img || n.DataAtom == atom.A && findElement(n, atom.Img) != nil) {
			fig.AppendChild(n)
			seenImage = true
			continue
		}
		capt.AppendChild(n)
	}
	if c := sc.attrs["caption"]; c != "" && capt.FirstChild == nil {
		capt.AppendChild(&html.Node{Type: html.TextNode, Data: c})
	}
	fig.AppendChild(capt)
	var b strings.Builder
	_ = html.Render(&b, fig)
	return "\n" + b.String() + "\n"
}

// gallery turns [gallery ids="1,2"] (or a bare [gallery], the item's own
// attachments) into a gallery figure.
func (r *conversion) gallery(sc shortcode) string {
	var atts []Attachment
	ids := strings.FieldsFunc(firstNonEmpty(sc.attrs["ids"], sc.attrs["include"]), func(r rune) bool { return r == ',' || r == ' ' })
	if len(ids) == 0 && r.c.Index != nil && r.itemID != 0 {
		atts = r.c.Index.ChildAttachments(r.itemID)
	}
	for _, s := range ids {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			continue
		}
		var a Attachment
		ok := false
		if r.c.Index != nil {
			a, ok = r.c.Index.Attachment(id)
		}
		if !ok {
			r.issue(IssueMissingAttachment, "[gallery] image %d is not in the export", id)
			continue
		}
		atts = append(atts, a)
	}
	if len(atts) == 0 {
		r.issue(IssueShortcode, "[gallery]: no images found, left out")
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<figure class=\"wp-block-gallery\">")
	for _, a := range atts {
		fmt.Fprintf(&b, `<figure><img src="%s" alt="%s" data-wp-id="%d">`, html.EscapeString(a.URL), html.EscapeString(a.Alt), a.ID)
		if a.Caption != "" {
			b.WriteString("<figcaption>" + html.EscapeString(a.Caption) + "</figcaption>")
		}
		b.WriteString("</figure>")
	}
	b.WriteString("</figure>\n")
	return b.String()
}

// unsupported elements are reported and left out.
var unsupported = map[atom.Atom]bool{
	atom.Iframe: true, atom.Script: true, atom.Style: true, atom.Form: true, atom.Object: true,
	atom.Embed: true, atom.Video: true, atom.Audio: true, atom.Canvas: true, atom.Svg: true,
	atom.Noscript: true, atom.Input: true, atom.Select: true, atom.Textarea: true,
	atom.Button: true, atom.Map: true, atom.Applet: true, atom.Frame: true, atom.Frameset: true,
	atom.Template: true, atom.Link: true, atom.Meta: true, atom.Math: true, atom.Dialog: true,
}

func (r *conversion) removeUnsupported(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && (unsupported[c.DataAtom] || c.DataAtom == 0 && c.Data == "svg") {
			r.issue(IssueHTML, "%s: left out", describe(c))
			n.RemoveChild(c)
		} else {
			r.removeUnsupported(c)
		}
		c = next
	}
}

// describe names an element for a report: its tag and its source or action.
func describe(n *html.Node) string {
	d := "<" + n.Data
	for _, k := range []string{"src", "action", "data", "href", "title"} {
		if v := attr(n, k); v != "" {
			d += " " + k + `="` + v + `"`
			break
		}
	}
	d += ">"
	if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
		if t := strings.TrimSpace(textOf(n)); t != "" {
			if len(t) > 60 {
				t = t[:60] + "…"
			}
			d += " " + t
		}
	}
	return d
}

// flattenContainers replaces wrapper elements (div, section, ...) at the top
// level by their children, so headings inside a group block are top-level
// in the Markdown (which is how html-to-markdown renders them anyway) and
// the FAQ pass sees them.
func flattenContainers(body *html.Node) {
	for changed := true; changed; {
		changed = false
		for c := body.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				switch c.DataAtom {
				case atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer, atom.Aside, atom.Nav:
					wrapInline(c)
					for gc := c.FirstChild; gc != nil; {
						gn := gc.NextSibling
						c.RemoveChild(gc)
						body.InsertBefore(gc, c)
						gc = gn
					}
					body.RemoveChild(c)
					changed = true
				}
			}
			c = next
		}
	}
	wrapInline(body)
}

// blockAtoms are the elements that stand as blocks of their own in Markdown.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Blockquote: true,
	atom.Pre: true, atom.Hr: true, atom.Figure: true, atom.Dl: true, atom.Div: true,
	atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Nav: true, atom.Details: true, atom.Address: true,
}

// wrapInline puts each run of inline content (text, links, images, ...)
// that sits directly in a container into a paragraph of its own, so that
// content of neighbouring wrappers does not run together once the wrappers
// are gone.
func wrapInline(parent *html.Node) {
	var run []*html.Node
	flush := func(before *html.Node) {
		keep := false
		for _, n := range run {
			if n.Type == html.ElementNode || strings.TrimSpace(n.Data) != "" {
				keep = true
			}
		}
		if keep {
			p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
			parent.InsertBefore(p, before)
			for _, n := range run {
				parent.RemoveChild(n)
				p.AppendChild(n)
			}
		}
		run = run[:0]
	}
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.ElementNode && blockAtoms[c.DataAtom]:
			flush(c)
		case c.Type == html.ElementNode || c.Type == html.TextNode:
			run = append(run, c)
		}
		c = next
	}
	flush(nil)
}

// figures rewrites WordPress figures: an image figure becomes a paragraph
// holding the image with its caption in data-caption; a gallery becomes its
// images, one per paragraph, then its caption; a table figure becomes the
// table followed by its caption.
func (r *conversion) figures(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && c.DataAtom == atom.Figure {
			r.figure(c)
		} else {
			r.figures(c)
		}
		c = next
	}
}

func (r *conversion) figure(fig *html.Node) {
	parent := fig.Parent
	capt := directChild(fig, atom.Figcaption)
	if isGallery(fig) {
		var imgs []*html.Node
		collectGalleryImages(fig, &imgs)
		for _, img := range imgs {
			img.Attr = append(img.Attr, html.Attribute{Key: "data-gallery", Val: "1"})
			p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
			p.AppendChild(img)
			parent.InsertBefore(p, fig)
		}
		if capt != nil && strings.TrimSpace(textOf(capt)) != "" {
			parent.InsertBefore(emphasised(capt), fig)
		}
		parent.RemoveChild(fig)
		return
	}
	if tbl := findElement(fig, atom.Table); tbl != nil {
		tbl.Parent.RemoveChild(tbl)
		parent.InsertBefore(tbl, fig)
		if capt != nil && strings.TrimSpace(textOf(capt)) != "" {
			parent.InsertBefore(emphasised(capt), fig)
		}
		parent.RemoveChild(fig)
		return
	}
	img := findElement(fig, atom.Img)
	if img == nil {
		// A figure of something else (a quote, an embed wrapper): keep its
		// content, caption as a paragraph.
		for c := fig.FirstChild; c != nil; {
			next := c.NextSibling
			fig.RemoveChild(c)
			if c == capt {
				if strings.TrimSpace(textOf(c)) != "" {
					parent.InsertBefore(emphasised(c), fig)
				}
			} else {
				parent.InsertBefore(c, fig)
			}
			c = next
		}
		parent.RemoveChild(fig)
		return
	}
	if capt != nil {
		img.Attr = append(img.Attr, html.Attribute{Key: "data-caption", Val: strings.Join(strings.Fields(textOf(capt)), " ")})
	}
	if id := attr(fig, "data-wp-id"); id != "" && attr(img, "data-wp-id") == "" {
		img.Attr = append(img.Attr, html.Attribute{Key: "data-wp-id", Val: id})
	}
	// The image, or the link around it, goes into a paragraph of its own.
	holder := img
	if img.Parent != fig && img.Parent.DataAtom == atom.A {
		holder = img.Parent
	}
	holder.Parent.RemoveChild(holder)
	p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
	p.AppendChild(holder)
	parent.InsertBefore(p, fig)
	parent.RemoveChild(fig)
}

func isGallery(n *html.Node) bool {
	cls := " " + attr(n, "class") + " "
	return strings.Contains(cls, " wp-block-gallery ") || strings.Contains(cls, " gallery ")
}

// collectGalleryImages finds a gallery's images in order, each with the
// caption of its own figure.
func collectGalleryImages(n *html.Node, out *[]*html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Img:
			*out = append(*out, c)
		case atom.Figure:
			img := findElement(c, atom.Img)
			if img == nil {
				continue
			}
			if capt := directChild(c, atom.Figcaption); capt != nil {
				img.Attr = append(img.Attr, html.Attribute{Key: "data-caption", Val: strings.Join(strings.Fields(textOf(capt)), " ")})
			}
			*out = append(*out, img)
		case atom.Figcaption:
		default:
			collectGalleryImages(c, out)
		}
	}
	for _, img := range *out {
		if img.Parent != nil {
			img.Parent.RemoveChild(img)
		}
	}
}

// emphasised moves a caption's children into <p><em>…</em></p>.
func emphasised(capt *html.Node) *html.Node {
	p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
	em := &html.Node{Type: html.ElementNode, DataAtom: atom.Em, Data: "em"}
	p.AppendChild(em)
	for c := capt.FirstChild; c != nil; {
		next := c.NextSibling
		capt.RemoveChild(c)
		em.AppendChild(c)
		c = next
	}
	return p
}

var reWPImage = regexp.MustCompile(`(?:^|\s)wp-image-(\d+)(?:\s|$)`)

// images records every image and rewrites it to ![alt](ref "caption").
func (r *conversion) images(n *html.Node) {
	var imgs []*html.Node
	walk(n, func(e *html.Node) {
		if e.DataAtom == atom.Img {
			imgs = append(imgs, e)
		}
	})
	for _, img := range imgs {
		src := strings.TrimSpace(attr(img, "src"))
		if src == "" || strings.HasPrefix(src, "data:") {
			// Lazy-loading plugins keep the real address elsewhere.
			for _, k := range []string{"data-lazy-src", "data-src", "data-orig-file"} {
				if v := strings.TrimSpace(attr(img, k)); v != "" {
					src = v
					break
				}
			}
		}
		if src == "" || strings.HasPrefix(src, "data:") {
			r.issue(IssueHTML, "<img alt=%q> with no image address: left out", attr(img, "alt"))
			img.Parent.RemoveChild(img)
			continue
		}
		var id int64
		if m := reWPImage.FindStringSubmatch(attr(img, "class")); m != nil {
			id, _ = strconv.ParseInt(m[1], 10, 64)
		}
		for _, k := range []string{"data-wp-id", "data-id"} {
			if v := attr(img, k); id == 0 && v != "" {
				id, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		if id == 0 && r.c.Index != nil {
			id, _ = r.c.Index.AttachmentBySrc(src)
		}
		alt := attr(img, "alt")
		if alt == "" && id != 0 && r.c.Index != nil {
			if a, ok := r.c.Index.Attachment(id); ok {
				alt = a.Alt
			}
		}
		capt := attr(img, "data-caption")
		ref := src
		if r.c.ImageRef != nil {
			ref = r.c.ImageRef(src, id)
		}
		r.res.Images = append(r.res.Images, Image{Src: src, AttachmentID: id, Alt: alt, Caption: capt, Ref: ref, Gallery: attr(img, "data-gallery") != ""})
		img.Attr = []html.Attribute{{Key: "src", Val: ref}, {Key: "alt", Val: alt}}
		if capt != "" {
			img.Attr = append(img.Attr, html.Attribute{Key: "title", Val: capt})
		}
		// A link from an image to its own file or attachment page adds
		// nothing once the image lives in the media library.
		if a := img.Parent; a != nil && a.DataAtom == atom.A && r.isMediaLink(attr(a, "href")) {
			a.RemoveChild(img)
			a.Parent.InsertBefore(img, a)
			if strings.TrimSpace(textOf(a)) == "" {
				a.Parent.RemoveChild(a)
			}
		}
	}
}

func (r *conversion) isMediaLink(href string) bool {
	if UploadPath(href) != "" {
		return true
	}
	if r.c.Index != nil {
		if ref, ok := r.c.Index.Resolve(href); ok && ref.Type == "attachment" {
			return true
		}
	}
	return false
}

// links passes every link through LinkRef.
func (r *conversion) links(n *html.Node) {
	walk(n, func(e *html.Node) {
		if e.DataAtom != atom.A {
			return
		}
		href := strings.TrimSpace(attr(e, "href"))
		if href == "" || strings.HasPrefix(href, "#") {
			return
		}
		if !safeScheme(href) {
			r.issue(IssueHTML, "link to %q: not a web address, kept as text", href)
			e.Attr = nil
			e.DataAtom, e.Data = atom.Span, "span"
			return
		}
		l := Link{URL: href}
		if r.c.LinkRef != nil {
			if to, ok := r.c.LinkRef(href); ok {
				l.Rewritten, l.OK = to, true
				setAttr(e, "href", to)
			}
		}
		r.res.Links = append(r.res.Links, l)
	})
}

// cites turns a quote's <cite> into a closing "— name" paragraph.
func cites(n *html.Node) {
	var found []*html.Node
	walk(n, func(e *html.Node) {
		if e.DataAtom == atom.Cite && e.Parent != nil && e.Parent.DataAtom == atom.Blockquote {
			found = append(found, e)
		}
	})
	for _, c := range found {
		p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
		p.AppendChild(&html.Node{Type: html.TextNode, Data: "— "})
		for gc := c.FirstChild; gc != nil; {
			next := gc.NextSibling
			c.RemoveChild(gc)
			p.AppendChild(gc)
			gc = next
		}
		c.Parent.InsertBefore(p, c)
		c.Parent.RemoveChild(c)
	}
}

// --- small DOM helpers ------------------------------------------------------

func walk(n *html.Node, f func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			f(c)
		}
		walk(c, f)
	}
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func directChild(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// safeScheme accepts relative URLs and http, https, mailto and tel.
func safeScheme(href string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(href), ""))
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return true
	}
	switch s[:i] {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}

var (
	superscripts = strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹", "+", "⁺", "-", "⁻")
	subscripts   = strings.NewReplacer("0", "₀", "1", "₁", "2", "₂", "3", "₃", "4", "₄", "5", "₅", "6", "₆", "7", "₇", "8", "₈", "9", "₉", "+", "₊", "-", "₋")
)

// scripts writes <sup>2</sup> and <sub>2</sub> as Unicode super- and
// subscript digits (m², CO₂), which Markdown has no syntax for.
func scripts(n *html.Node) {
	var found []*html.Node
	walk(n, func(e *html.Node) {
		if e.DataAtom == atom.Sup || e.DataAtom == atom.Sub {
			found = append(found, e)
		}
	})
	for _, e := range found {
		t := textOf(e)
		if t == "" || strings.Trim(t, "0123456789+-") != "" || e.Parent == nil {
			continue
		}
		rep := superscripts
		if e.DataAtom == atom.Sub {
			rep = subscripts
		}
		e.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: rep.Replace(t)}, e)
		e.Parent.RemoveChild(e)
	}
}

// tableCells keeps each cell on one line: line breaks and paragraphs inside
// a cell become spaces, since a Markdown table cell cannot hold them.
func tableCells(n *html.Node) {
	var cells []*html.Node
	walk(n, func(e *html.Node) {
		if e.DataAtom == atom.Td || e.DataAtom == atom.Th {
			cells = append(cells, e)
		}
	})
	for _, cell := range cells {
		var inner []*html.Node
		walk(cell, func(e *html.Node) {
			if e.DataAtom == atom.Br || e.DataAtom == atom.P || e.DataAtom == atom.Div {
				inner = append(inner, e)
			}
		})
		for _, e := range inner {
			if e.Parent == nil {
				continue
			}
			e.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, e)
			for c := e.FirstChild; c != nil; {
				next := c.NextSibling
				e.RemoveChild(c)
				e.Parent.InsertBefore(c, e)
				c = next
			}
			e.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, e)
			e.Parent.RemoveChild(e)
		}
	}
}

// dropEmptyParagraphs removes the "<p>&nbsp;</p>" spacers classic-editor
// authors use for vertical space.
func dropEmptyParagraphs(body *html.Node) {
	for c := body.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && c.DataAtom == atom.P && findElement(c, atom.Img) == nil &&
			strings.TrimSpace(strings.ReplaceAll(textOf(c), "\u00a0", " ")) == "" {
			body.RemoveChild(c)
		}
		c = next
	}
}
