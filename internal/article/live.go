package article

import (
	"strings"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
)

// putLiveTx makes rev (approved by r) the live page of a, replacing any
// earlier live revision: live_articles, live_tags and the search index.
func (s *Service) putLiveTx(tx *gorm.DB, a Article, rev Revision, r *Review) error {
	if err := s.dropLiveTx(tx, a.ID); err != nil {
		return err
	}
	err := tx.Exec(`INSERT INTO live_articles (article_id, clinic_id, slug, revision, review_id, reviewer_id,
  first_published_at, published_at, review_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ClinicID, a.Slug, rev.Number, r.ID, r.DoctorID, *a.FirstPublishedAt, *a.PublishedAt, *a.ReviewDueAt).Error
	if err != nil {
		return err
	}
	for _, t := range rev.Tags {
		if err := tx.Exec(`INSERT INTO live_tags (clinic_id, tag, article_id, first_published_at) VALUES (?, ?, ?, ?)`,
			a.ClinicID, t, a.ID, *a.FirstPublishedAt).Error; err != nil {
			return err
		}
	}
	tags := strings.Join(rev.Tags, " ")
	if s.db.Dialect == db.Postgres {
		return tx.Exec(`UPDATE live_articles SET search =
  setweight(to_tsvector('english', ?), 'A') || setweight(to_tsvector('english', ?), 'B') ||
  setweight(to_tsvector('english', ?), 'B') || to_tsvector('english', ?) WHERE article_id = ?`,
			rev.Title, tags, rev.Summary, rev.Body, a.ID).Error
	}
	return tx.Exec(`INSERT INTO live_search (rowid, title, summary, body, tags) VALUES (?, ?, ?, ?, ?)`,
		a.ID, rev.Title, rev.Summary, rev.Body, tags).Error
}

// dropLiveTx takes article id off the public site.
func (s *Service) dropLiveTx(tx *gorm.DB, id int64) error {
	if err := tx.Exec(`DELETE FROM live_tags WHERE article_id = ?`, id).Error; err != nil {
		return err
	}
	if s.db.Dialect == db.SQLite {
		if err := tx.Exec(`DELETE FROM live_search WHERE rowid = ?`, id).Error; err != nil {
			return err
		}
	}
	return tx.Exec(`DELETE FROM live_articles WHERE article_id = ?`, id).Error
}
