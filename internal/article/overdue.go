package article

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/projection"
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
		tctx := projection.Track(ctx)
		err = s.db.Tx(tctx, func(tx *gorm.DB) error {
			projection.Reset(tctx)
			a, err := loadTx(tx, d.ClinicID, d.ArticleID)
			if err != nil {
				return err
			}
			marked, err := s.proj.MarkOverdue(tx, a.ClinicID, a.ID, now)
			if err != nil || !marked {
				return err // !marked: another instance got there first
			}
			live := 0
			if a.LiveRevision != nil {
				live = *a.LiveRevision
			}
			if err := s.record(tx, system, a, "article.review_overdue", live, live, nil,
				map[string]any{"policy": c.OverduePolicy, "review_due_at": a.ReviewDueAt}); err != nil {
				return err
			}
			if c.OverduePolicy != clinic.OverdueUnpublish {
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
			if err := s.proj.Drop(tx, a.ClinicID, a.ID); err != nil {
				return err
			}
			return s.record(tx, system, a, "article.unpublished", live, 0, before, snapshot(a))
		})
		if err != nil {
			return 0, fmt.Errorf("article %d: %w", d.ArticleID, err)
		}
		s.announce(tctx)
	}
	return len(due), nil
}
