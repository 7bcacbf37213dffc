package article

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
)

// ApplyOverdue marks every live article whose re-review is past due, once,
// and applies its clinic's overdue policy: "notice" and "noindex" keep the
// page live (the public site shows a notice, or adds noindex, while
// live_articles.overdue_since is set), "unpublish" takes it down. Each is
// audited. It returns how many articles became overdue.
func (s *Service) ApplyOverdue(ctx context.Context) (int, error) {
	now := s.clock()
	var due []struct {
		ArticleID int64
		ClinicID  int64
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT article_id, clinic_id FROM live_articles
WHERE overdue_since IS NULL AND review_due_at <= ? ORDER BY review_due_at, article_id LIMIT 500`, now).Scan(&due).Error; err != nil {
		return 0, err
	}
	system := authz.Actor{RequestID: "job:review-overdue"}
	for _, d := range due {
		c, err := s.clinics.ByID(ctx, d.ClinicID)
		if err != nil {
			return 0, err
		}
		err = s.db.Tx(ctx, func(tx *gorm.DB) error {
			a, err := loadTx(tx, d.ClinicID, d.ArticleID)
			if err != nil {
				return err
			}
			res := tx.Exec(`UPDATE live_articles SET overdue_since = ? WHERE article_id = ? AND overdue_since IS NULL`, now, a.ID)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // another instance got there first
			}
			live := 0
			if a.LiveRevision != nil {
				live = *a.LiveRevision
			}
			if err := s.record(tx, system, a, "article.review_overdue", live, live, nil,
				map[string]any{"policy": c.OverduePolicy, "review_due_at": a.ReviewDueAt}); err != nil {
				return err
			}
			if c.OverduePolicy != "unpublish" {
				return nil
			}
			before := snapshot(a)
			if a.Status == StatusPublished {
				a.Status = StatusUnpublished
			}
			a.LiveRevision, a.LiveApprovalID, a.UpdatedAt = nil, nil, now
			if err := save(tx, &a, a.Version); err != nil {
				return err
			}
			if err := s.dropLiveTx(tx, a.ID); err != nil {
				return err
			}
			return s.record(tx, system, a, "article.unpublished", live, 0, before, snapshot(a))
		})
		if err != nil {
			return 0, fmt.Errorf("article %d: %w", d.ArticleID, err)
		}
		s.changed(d.ClinicID)
	}
	return len(due), nil
}
