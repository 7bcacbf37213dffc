package render

import (
	"html"
	"html/template"
	"strings"
)

// Check reports whether Markdown accepts src, with the same limits it
// enforces (bytes, not characters; nesting depth; table size): nil, or
// ErrTooLarge / ErrTooComplex with the reason. Save-time validation calls
// it so that no stored text can fail to render later.
func Check(src string) error {
	if len(src) > MaxSourceBytes {
		return ErrTooLarge
	}
	return checkShape(src)
}

// FallbackNotice is the notice shown above a paragraph Safe could not
// format.
const FallbackNotice = "This paragraph could not be formatted and is shown as plain text."

// Safe renders src like Markdown but never fails: a live page or a review
// screen must not turn into an error because of one bad paragraph (text
// stored before the save-time limits existed, or a renderer bug). When the
// whole source is refused, each blank-line separated block is rendered on
// its own, and a block that still fails is shown escaped, as plain text,
// after FallbackNotice.
func (r *Renderer) Safe(src string) Document {
	doc, err := r.Markdown(src)
	if err == nil {
		return doc
	}
	var b strings.Builder
	var out Document
	for _, block := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(block) == "" {
			continue
		}
		d, err := r.Markdown(block)
		if err != nil {
			text := strings.ToValidUTF8(block, "\uFFFD")
			b.WriteString(`<p class="render-fallback"><em>` + FallbackNotice + `</em></p><p>`)
			b.WriteString(strings.ReplaceAll(html.EscapeString(text), "\n", "<br>"))
			b.WriteString("</p>\n")
			out.Text += text + "\n"
			out.Words += len(strings.Fields(text))
			continue
		}
		b.WriteString(string(d.HTML))
		out.Headings = append(out.Headings, d.Headings...)
		out.Text += d.Text
		out.Words += d.Words
	}
	out.HTML = template.HTML(b.String())
	return out
}
