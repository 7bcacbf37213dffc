package adminui

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// block is one paragraph of a revision as the review screen shows it, with
// the comments anchored to it.
type block struct {
	Index    int
	HTML     template.HTML
	Threads  []thread
	Revision int
}

type reviewView struct {
	Base        string
	A           article.View
	Blocks      []block
	Diff        []Op
	DiffAgainst int // revision compared with; 0 on a first review
	CanApprove  bool
	CanRequest  bool
	Reason      string
	Reviews     []article.Review
	Orphans     []thread // comments on other revisions
}

// reviewPage shows the current revision rendered paragraph by paragraph
// with its comments, a word diff against the last approved revision, and
// the decision forms. Approve is offered only when the same check the
// server runs at approval (article.Service.SignoffEligibility) passes;
// otherwise the reason is shown.
func (u *UI) reviewPage(c *fiber.Ctx) error {
	cl, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx, act := c.UserContext(), actor(c)
	a, err := u.articles.Get(ctx, act, cl.Slug, id)
	if err != nil {
		return err
	}
	v := reviewView{Base: base(c), A: a}
	if v.Reviews, err = u.articles.Reviews(ctx, act, cl.Slug, id); err != nil {
		return err
	}
	threads, err := u.threads(c, id)
	if err != nil {
		return err
	}
	byPara := map[int][]thread{}
	for _, t := range threads {
		if t.RevisionNumber == a.CurrentRevision {
			byPara[t.Paragraph] = append(byPara[t.Paragraph], t)
		} else {
			v.Orphans = append(v.Orphans, t)
		}
	}
	for i, p := range paragraphs(a.Current.Body) {
		doc, err := u.md.Markdown(p)
		if err != nil {
			return err
		}
		v.Blocks = append(v.Blocks, block{Index: i, HTML: doc.HTML, Threads: byPara[i], Revision: a.CurrentRevision})
	}
	// Compare with the last approved revision (reviews are newest first).
	old := ""
	for _, r := range v.Reviews {
		if r.Decision == article.DecisionApprove && r.RevisionNumber < a.CurrentRevision {
			rev, err := u.articles.Revision(ctx, act, cl.Slug, id, r.RevisionNumber)
			if err != nil {
				return err
			}
			v.DiffAgainst, old = rev.Number, fullText(rev)
			break
		}
	}
	v.Diff = WordDiff(old, fullText(a.Current))
	p := &Page{Title: "Review · " + a.Current.Title, Nav: "queue"}
	u.fillPage(c, p)
	switch err := u.articles.SignoffEligibility(ctx, act, cl.Slug, id); {
	case err == nil:
		v.CanApprove = true
	default:
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		v.Reason = Message(e)
		if e.Code == "forbidden" {
			v.Reason = "Only doctors of this clinic can approve articles."
		}
		if e.Code == "invalid_state" {
			v.Reason = fmt.Sprintf("This article is %s, not waiting for review, so there is nothing to approve.", strings.ToLower(statusLabel(a.Status)))
		}
	}
	v.CanRequest = p.Role == "doctor" && a.Status == article.StatusInReview
	p.D = v
	return u.view(c, fiber.StatusOK, "review", p)
}

// fullText is what the diff compares: title, summary, tags and body.
func fullText(r article.Revision) string {
	return "# " + r.Title + "\n\n" + r.Summary + "\n\nTags: " + strings.Join(r.Tags, ", ") + "\n\n" + r.Body
}

// reviewSubmit records a doctor's decision on the exact revision and hash
// shown. Approving needs the attestation box ticked; the service checks the
// four-eyes rule and credentials whatever the screen offered.
func (u *UI) reviewSubmit(c *fiber.Ctx) error {
	cl, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d/review", base(c), id)
	in := article.ReviewInput{Decision: c.FormValue("decision"), Revision: formInt(c, "revision"),
		ContentHash: c.FormValue("content_hash"), Note: c.FormValue("note")}
	if in.Decision == article.DecisionApprove && c.FormValue("attest") != "yes" {
		u.flash(c, "error", fmt.Sprintf("Tick the box confirming that you reviewed revision %d before approving it.", in.Revision))
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	v, err := u.articles.ReviewArticle(c.UserContext(), actor(c), cl.Slug, id, in)
	if err != nil {
		return u.failed(c, path, err)
	}
	if in.Decision == article.DecisionApprove {
		return u.done(c, path, fmt.Sprintf("You approved revision %d (%s). A clinic admin or writer can now publish it.", v.CurrentRevision, shortHash(v.Current.ContentHash)))
	}
	return u.done(c, path, fmt.Sprintf("Changes requested on revision %d. The writer sees your note.", v.CurrentRevision))
}
