// Package record owns the HTML of an article's sign-off record
// (article.Record): one template, embedded once, that both the API's
// ?format=html answer and the admin's record screen render.
package record

import (
	_ "embed"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/compliance"
)

//go:embed record.html
var src string

func date(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2 Jan 2006, 15:04 UTC")
	case *time.Time:
		if v != nil {
			return v.UTC().Format("2 Jan 2006, 15:04 UTC")
		}
	}
	return ""
}

var tpl = template.Must(template.New("record").Funcs(template.FuncMap{
	"date":     date,
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"ruleName": compliance.RuleName,
}).Parse(src))

// Body is the record's content (facts, live periods, approvals with the
// attestation each doctor signed, findings, acknowledgements) to place
// inside a page.
func Body(rec article.Record) (template.HTML, error) {
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, "body", rec); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // #nosec: html/template output
}

// Page writes the record as a standalone printable HTML page.
func Page(w io.Writer, rec article.Record) error { return tpl.ExecuteTemplate(w, "page", rec) }
