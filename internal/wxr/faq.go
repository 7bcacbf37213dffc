package wxr

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// reFAQTitle is the same test internal/render applies to the heading that
// opens an FAQ section.
var reFAQTitle = regexp.MustCompile(`(?i)^(?:frequently[ -]asked questions|faqs?|common questions)(?:$|[\s:\-\x{2013}\x{2014}(])`)

func headingLevel(n *html.Node) int {
	if n == nil || n.Type != html.ElementNode {
		return 0
	}
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

var headingAtoms = [...]atom.Atom{0, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}

func setHeadingLevel(n *html.Node, level int) {
	n.DataAtom = headingAtoms[level]
	n.Data = n.DataAtom.String()
}

// faq finds FAQ sections among the top-level blocks and puts them in the
// shape internal/render reads: the FAQ heading at level L, each question a
// heading at level L+1 with its answer after it. WordPress authors often
// write questions as bold-only paragraphs, or as headings at the same level
// as "FAQs"; both are rewritten to L+1 headings.
func (r *conversion) faq(body *html.Node) {
	var top, drop []*html.Node
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if attr(c, "data-faq-implied") != "" && len(top) > 0 && headingLevel(top[len(top)-1]) > 0 &&
			reFAQTitle.MatchString(strings.TrimSpace(textOf(top[len(top)-1]))) {
			// The author's own FAQ heading already opens this section; its
			// questions go one level below it.
			lvl := headingLevel(top[len(top)-1])
			for q := c.NextSibling; q != nil && attr(q, "data-faq-implied") == ""; q = q.NextSibling {
				if attr(q, "data-faq-q") != "" && lvl < 6 {
					setHeadingLevel(q, lvl+1)
				}
			}
			drop = append(drop, c)
			continue
		}
		top = append(top, c)
	}
	for _, n := range drop {
		body.RemoveChild(n)
	}
	for _, n := range top {
		n.Attr = dropAttrs(n.Attr, "data-faq-implied")
	}
	for i := 0; i < len(top); i++ {
		level := headingLevel(top[i])
		if level == 0 || level == 6 || !reFAQTitle.MatchString(strings.TrimSpace(textOf(top[i]))) {
			continue
		}
		// Same-level question headings straight after the title belong to it.
		end := i + 1
		for end < len(top) {
			l := headingLevel(top[end])
			if l != 0 && l <= level {
				if isQuestion(textOf(top[end])) || attr(top[end], "data-faq-q") != "" {
					setHeadingLevel(top[end], level+1)
				} else {
					break
				}
			}
			end++
		}
		section := top[i+1 : end]
		qLevel := 0
		for _, n := range section {
			if l := headingLevel(n); l > level && (qLevel == 0 || l < qLevel) {
				qLevel = l
			}
		}
		if qLevel == 0 {
			// Bold-only question paragraphs become headings.
			for _, n := range section {
				if n.DataAtom == atom.P && isBoldOnly(n) && isQuestion(textOf(n)) {
					h := &html.Node{Type: html.ElementNode}
					setHeadingLevel(h, level+1)
					h.AppendChild(&html.Node{Type: html.TextNode, Data: strings.TrimSpace(textOf(n))})
					body.InsertBefore(h, n)
					body.RemoveChild(n)
					for k := range section {
						if section[k] == n {
							section[k] = h
						}
					}
					qLevel = level + 1
				}
			}
		}
		if qLevel == 0 {
			i = end - 1
			continue
		}
		var cur *FAQ
		for _, n := range section {
			if l := headingLevel(n); l > 0 && l <= qLevel {
				r.res.FAQ = append(r.res.FAQ, FAQ{Question: strings.Join(strings.Fields(textOf(n)), " ")})
				cur = &r.res.FAQ[len(r.res.FAQ)-1]
				continue
			}
			if cur != nil {
				t := strings.Join(strings.Fields(textOf(n)), " ")
				if cur.Answer != "" && t != "" {
					cur.Answer += " "
				}
				cur.Answer += t
			}
		}
		i = end - 1
	}
}

// yoastFAQ turns Yoast SEO's FAQ block (strong.schema-faq-question and
// p.schema-faq-answer pairs) into question headings and answers, under an
// FAQ heading of its own that the FAQ pass drops when the author already
// wrote one right before the block.
func (r *conversion) yoastFAQ(h string) string {
	nodes, err := html.ParseFragment(strings.NewReader(h), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return h
	}
	var b strings.Builder
	b.WriteString(`<h2 data-faq-implied="1">Frequently Asked Questions</h2>`)
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			cls := " " + attr(n, "class") + " "
			switch {
			case strings.Contains(cls, " schema-faq-question "):
				b.WriteString(`<h3 data-faq-q="1">` + html.EscapeString(strings.TrimSpace(textOf(n))) + `</h3>`)
				return
			case strings.Contains(cls, " schema-faq-answer "):
				b.WriteString("<div>")
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					_ = html.Render(&b, c)
				}
				b.WriteString("</div>")
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	for _, n := range nodes {
		visit(n)
	}
	return b.String()
}

func isQuestion(s string) bool {
	return strings.HasSuffix(strings.TrimSpace(s), "?")
}

// isBoldOnly tells whether a paragraph's text is all inside <strong>/<b>.
func isBoldOnly(p *html.Node) bool {
	bold := false
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && (c.DataAtom == atom.Strong || c.DataAtom == atom.B):
			bold = true
		default:
			return false
		}
	}
	return bold
}

func dropAttrs(as []html.Attribute, key string) []html.Attribute {
	out := as[:0]
	for _, a := range as {
		if a.Key != key {
			out = append(out, a)
		}
	}
	return out
}
