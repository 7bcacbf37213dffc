package article

import (
	"context"
	"encoding/json"
	"time"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/compliance"
)

// Record is the regulator-ready account of an article: every period a
// revision was live at its URL, with who wrote it, which doctor approved it
// (with the registration number held then), and the advertising-rule
// findings and acknowledgements of that revision.
type Record struct {
	Clinic      string       `json:"clinic"`
	ClinicName  string       `json:"clinic_name"`
	ArticleID   int64        `json:"article_id"`
	URL         string       `json:"url"`
	GeneratedAt time.Time    `json:"generated_at"`
	ChainHead   string       `json:"audit_chain_head"`
	Periods     []LivePeriod `json:"periods"`
}

// LivePeriod is one stretch of time one revision was live.
type LivePeriod struct {
	Revision    int                  `json:"revision"`
	ContentHash string               `json:"content_hash"`
	Title       string               `json:"title"`
	From        time.Time            `json:"live_from"`
	Until       *time.Time           `json:"live_until"`
	EndedBy     string               `json:"ended_by,omitempty"`
	Author      string               `json:"written_by"`
	AuthorID    int64                `json:"written_by_id"`
	Approvals   []Review             `json:"approvals"`
	Findings    []compliance.Finding `json:"findings_at_approval"`
	Acks        []Ack                `json:"acknowledgements"`
	Events      []string             `json:"events,omitempty"`
}

// Record builds the article's record from its audit trail (the hash-chained
// source of truth) and the immutable revisions and reviews it names.
func (s *Service) Record(ctx context.Context, sc clinic.Scope, id int64) (Record, error) {
	if err := sc.Require(authz.ObjAudit, authz.ActRead); err != nil {
		return Record{}, err
	}
	c := sc.Clinic()
	return s.RecordFor(ctx, c, id)
}

// RecordFor is Record without an access check (the operator's CLI export).
func (s *Service) RecordFor(ctx context.Context, c clinic.Clinic, id int64) (Record, error) {
	tx := s.db.WithContext(ctx)
	a, err := loadTx(tx, c.ID, id)
	if err != nil {
		return Record{}, err
	}
	entries, err := audit.List(ctx, s.db.DB, c.ID, audit.Filter{ArticleID: id, Limit: 500})
	if err != nil {
		return Record{}, err
	}
	rec := Record{Clinic: c.Slug, ClinicName: c.Name, ArticleID: id, URL: "/articles/" + a.Slug, GeneratedAt: s.clock(), Periods: []LivePeriod{}}
	if len(c.Hostnames) > 0 {
		rec.URL = "https://" + c.Hostnames[0] + rec.URL
	}
	tx.Raw(`SELECT audit_head FROM clinics WHERE id = ?`, c.ID).Scan(&rec.ChainHead)
	var cur *LivePeriod
	closeAt := func(at time.Time, why string) {
		if cur != nil {
			t := at
			cur.Until, cur.EndedBy = &t, why
			rec.Periods = append(rec.Periods, *cur)
			cur = nil
		}
	}
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		var after struct {
			ContentHash string `json:"content_hash"`
			ApprovalID  int64  `json:"approval_id"`
			ReviewID    int64  `json:"review_id"`
			Policy      string `json:"policy"`
		}
		if e.AfterJSON != "" {
			_ = json.Unmarshal([]byte(e.AfterJSON), &after)
		}
		switch e.Action {
		case "article.published":
			closeAt(e.CreatedAt, "replaced by revision "+itoa(deref(e.ToRevision)))
			p := LivePeriod{Revision: deref(e.ToRevision), ContentHash: after.ContentHash, From: e.CreatedAt}
			if r, err := reviewTx(tx, c.ID, &after.ApprovalID); err == nil && r != nil {
				p.Approvals = append(p.Approvals, *r)
			}
			cur = &p
		case "review.rereviewed":
			if cur != nil {
				if r, err := reviewTx(tx, c.ID, &after.ReviewID); err == nil && r != nil {
					cur.Approvals = append(cur.Approvals, *r)
				}
			}
		case "article.review_overdue":
			if cur != nil {
				cur.Events = append(cur.Events, e.CreatedAt.Format(time.RFC3339)+" re-review overdue (policy "+after.Policy+")")
			}
		case "article.unpublished", "article.archived":
			closeAt(e.CreatedAt, e.Action)
		}
	}
	if cur != nil {
		rec.Periods = append(rec.Periods, *cur)
	}
	for i := range rec.Periods {
		p := &rec.Periods[i]
		rev, err := revisionTx(tx, c.ID, id, p.Revision)
		if err != nil {
			return rec, err
		}
		p.Title, p.Author, p.AuthorID, p.Findings = rev.Title, rev.AuthorName, rev.AuthorID, rev.Findings
		if p.Acks, err = acksTx(tx, c.ID, id, p.Revision); err != nil {
			return rec, err
		}
		if p.Approvals == nil {
			p.Approvals = []Review{}
		}
	}
	return rec, nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
