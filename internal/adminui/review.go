package adminui

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
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
	// ApproveText and RequestText are the statements the doctor signs,
	// exactly as the review row will store them.
	ApproveText, RequestText string
	Reason                   string
	Reviews                  []article.Review
	Orphans                  []thread // comments on other revisions
	Findings                 findingsView
	// Rereview: the current revision is the live one, published and
	// unchanged; approving it renews its sign-off until NextDue.
	Rereview bool
	NextDue  time.Time
	// SignApprove and SignRequest are the signature fields of the two
	// decision forms (each with its own single-use passkey challenge).
	SignApprove, SignRequest signForm
}

// reviewState is what a refused acknowledge form carries back to the
// screen: which finding, what was typed and why it was refused.
type reviewState struct {
	AckKey, AckReason, AckError string
}

// reviewPage shows the current revision rendered paragraph by paragraph
// with its comments, its advertising-rule findings (with Acknowledge forms
// for a doctor who may acknowledge them), a word diff against the last
// approved revision, and the decision forms. Approve is offered only when
// the same check the server runs at approval
// (article.Service.SignoffEligibility) passes; otherwise the reason is
// shown. A published live revision due for re-review is approved here too.
func (u *UI) reviewPage(c *fiber.Ctx) error {
	return u.reviewRender(c, fiber.StatusOK, reviewState{}, nil)
}

func (u *UI) reviewRender(c *fiber.Ctx, status int, st reviewState, flash *Flash) error {
	sc, id, a, err := u.articleOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	ctx := c.UserContext()
	v := reviewView{Base: base(c), A: a, Rereview: article.IsRereview(a.Article)}
	v.ApproveText = article.Attestation(article.DecisionApprove, v.Rereview, a.CurrentRevision, a.Current.ContentHash)
	v.RequestText = article.Attestation(article.DecisionRequestChanges, v.Rereview, a.CurrentRevision, a.Current.ContentHash)
	v.NextDue = u.now().UTC().AddDate(0, 0, cl.ReviewIntervalDays)
	if v.Reviews, err = u.articles.Reviews(ctx, sc, id); err != nil {
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
	v.Blocks = u.reviewBlocks(paragraphs(a.Current.Body), byPara, a.CurrentRevision)
	// Compare with the last approved revision (reviews are newest first).
	old := ""
	for _, r := range v.Reviews {
		if r.Decision == article.DecisionApprove && r.RevisionNumber < a.CurrentRevision {
			rev, err := u.articles.Revision(ctx, sc, id, r.RevisionNumber)
			if err != nil {
				return err
			}
			v.DiffAgainst, old = rev.Number, fullText(rev)
			break
		}
	}
	v.Diff = WordDiff(old, fullText(a.Current))
	p := &Page{Title: "Review · " + a.Current.Title, Nav: "queue", Flash: flash}
	u.fillPage(c, p)
	switch err := u.articles.SignoffEligibility(ctx, sc, id); {
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
	v.CanRequest = sc.Can(authz.ObjArticle, authz.ActReview) && (a.Status == article.StatusInReview || v.Rereview)
	if v.CanApprove {
		v.SignApprove = u.signFormFor(c, sc, a, "sign-approve")
	}
	if v.CanRequest {
		v.SignRequest = u.signFormFor(c, sc, a, "sign-changes")
	}
	v.Findings = revisionFindings(a)
	v.Findings.Base, v.Findings.CSRF = v.Base, p.CSRF
	if v.Findings.Blocking > 0 {
		switch err := u.articles.AcknowledgeEligibility(ctx, sc, id); {
		case err == nil:
			v.Findings.CanAck = true
			v.Findings.ContentHash = a.Current.ContentHash
			for i := range v.Findings.Rows {
				if v.Findings.Rows[i].Blocks {
					sf := u.signFormFor(c, sc, a, "ack-"+v.Findings.Rows[i].FormField)
					v.Findings.Rows[i].Sign = &sf
				}
			}
		default:
			e, ok := errs.As(err)
			if !ok {
				return err
			}
			v.Findings.AckReason = Message(e)
			if e.Code == "forbidden" {
				v.Findings.AckReason = "Only a doctor of this clinic can acknowledge a blocking finding. Ask one to open this review screen, or change the wording in the editor."
			}
		}
	}
	for i := range v.Findings.Rows {
		if r := &v.Findings.Rows[i]; r.Key == st.AckKey {
			r.Reason, r.Error = st.AckReason, st.AckError
		}
	}
	p.D = v
	return u.view(c, status, "review", p)
}

// fullText is what the diff compares: title, summary, tags and body.
func fullText(r article.Revision) string {
	return "# " + r.Title + "\n\n" + r.Summary + "\n\nTags: " + strings.Join(r.Tags, ", ") + "\n\n" + r.Body
}

// reviewSubmit records a doctor's decision on the exact revision and hash
// shown. Approving needs the attestation box ticked; the service checks the
// four-eyes rule and credentials whatever the screen offered.
func (u *UI) reviewSubmit(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d/review", base(c), id)
	in := article.ReviewInput{Decision: c.FormValue("decision"), Revision: formInt(c, "revision"),
		ContentHash: c.FormValue("content_hash"), Note: c.FormValue("note"), Attest: c.FormValue("attest") == "yes",
		Signature: signatureFrom(c)}
	v, err := u.articles.ReviewArticle(c.UserContext(), sc, id, in)
	if e, ok := errs.As(err); ok && e.Code == "validation_failed" && len(e.Fields) > 0 && e.Fields[0].Field == "attest" {
		u.flash(c, "error", fmt.Sprintf("Tick the box confirming that you reviewed revision %d before deciding on it.", in.Revision))
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	if err != nil {
		return u.failed(c, path, err)
	}
	if in.Decision == article.DecisionApprove && article.IsRereview(v.Article) {
		due := ""
		if v.ReviewDueAt != nil {
			due = " The next re-review is due " + v.ReviewDueAt.UTC().Format("2 Jan 2006") + "."
		}
		return u.done(c, path, fmt.Sprintf("You re-approved live revision %d (%s); its sign-off is renewed.%s", v.CurrentRevision, shortHash(v.Current.ContentHash), due))
	}
	if in.Decision == article.DecisionApprove {
		return u.done(c, path, fmt.Sprintf("You approved revision %d (%s). A clinic admin or writer can now publish it.", v.CurrentRevision, shortHash(v.Current.ContentHash)))
	}
	return u.done(c, path, fmt.Sprintf("Changes requested on revision %d. The writer sees your note.", v.CurrentRevision))
}

// MaxReviewBlocks caps the commentable blocks of the review screen. A body
// of 100,000 one-word paragraphs would otherwise carry 100,000 comment
// forms (50 MB); beyond the cap, consecutive paragraphs share one block
// (and its comment form, anchored at the block's first paragraph), so the
// page grows with the text, not with the paragraph count.
const MaxReviewBlocks = 300

func (u *UI) reviewBlocks(paras []string, byPara map[int][]thread, revision int) []block {
	per := (len(paras) + MaxReviewBlocks - 1) / MaxReviewBlocks
	if per < 1 {
		per = 1
	}
	var out []block
	for i := 0; i < len(paras); i += per {
		end := min(i+per, len(paras))
		var ts []thread
		for j := i; j < end; j++ {
			ts = append(ts, byPara[j]...)
		}
		// Safe: a bad paragraph must not make the screen a 500.
		doc := u.md.Safe(strings.Join(paras[i:end], "\n\n"))
		out = append(out, block{Index: i, HTML: doc.HTML, Threads: ts, Revision: revision})
	}
	return out
}
