package api

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/compliance"
)

// findingJSON is a finding with its key and acknowledgement, if any.
type findingJSON = article.FindingState

// findingsOut is the current revision's findings joined with their
// acknowledgements (article.JoinFindings).
func findingsOut(v article.View) []findingJSON {
	return article.JoinFindings(v.Current.Findings, v.Acks)
}

func (a *API) lint(c *fiber.Ctx, sc clinic.Scope) error {
	var req struct {
		Title   string `json:"title"`
		Summary string `json:"summary"`
		Body    string `json:"body"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	fs, err := a.Articles.Lint(c.UserContext(), sc, article.Draft{Title: req.Title, Summary: req.Summary, Body: req.Body})
	if err != nil {
		return err
	}
	blocking := 0
	for _, f := range fs {
		if f.Severity == compliance.SeverityBlock {
			blocking++
		}
	}
	return c.JSON(fiber.Map{"findings": fs, "blocking": blocking})
}

func (a *API) acknowledge(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Revision int    `json:"revision"`
		Finding  string `json:"finding"`
		Reason   string `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.Acknowledge(c.UserContext(), sc, id, article.AckInput{Revision: req.Revision, Finding: req.Finding, Reason: req.Reason})
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) reviewsDue(c *fiber.Ctx, sc clinic.Scope) error {
	awaiting, due, err := a.Articles.ReviewQueue(c.UserContext(), sc, 30*24*time.Hour)
	if err != nil {
		return err
	}
	if awaiting == nil {
		awaiting = []article.QueueItem{}
	}
	if due == nil {
		due = []article.QueueItem{}
	}
	return c.JSON(fiber.Map{"awaiting_review": awaiting, "rereview_due": due})
}

var recordPage = template.Must(template.New("record").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 MST") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Sign-off record: article {{.ArticleID}} of {{.ClinicName}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{font-size:.85em;word-break:break-all}h2{margin-top:2rem;border-top:2px solid #333;padding-top:1rem}@media print{body{margin:0}}</style></head>
<body><main><h1>Sign-off record</h1>
<p>{{.ClinicName}} · article {{.ArticleID}} · <a href="{{.URL}}">{{.URL}}</a><br>
Generated {{date .GeneratedAt}} · audit chain head <code>{{.ChainHead}}</code></p>
{{range .Periods}}<h2>Revision {{.Revision}}: {{.Title}}</h2>
<table><tr><th scope="row">Live</th><td>{{date .From}} – {{if .Until}}{{date .Until}} ({{.EndedBy}}){{else}}now{{end}}</td></tr>
<tr><th scope="row">Content hash</th><td><code>{{.ContentHash}}</code></td></tr>
<tr><th scope="row">Written by</th><td>{{.Author}} (user {{.AuthorID}})</td></tr>
{{range .Approvals}}<tr><th scope="row">Approved by</th><td>Dr {{.DoctorName}}, registration {{.RegistrationNumber}}{{if .Specialty}}, {{.Specialty}}{{end}}, on {{date .CreatedAt}} (revision {{.RevisionNumber}}, <code>{{.ContentHash}}</code>)</td></tr>{{end}}
{{range .Events}}<tr><th scope="row">Event</th><td>{{.}}</td></tr>{{end}}
</table>
<h3>Advertising-rule findings at approval</h3>
{{if .Findings}}<table><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Where</th><th scope="col">Text</th></tr>
{{range .Findings}}<tr><td>{{.Rule}}</td><td>{{.Severity}}</td><td>{{.Field}} {{.Line}}:{{.Column}}</td><td>{{.Match}}</td></tr>{{end}}</table>{{else}}<p>None.</p>{{end}}
{{if .Acks}}<h3>Acknowledgements</h3><table><tr><th scope="col">Finding</th><th scope="col">Doctor</th><th scope="col">Reason</th><th scope="col">When</th></tr>
{{range .Acks}}<tr><td>{{.Rule}}</td><td>Dr {{.DoctorName}} ({{.RegistrationNumber}})</td><td>{{.Reason}}</td><td>{{date .CreatedAt}}</td></tr>{{end}}</table>{{end}}
{{else}}<p>This article has never been live.</p>{{end}}
</main></body></html>`))

func (a *API) record(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	rec, err := a.Articles.Record(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Query("format") == "html" || (c.Query("format") == "" && strings.Contains(c.Get(fiber.HeaderAccept), "text/html")) {
		var b strings.Builder
		if err := recordPage.Execute(&b, rec); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(b.String())
	}
	return c.JSON(rec)
}
