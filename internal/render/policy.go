package render

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// relOutbound is the rel value every link that leaves the site carries.
// target is never set, so the page opens in the same tab; noopener still
// matters for readers who open the link in a new tab themselves.
const relOutbound = "noopener nofollow"

var (
	reAnchorID   = regexp.MustCompile(`^[\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+)*$`)
	reRel        = regexp.MustCompile(`^noopener nofollow$`)
	reCodeClass  = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)
	reCellAlign  = regexp.MustCompile(`^(?:left|center|right)$`)
	reListStart  = regexp.MustCompile(`^[0-9]{1,9}$`)
	reImageSrc   = regexp.MustCompile(`^(?:(?i:https?):|[^:/?#]*(?:[/?#]|$))`)
	reShortTitle = regexp.MustCompile(`^[^\x00-\x08\x0b\x0c\x0e-\x1f]{0,300}$`)
)

// newPolicy builds the allow-list applied to every rendered fragment. It
// names exactly what goldmark's safe renderer and our extensions emit;
// everything else (script, style, iframe, object, embed, svg, math, form and
// its controls, meta, base, link, every on* handler, style and srcset
// attributes) is absent and therefore removed.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// URLs: must parse, relative allowed, and only these schemes. The scheme
	// is checked after the HTML tokenizer has decoded entities, so
	// "&#106;avascript:" is seen as "javascript:".
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	// Backstop for the rel we set on the AST: bluemonday appends nofollow to
	// any link with a host if it is somehow missing.
	p.RequireNoFollowOnFullyQualifiedLinks(true)

	p.AllowElements(
		"p", "br", "hr", "blockquote", "pre",
		"h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li",
		"em", "strong", "del", "code",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(reRel).OnElements("a")
	p.AllowAttrs("title").Matching(reShortTitle).OnElements("a", "img")
	// img: src may be http(s) or relative only (no mailto:/tel: images).
	p.AllowAttrs("src").Matching(reImageSrc).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("id").Matching(reAnchorID).OnElements("h2", "h3", "h4")
	p.AllowAttrs("class").Matching(reCodeClass).OnElements("code")
	p.AllowAttrs("align").Matching(reCellAlign).OnElements("th", "td")
	p.AllowAttrs("start").Matching(reListStart).OnElements("ol")
	return p
}
