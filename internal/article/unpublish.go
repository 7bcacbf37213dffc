package article

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
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
		return s.takeDown(tx, actor, a, nil)
	})
}

// takeDown takes a's live revision off the public site (and calls off a
// scheduled publish and a scheduled unpublish), audited as
// article.unpublished; extra is added to the entry's after-state.
func (s *Service) takeDown(tx *gorm.DB, actor authz.Actor, a *Article, extra map[string]any) error {
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
	a.LiveRevision, a.LiveApprovalID, a.ScheduledAt, a.UnpublishAt = nil, nil, nil, nil
	a.UpdatedAt = s.clock()
	if err := save(tx, a, a.Version); err != nil {
		return err
	}
	if err := s.cancelJobs(tx, *a, JobPublish, JobUnpublish); err != nil {
		return err
	}
	if err := s.proj.Drop(tx, a.ClinicID, a.ID); err != nil {
		return err
	}
	after := snapshot(*a)
	for k, v := range extra {
		after[k] = v
	}
	return s.record(tx, actor, *a, "article.unpublished", from, 0, before, after)
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
		a.LiveRevision, a.LiveApprovalID, a.ScheduledAt, a.ApprovalID, a.UnpublishAt = nil, nil, nil, nil, nil
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.cancelJobs(tx, *a, JobPublish, JobUnpublish); err != nil {
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
		if err := s.cancelJobs(tx, *a, JobPublish); err != nil {
			return err
		}
		return s.record(tx, sc.Actor(), *a, "article.schedule_cancelled", a.CurrentRevision, a.CurrentRevision, before, snapshot(*a))
	})
}

// ScheduleUnpublish takes the live revision down at at (it stays live, and
// the article keeps its status, until then). Rescheduling replaces the
// time. A time not in the future unpublishes now.
func (s *Service) ScheduleUnpublish(ctx context.Context, sc clinic.Scope, id int64, at time.Time, version *int) (View, error) {
	now := s.clock()
	t := at.UTC().Truncate(time.Second)
	validate := func() error {
		if t.After(now.AddDate(2, 0, 0)) {
			v := errs.Validation{}
			v.Add("at", "must be within two years")
			return v.Err()
		}
		return nil
	}
	return s.change(ctx, sc, id, authz.ActPublish, version, validate, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		if a.LiveRevision == nil {
			return errs.Conflict("not_published", "this article is not live")
		}
		if !t.After(now) {
			return s.takeDown(tx, sc.Actor(), a, nil)
		}
		before := snapshot(*a)
		a.UnpublishAt, a.UpdatedAt = &t, now
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.scheduleUnpublish(tx, *a, t); err != nil {
			return err
		}
		return s.record(tx, sc.Actor(), *a, "article.unpublish_scheduled", *a.LiveRevision, *a.LiveRevision, before, snapshot(*a))
	})
}

// CancelUnpublish calls off a scheduled unpublish; the live revision stays.
func (s *Service) CancelUnpublish(ctx context.Context, sc clinic.Scope, id int64, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActPublish, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		if a.UnpublishAt == nil {
			return errs.Conflict("not_scheduled", "this article has no scheduled unpublish to cancel")
		}
		before := snapshot(*a)
		a.UnpublishAt, a.UpdatedAt = nil, s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.cancelJobs(tx, *a, JobUnpublish); err != nil {
			return err
		}
		return s.record(tx, sc.Actor(), *a, "article.unpublish_cancelled", a.CurrentRevision, a.CurrentRevision, before, snapshot(*a))
	})
}

// FireUnpublish is the unpublish job of one article: if its scheduled
// unpublish is due, the live revision comes down (audited
// article.unpublished with "scheduled": true). An article with nothing
// due is done; one not yet due answers NotDue. Errors are retryable.
func (s *Service) FireUnpublish(ctx context.Context, clinicID, articleID int64) error {
	_, err := s.fireUnpublish(ctx, clinicID, articleID, "job:unpublish_article")
	return err
}

func (s *Service) fireUnpublish(ctx context.Context, clinicID, articleID int64, requestID string) (bool, error) {
	now := s.clock()
	system := authz.Actor{RequestID: requestID}
	tctx := projection.Track(ctx)
	went := false
	var wait time.Duration
	err := s.db.Tx(tctx, func(tx *gorm.DB) error {
		projection.Reset(tctx)
		went, wait = false, 0
		a, err := s.lockByID(tx, clinicID, articleID)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Status == 404 {
				return nil
			}
			return err
		}
		if a.UnpublishAt == nil {
			return nil
		}
		if a.UnpublishAt.After(now) {
			wait = a.UnpublishAt.Sub(now)
			return nil
		}
		if a.LiveRevision == nil { // nothing live any more: just clear the time
			a.UnpublishAt, a.UpdatedAt = nil, now
			return save(tx, &a, a.Version)
		}
		went = true
		return s.takeDown(tx, system, &a, map[string]any{"scheduled": true})
	})
	if err != nil {
		return false, err
	}
	s.announce(tctx)
	if wait > 0 {
		return false, notDue(wait)
	}
	return went, nil
}
