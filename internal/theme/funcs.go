package theme

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// funcs are the helpers every theme template may call.
var funcs = template.FuncMap{
	// date formats t for people: "2 January 2026".
	"date": func(t time.Time) string { return t.Format("2 January 2006") },
	// isodate formats t for a datetime attribute: "2026-01-02".
	"isodate": func(t time.Time) string { return t.Format("2006-01-02") },
	// tel turns a phone number into a tel: URL keeping only digits and a leading +.
	"tel": telURL,
	// plural writes "1 article" or "3 articles".
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
	// paragraphs splits plain text on blank lines.
	"paragraphs": paragraphs,
	// lines splits plain text into non-empty trimmed lines.
	"lines": lines,
	// showTOC reports whether an article has enough headings for a table of contents.
	"showTOC": func(h []Heading) bool { return len(h) >= 3 },
}

func telURL(phone string) template.URL {
	var b strings.Builder
	b.WriteString("tel:")
	for i, r := range strings.TrimSpace(phone) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return template.URL(b.String()) // only "tel:" followed by digits and '+': safe
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
