package article

import (
	"context"

	"strconv"
	"time"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Get returns one article of the clinic.
func (s *Service) Get(ctx context.Context, sc clinic.Scope, id int64) (View, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return View{}, err
	}
	tx := s.db.WithContext(ctx)
	a, err := requireArticle(tx, sc, id)
	if err != nil {
		return View{}, err
	}
	return viewTx(tx, a)
}

// ListFilter narrows a listing. Cursor is the opaque value returned as
// next by the previous page.
type ListFilter struct {
	Status string
	Limit  int
	Cursor string
}

// Summary is an article in a listing.
type Summary struct {
	ID           int64      `json:"id"`
	Slug         string     `json:"slug"`
	Status       string     `json:"status"`
	Version      int        `json:"version"`
	Revision     int        `json:"revision"`
	LiveRevision *int       `json:"live_revision"`
	Title        string     `json:"title"`
	AuthorName   string     `json:"author"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ScheduledAt  *time.Time `json:"scheduled_at"`
}

// List returns the clinic's articles, newest first, keyset-paginated.
func (s *Service) List(ctx context.Context, sc clinic.Scope, f ListFilter) ([]Summary, string, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, "", err
	}
	c := sc.Clinic()
	if f.Status != "" && !ValidStatus(f.Status) {
		return nil, "", errs.BadRequest("invalid_query", "status %q is not a known state", f.Status)
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	if f.Limit < 1 || f.Limit > 100 {
		return nil, "", errs.BadRequest("invalid_query", "limit must be between 1 and 100")
	}
	q := s.db.WithContext(ctx).Table("articles AS a").
		Select("a.id, a.slug, a.status, a.version, a.current_revision AS revision, a.live_revision, r.title, u.name AS author_name, a.updated_at, a.scheduled_at").
		Joins("JOIN revisions r ON r.article_id = a.id AND r.number = a.current_revision").
		Joins("JOIN users u ON u.id = a.author_id").
		Where("a.clinic_id = ?", c.ID)
	if f.Status != "" {
		q = q.Where("a.status = ?", f.Status)
	}
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.BadRequest("invalid_query", "cursor is not valid; use the next value of the previous page")
		}
		q = q.Where("a.id < ?", before)
	}
	var out []Summary
	if err := q.Order("a.id DESC").Limit(f.Limit + 1).Scan(&out).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}

// Revisions lists every revision of an article, newest first.
func (s *Service) Revisions(ctx context.Context, sc clinic.Scope, id int64) ([]Revision, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	c := sc.Clinic()
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return nil, err
	}
	var out []Revision
	err := tx.Table("revisions AS r").Select("r.*, u.name AS author_name").Joins("JOIN users u ON u.id = r.author_id").
		Where("r.clinic_id = ? AND r.article_id = ?", c.ID, id).Order("r.number DESC").Find(&out).Error
	return out, err
}

// Revision returns revision n of an article.
func (s *Service) Revision(ctx context.Context, sc clinic.Scope, id int64, n int) (Revision, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return Revision{}, err
	}
	c := sc.Clinic()
	return revisionTx(s.db.WithContext(ctx), c.ID, id, n)
}

// Reviews lists an article's doctor reviews, newest first.
func (s *Service) Reviews(ctx context.Context, sc clinic.Scope, id int64) ([]Review, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	c := sc.Clinic()
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return nil, err
	}
	var out []Review
	err := tx.Table("reviews AS r").Select("r.*, u.name AS doctor_name").Joins("JOIN users u ON u.id = r.doctor_id").
		Where("r.clinic_id = ? AND r.article_id = ?", c.ID, id).Order("r.id DESC").Find(&out).Error
	return out, err
}

// Audit returns an article's audit trail, newest first.
func (s *Service) Audit(ctx context.Context, sc clinic.Scope, id int64) ([]audit.Entry, error) {
	if err := sc.Require(authz.ObjAudit, authz.ActRead); err != nil {
		return nil, err
	}
	c := sc.Clinic()
	if _, err := requireArticle(s.db.WithContext(ctx), sc, id); err != nil {
		return nil, err
	}
	return audit.List(ctx, s.db.DB, c.ID, audit.Filter{ArticleID: id, Limit: 500})
}
