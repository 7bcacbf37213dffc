package article

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// QueueItem is an article waiting for a doctor: a submitted revision, or a
// live revision whose periodic re-review is due.
type QueueItem struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	Revision    int        `json:"revision"`
	AuthorName  string     `json:"author"`
	Since       time.Time  `json:"since"`         // when it entered the queue (last workflow change)
	ReviewDueAt *time.Time `json:"review_due_at"` // re-reviews only
}

// ReviewQueue lists the clinic's articles awaiting review (oldest first)
// and the live articles whose re-review is due within dueWithin (soonest
// first). Any member who may read the clinic's articles may see it.
func (s *Service) ReviewQueue(ctx context.Context, sc clinic.Scope, dueWithin time.Duration) (awaiting, due []QueueItem, err error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, nil, err
	}
	c := sc.Clinic()
	base := func() *gorm.DB {
		return s.db.WithContext(ctx).Table("articles AS a").
			Select("a.id, a.slug, a.status, a.current_revision AS revision, r.title, u.name AS author_name, a.updated_at AS since, a.review_due_at").
			Joins("JOIN revisions r ON r.article_id = a.id AND r.number = a.current_revision").
			Joins("JOIN users u ON u.id = a.author_id").
			Where("a.clinic_id = ?", c.ID)
	}
	if err := base().Where("a.status = ?", StatusInReview).Order("a.updated_at ASC, a.id ASC").Limit(200).Scan(&awaiting).Error; err != nil {
		return nil, nil, err
	}
	err = base().Where("a.live_revision IS NOT NULL AND a.review_due_at <= ?", s.clock().Add(dueWithin)).
		Order("a.review_due_at ASC, a.id ASC").Limit(200).Scan(&due).Error
	return awaiting, due, err
}

// Query narrows, orders and pages an admin listing of a clinic's articles.
type Query struct {
	Text     string // matched against title and slug, case-insensitively
	Status   string // one state, or "" for all
	AuthorID int64  // the article's creator, or 0 for anyone
	Sort     string // "updated" (default), "created", "title" or "status"
	Asc      bool   // ascending instead of descending
	Page     int    // 1-based
	PerPage  int    // 1 to 100, default 20
}

// Find lists the clinic's articles matching q with the total count, for
// paginated, sortable, searchable screens. It answers 400 invalid_query for
// an unknown state or sort.
func (s *Service) Find(ctx context.Context, sc clinic.Scope, q Query) ([]Summary, int, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, 0, err
	}
	c := sc.Clinic()
	if q.Status != "" && !ValidStatus(q.Status) {
		return nil, 0, errs.BadRequest("invalid_query", "status %q is not a known state", q.Status)
	}
	order := map[string]string{"": "a.updated_at", "updated": "a.updated_at", "created": "a.created_at", "title": "LOWER(r.title)", "status": "a.status"}[q.Sort]
	if order == "" {
		return nil, 0, errs.BadRequest("invalid_query", "sort must be updated, created, title or status")
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	if q.Page < 1 {
		q.Page = 1
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	tx := s.db.WithContext(ctx).Table("articles AS a").
		Joins("JOIN revisions r ON r.article_id = a.id AND r.number = a.current_revision").
		Joins("JOIN users u ON u.id = a.author_id").
		Where("a.clinic_id = ?", c.ID)
	if q.Status != "" {
		tx = tx.Where("a.status = ?", q.Status)
	}
	if q.AuthorID != 0 {
		tx = tx.Where("a.author_id = ?", q.AuthorID)
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(t)) + "%"
		tx = tx.Where(`(LOWER(r.title) LIKE ? ESCAPE '\' OR a.slug LIKE ? ESCAPE '\')`, like, like)
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []Summary
	err := tx.Select("a.id, a.slug, a.status, a.version, a.current_revision AS revision, a.live_revision, r.title, u.name AS author_name, a.updated_at, a.scheduled_at").
		Order(order + dir + ", a.id" + dir).Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Scan(&out).Error
	return out, int(total), err
}
