package render

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// reFAQTitle matches the headings that open an FAQ section: "Frequently
// asked questions", "FAQ", "FAQs", "Common questions", alone or followed by
// a qualifier ("FAQ: sunscreen", "Common questions about acne scars").
var reFAQTitle = regexp.MustCompile(`(?i)^(?:frequently[ -]asked questions|faqs?|common questions)(?:$|[\s:\-\x{2013}\x{2014}(])`)

// faqSource is a question and the detached subtree holding its answer.
type faqSource struct {
	question string
	answer   *ast.Document
}

// pendingQA is a question found in the tree, before its answer is moved out.
type pendingQA struct {
	question string
	// lead, if set, is a paragraph or text block whose inline children from
	// leadFrom on open the answer ("**Question?** answer").
	lead     ast.Node
	leadFrom ast.Node
	blocks   []ast.Node
}

// findFAQ finds every top-level FAQ section and returns its question/answer
// pairs. Answers are moved out of root into their own documents, so call it
// only after root has been rendered.
func findFAQ(root ast.Node, source []byte) []faqSource {
	var top []ast.Node
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		top = append(top, c)
	}
	var pending []pendingQA
	for i := 0; i < len(top); i++ {
		h, ok := top[i].(*ast.Heading)
		if !ok || !reFAQTitle.MatchString(inlineText(source, h)) {
			continue
		}
		end := i + 1
		for end < len(top) {
			if next, ok := top[end].(*ast.Heading); ok && next.Level <= h.Level {
				break
			}
			end++
		}
		pending = append(pending, faqSection(top[i+1:end], source)...)
		i = end - 1
	}

	out := make([]faqSource, 0, len(pending))
	for _, p := range pending {
		out = append(out, faqSource{question: p.question, answer: p.detach(source)})
	}
	return out
}

// faqSection reads one FAQ section: sub-headings as questions if there are
// any, otherwise the items of its first list, otherwise paragraphs that open
// with a bold question.
func faqSection(section []ast.Node, source []byte) []pendingQA {
	qLevel := 0
	for _, n := range section {
		if h, ok := n.(*ast.Heading); ok && (qLevel == 0 || h.Level < qLevel) {
			qLevel = h.Level
		}
	}
	if qLevel > 0 {
		var out []pendingQA
		for _, n := range section {
			if h, ok := n.(*ast.Heading); ok && h.Level <= qLevel {
				out = append(out, pendingQA{question: inlineText(source, h)})
				continue
			}
			if len(out) > 0 {
				last := &out[len(out)-1]
				last.blocks = append(last.blocks, n)
			}
		}
		return out
	}

	for _, n := range section {
		if l, ok := n.(*ast.List); ok {
			var out []pendingQA
			for item := l.FirstChild(); item != nil; item = item.NextSibling() {
				if qa, ok := listItemQA(item, source); ok {
					out = append(out, qa)
				}
			}
			if len(out) > 0 {
				return out
			}
		}
	}

	// Paragraph shape: "**Question?** answer", possibly followed by more
	// paragraphs that belong to the same answer.
	var out []pendingQA
	for _, n := range section {
		if p, ok := n.(*ast.Paragraph); ok {
			if qa, ok := boldLead(p, source); ok {
				out = append(out, qa)
				continue
			}
		}
		if len(out) > 0 {
			last := &out[len(out)-1]
			last.blocks = append(last.blocks, n)
		}
	}
	return out
}

// listItemQA reads one list item as a question and answer.
func listItemQA(item ast.Node, source []byte) (pendingQA, bool) {
	first := item.FirstChild()
	if first == nil {
		return pendingQA{}, false
	}
	var rest []ast.Node
	for c := first.NextSibling(); c != nil; c = c.NextSibling() {
		rest = append(rest, c)
	}
	switch first.Kind() {
	case ast.KindParagraph, ast.KindTextBlock:
	default:
		return pendingQA{}, false
	}
	if qa, ok := boldLead(first, source); ok {
		qa.blocks = append(qa.blocks, rest...)
		return qa, true
	}
	// "Question?" then a line break, then the answer in the same block.
	for c := first.FirstChild(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || !(t.SoftLineBreak() || t.HardLineBreak()) || c.NextSibling() == nil {
			continue
		}
		var before []ast.Node
		for b := first.FirstChild(); b != c.NextSibling(); b = b.NextSibling() {
			before = append(before, b)
		}
		q := inlineText(source, before...)
		if strings.HasSuffix(q, "?") {
			return pendingQA{question: q, lead: first, leadFrom: c.NextSibling(), blocks: rest}, true
		}
		break
	}
	// "Question?" alone, answer in the following paragraphs.
	if q := inlineText(source, first); strings.HasSuffix(q, "?") && len(rest) > 0 {
		return pendingQA{question: q, blocks: rest}, true
	}
	return pendingQA{}, false
}

// boldLead recognises a block that opens with a bold run ("**Can pores
// shrink?** Not really ...") followed by more text.
func boldLead(block ast.Node, source []byte) (pendingQA, bool) {
	em, ok := block.FirstChild().(*ast.Emphasis)
	if !ok || em.Level != 2 || em.NextSibling() == nil {
		return pendingQA{}, false
	}
	q := strings.TrimRight(inlineText(source, em), " :")
	if q == "" {
		return pendingQA{}, false
	}
	return pendingQA{question: q, lead: block, leadFrom: em.NextSibling()}, true
}

// detach moves the answer's nodes into a new document and returns it.
func (p pendingQA) detach(source []byte) *ast.Document {
	doc := ast.NewDocument()
	if p.lead != nil {
		para := ast.NewParagraph()
		var inl []ast.Node
		for c := p.leadFrom; c != nil; c = c.NextSibling() {
			inl = append(inl, c)
		}
		for i, c := range inl {
			if i == 0 {
				trimLeadingSeparator(c, source)
			}
			para.AppendChild(para, c)
		}
		doc.AppendChild(doc, para)
	}
	for _, b := range p.blocks {
		if b.Kind() == ast.KindTextBlock {
			// Tight list items hold text blocks, which render without <p>.
			para := ast.NewParagraph()
			var inl []ast.Node
			for c := b.FirstChild(); c != nil; c = c.NextSibling() {
				inl = append(inl, c)
			}
			for _, c := range inl {
				para.AppendChild(para, c)
			}
			doc.AppendChild(doc, para)
			continue
		}
		doc.AppendChild(doc, b)
	}
	// Headings inside an answer keep their text but not their anchors: the
	// body already carries those ids, and an FAQ widget on the same page
	// must not repeat them.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.RemoveAttributes()
		}
		return ast.WalkContinue, nil
	})
	return doc
}

// trimLeadingSeparator drops the space, colon or dash between a bold question
// and its answer, or the line break after a question line.
func trimLeadingSeparator(n ast.Node, source []byte) {
	t, ok := n.(*ast.Text)
	if !ok {
		return
	}
	v := t.Segment.Value(source)
	trimmed := strings.TrimLeft(string(v), " \t:\u2013\u2014-")
	t.Segment = text.NewSegment(t.Segment.Stop-len(trimmed), t.Segment.Stop)
}
