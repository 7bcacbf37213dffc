package article

import (
	"context"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Unpublish takes the live revision off the public site (or cancels a
// schedule). The working copy is kept.
func (s *Service) Unpublish(ctx context.Context, sc clinic.Scope, id int64, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActPublish, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		actor := sc.Actor()
		if a.LiveRevision == nil {
			if a.Status == StatusScheduled {
				return errs.Conflict("not_published", "this article is not live; to call off its scheduled publish, cancel the schedule")
			}
			return errs.Conflict("not_published", "this article is not live")
		}
		before := snapshot(*a)
		from := 0
		if a.LiveRevision != nil {
			from = *a.LiveRevision
		}
		switch a.Status {
		case StatusPublished:
			a.Status = StatusUnpublished
		case StatusScheduled:
			a.Status = StatusApproved
		}
		a.LiveRevision, a.LiveApprovalID, a.ScheduledAt = nil, nil, nil
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.proj.Drop(tx, a.ClinicID, a.ID); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.unpublished", from, 0, before, snapshot(*a))
	})
}

// Archive retires an article from any state; it leaves the public site.
func (s *Service) Archive(ctx context.Context, sc clinic.Scope, id int64, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActPublish, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		actor := sc.Actor()
		if a.Status == StatusArchived {
			return invalidState(*a, "archive")
		}
		before := snapshot(*a)
		a.Status = StatusArchived
		a.LiveRevision, a.LiveApprovalID, a.ScheduledAt, a.ApprovalID = nil, nil, nil, nil
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.proj.Drop(tx, a.ClinicID, a.ID); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.archived", a.CurrentRevision, 0, before, snapshot(*a))
	})
}

// CancelSchedule calls off a scheduled publish: the working copy goes back
// to approved and whatever is live stays live.
func (s *Service) CancelSchedule(ctx context.Context, sc clinic.Scope, id int64, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActPublish, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		if a.Status != StatusScheduled {
			return errs.Conflict("not_scheduled", "this article has no scheduled publish to cancel")
		}
		before := snapshot(*a)
		a.Status, a.ScheduledAt, a.UpdatedAt = StatusApproved, nil, s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, sc.Actor(), *a, "article.schedule_cancelled", a.CurrentRevision, a.CurrentRevision, before, snapshot(*a))
	})
}
