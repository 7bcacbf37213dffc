package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/compliance"
	"github.com/clinicpress/clinicpress/internal/record"
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
		Revision    int     `json:"revision"`
		ContentHash string  `json:"content_hash"`
		Finding     string  `json:"finding"`
		Reason      string  `json:"reason"`
		Signature   *sigReq `json:"signature"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.Acknowledge(c.UserContext(), sc, id, article.AckInput{Revision: req.Revision, ContentHash: req.ContentHash,
		Finding: req.Finding, Reason: req.Reason, Signature: req.Signature.signature(c)})
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
		if err := record.Page(&b, rec); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(b.String())
	}
	return c.JSON(rec)
}
