package adminui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/compliance"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// findingRow is one advertising-rule finding as the screens show it: the
// line of text it was found on split around the match (so the template can
// highlight it), where it is, and its acknowledgement if a doctor gave one.
type findingRow struct {
	article.FindingState
	RuleName  string `json:"rule_name"`
	Where     string `json:"where"`
	Before    string `json:"before"`
	After     string `json:"after"`
	Error     string `json:"-"` // the acknowledge form's error
	Reason    string `json:"-"` // what the doctor typed
	FormField string `json:"-"` // id prefix of the acknowledge form
	// Sign is the acknowledge form's signature fields.
	Sign *signForm `json:"-"`
}

// findingsView is a list of findings with its counts.
type findingsView struct {
	Rows            []findingRow
	Blocking, Warns int
	Acked           int
	Live            bool   // computed from unsaved text
	Revision        int    // the revision they belong to (0 when live)
	CanAck          bool   // show Acknowledge forms
	AckReason       string // why not, for a doctor who cannot
	Base            string
	ArticleID       int64
	CSRF            string
	ContentHash     string // of Revision, signed by an acknowledgement
}

var fieldLabels = map[compliance.Field]string{
	compliance.FieldTitle: "Title", compliance.FieldSummary: "Summary", compliance.FieldBody: "Body",
	compliance.FieldFAQ: "FAQ", compliance.FieldImage: "Image", compliance.FieldLink: "Link",
}

// contextLine splits the line of s holding s[start:end] into the text
// before the match, the match and the text after it, each side shortened
// to about 60 characters. Offsets that do not fit s give only the match.
func contextLine(s string, start, end int, match string) (before, m, after string) {
	if start < 0 || end < start || end > len(s) || !utf8.ValidString(s) {
		return "", match, ""
	}
	ls := strings.LastIndexByte(s[:start], '\n') + 1
	le := len(s)
	if i := strings.IndexByte(s[end:], '\n'); i >= 0 {
		le = end + i
	}
	before, m, after = s[ls:start], s[start:end], s[end:le]
	const keep = 60
	if r := []rune(before); len(r) > keep {
		before = "…" + string(r[len(r)-keep:])
	}
	if r := []rune(after); len(r) > keep {
		after = string(r[:keep]) + "…"
	}
	return before, m, after
}

// buildFindings turns findings of the given texts (by field) into rows,
// joining each to its acknowledgement.
func buildFindings(fs []compliance.Finding, texts map[compliance.Field]string, acks []article.Ack) findingsView {
	var v findingsView
	for i, st := range article.JoinFindings(fs, acks) {
		f := st.Finding
		r := findingRow{FindingState: st, RuleName: compliance.RuleName(f.Rule), FormField: fmt.Sprintf("ack-%d", i)}
		r.Where = fmt.Sprintf("%s, line %d, column %d", fieldLabels[f.Field], f.Line, f.Column)
		if fieldLabels[f.Field] == "" {
			r.Where = fmt.Sprintf("%s, line %d, column %d", f.Field, f.Line, f.Column)
		}
		var m string
		r.Before, m, r.After = contextLine(texts[f.Field], f.Start, f.End, f.Match)
		if m != "" {
			r.Match = m
		}
		switch {
		case r.Blocks:
			v.Blocking++
		case f.Severity == compliance.SeverityBlock:
			v.Acked++
		default:
			v.Warns++
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

func revisionTexts(r article.Revision) map[compliance.Field]string {
	return map[compliance.Field]string{compliance.FieldTitle: r.Title, compliance.FieldSummary: r.Summary, compliance.FieldBody: r.Body}
}

func formTexts(f draftForm) map[compliance.Field]string {
	return map[compliance.Field]string{compliance.FieldTitle: strings.TrimSpace(f.Title), compliance.FieldSummary: strings.TrimSpace(f.Summary), compliance.FieldBody: f.Body}
}

// revisionFindings are the stored findings of an article's current
// revision with their acknowledgements.
func revisionFindings(a article.View) findingsView {
	v := buildFindings(a.Current.Findings, revisionTexts(a.Current), a.Acks)
	v.Revision = a.CurrentRevision
	v.ArticleID = a.ID
	return v
}

// lint checks the editor's unsaved text against the clinic's advertising
// rules (article.Service.Lint) and answers JSON: the findings, how many
// block, and the server-rendered list admin.js puts in the page. It is a
// POST because it carries the text, and like every POST it needs the CSRF
// token.
func (u *UI) lint(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	f := formDraft(c)
	fs, err := u.articles.Lint(c.UserContext(), sc, f.draft())
	if err != nil {
		return err // problem+json (answersJSON)
	}
	v := buildFindings(fs, formTexts(f), nil)
	v.Live = true
	var buf strings.Builder
	if err := u.views.Render(&buf, "findingsfrag", v); err != nil {
		return err
	}
	rows := v.Rows
	if rows == nil {
		rows = []findingRow{}
	}
	return c.JSON(fiber.Map{"findings": rows, "blocking": v.Blocking, "warnings": v.Warns, "html": buf.String()})
}

// acknowledge records a doctor's reasoned acknowledgement of one blocking
// finding of the current revision (article.Service.Acknowledge decides who
// may). A refusal shows the review screen again with the reason and what
// was typed.
func (u *UI) acknowledge(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	in := article.AckInput{Revision: formInt(c, "revision"), ContentHash: c.FormValue("content_hash"), Finding: c.FormValue("finding"),
		Reason: c.FormValue("reason"), Signature: signatureFrom(c)}
	_, err = u.articles.Acknowledge(c.UserContext(), sc, id, in)
	if err != nil {
		e, ok := isUserError(err)
		if !ok {
			return err
		}
		st := reviewState{AckKey: in.Finding, AckReason: in.Reason, AckError: Message(e)}
		if fe := fieldErrors(err); fe["reason"] != "" {
			st.AckError = "Reason: " + fe["reason"] + "."
		}
		return u.reviewRender(c, e.Status, st, &Flash{Kind: "error", Text: "The finding was not acknowledged. " + Message(e)})
	}
	return u.done(c, fmt.Sprintf("%s/articles/%d/review#findings", base(c), id),
		fmt.Sprintf("Finding acknowledged on revision %d with your reason. It no longer blocks submitting or publishing this revision.", in.Revision))
}

// blockedMessage explains a 409 compliance_blocked: which findings block and
// what to do about them.
func blockedMessage(e *errs.Error) string {
	var b strings.Builder
	b.WriteString("This revision cannot go further: advertising-rule findings block it")
	if list, ok := e.Extra["findings"].([]map[string]any); ok && len(list) > 0 {
		b.WriteString(":")
		for i, f := range list {
			if i == 5 {
				fmt.Fprintf(&b, " and %d more", len(list)-5)
				break
			}
			if i > 0 {
				b.WriteString(";")
			}
			rule := compliance.RuleName(fmt.Sprint(f["rule"]))
			field := fmt.Sprint(f["field"])
			if l := fieldLabels[compliance.Field(field)]; l != "" {
				field = strings.ToLower(l)
			}
			fmt.Fprintf(&b, " “%v” (%s, %s line %v, column %v)", f["match"], rule, field, f["line"], f["column"])
		}
	}
	b.WriteString(". Either change the wording in the editor (the findings list shows each one with a suggested rewrite) and save, or ask a doctor of this clinic to acknowledge each blocking finding with a written reason on the review screen; then try again.")
	return b.String()
}
