package article

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// Publish puts the approved current revision live now, or schedules it
// when at is in the future. Without a current approval it answers 409
// not_approved.
func (s *Service) Publish(ctx context.Context, sc clinic.Scope, id int64, at *time.Time, version *int) (View, error) {
	now := s.clock()
	validate := func() error {
		if at == nil {
			return nil
		}
		t := at.UTC().Truncate(time.Second)
		if t.After(now.AddDate(2, 0, 0)) {
			v := errs.Validation{}
			v.Add("at", "must be within two years")
			return v.Err()
		}
		if !t.After(now) {
			at = nil // a time in the past means now
		} else {
			at = &t
		}
		return nil
	}
	return s.change(ctx, sc, id, authz.ActPublish, version, validate, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		if a.Status != StatusApproved && a.Status != StatusScheduled {
			if a.Status == StatusPublished && a.LiveRevision != nil && *a.LiveRevision == a.CurrentRevision {
				return errs.Conflict("already_published", "revision %d is already live", a.CurrentRevision)
			}
			return errs.Conflict("not_approved", "only an approved revision can be published; this article is %s", strings.ReplaceAll(a.Status, "_", " "))
		}
		r, rev, err := currentApprovalTx(tx, *a, now)
		if err != nil {
			return err
		}
		before := snapshot(*a)
		if at != nil {
			a.Status = StatusScheduled
			a.ScheduledAt = at
			a.UpdatedAt = now
			if err := save(tx, a, a.Version); err != nil {
				return err
			}
			if err := s.schedulePublish(tx, *a, *at); err != nil {
				return err
			}
			return s.record(tx, actor, *a, "article.scheduled", rev.Number, rev.Number, before, snapshot(*a))
		}
		if a.Status == StatusScheduled { // published now: the waiting job has nothing left to do
			if err := s.cancelJobs(tx, *a, JobPublish); err != nil {
				return err
			}
		}
		return s.goLive(tx, actor, c, a, r, rev, before, now)
	})
}

func (s *Service) goLive(tx *gorm.DB, actor authz.Actor, c clinic.Clinic, a *Article, r *Review, rev Revision, before map[string]any, now time.Time) error {
	from := 0
	if a.LiveRevision != nil {
		from = *a.LiveRevision
	}
	n := rev.Number
	a.Status = StatusPublished
	a.LiveRevision = &n
	a.LiveApprovalID = &r.ID
	a.PublishedAt = &now
	if a.FirstPublishedAt == nil {
		a.FirstPublishedAt = &now
	}
	due := r.CreatedAt.AddDate(0, 0, c.ReviewIntervalDays)
	a.ReviewDueAt = &due
	a.ScheduledAt = nil
	a.UpdatedAt = now
	if err := save(tx, a, a.Version); err != nil {
		return err
	}
	if err := s.proj.Put(tx, projection.Live{ClinicID: a.ClinicID, ArticleID: a.ID, Slug: a.Slug, Revision: n,
		ReviewID: r.ID, ReviewerID: r.DoctorID, FirstPublishedAt: *a.FirstPublishedAt, PublishedAt: *a.PublishedAt,
		ReviewDueAt: *a.ReviewDueAt, Title: rev.Title, Summary: rev.Summary, Body: rev.Body, Tags: rev.Tags}); err != nil {
		return fmt.Errorf("article: put live: %w", err)
	}
	return s.record(tx, actor, *a, "article.published", from, n, before,
		map[string]any{"live_revision": n, "content_hash": rev.ContentHash, "approval_id": r.ID,
			"approved_by": r.DoctorID, "registration_number": r.RegistrationNumber})
}

// FireScheduled publishes every scheduled article whose time has come
// (and takes down every live article whose scheduled unpublish is due),
// re-checking the sign-off as it fires. Racing a job is harmless: each
// article is fired under its row lock and whoever comes second finds
// nothing due. One article's failure does not stop the others. It returns
// how many changed.
func (s *Service) FireScheduled(ctx context.Context) (int, error) {
	return s.fireDue(ctx, s.clock())
}

// ScheduleGrace is how late a schedule must be before the safety-net scan
// fires it instead of its job.
const ScheduleGrace = 2 * time.Minute

// SweepSchedules is the safety net behind the River jobs (a periodic job
// every 10 minutes): it fires only schedules overdue by more than
// ScheduleGrace, that is those whose job is gone (discarded after its
// last attempt, a schedule restored from a backup, a queue that was down).
func (s *Service) SweepSchedules(ctx context.Context) (int, error) {
	return s.fireDue(ctx, s.clock().Add(-ScheduleGrace))
}

func (s *Service) fireDue(ctx context.Context, now time.Time) (int, error) {
	type key struct{ ClinicID, ID int64 }
	var due, down []key
	if err := s.db.WithContext(ctx).Model(&Article{}).Select("clinic_id, id").
		Where("status = ? AND scheduled_at <= ?", StatusScheduled, now).Order("scheduled_at, id").
		Limit(500).Scan(&due).Error; err != nil {
		return 0, err
	}
	if err := s.db.WithContext(ctx).Model(&Article{}).Select("clinic_id, id").
		Where("unpublish_at IS NOT NULL AND unpublish_at <= ?", now).Order("unpublish_at, id").
		Limit(500).Scan(&down).Error; err != nil {
		return 0, err
	}
	fired := 0
	var errList []error
	for _, d := range due {
		went, err := s.firePublish(ctx, d.ClinicID, d.ID, "scan:scheduled-publish")
		if err != nil {
			errList = append(errList, fmt.Errorf("article %d: %w", d.ID, err))
		} else if went {
			fired++
		}
	}
	for _, d := range down {
		went, err := s.fireUnpublish(ctx, d.ClinicID, d.ID, "scan:scheduled-unpublish")
		if err != nil {
			errList = append(errList, fmt.Errorf("article %d: %w", d.ID, err))
		} else if went {
			fired++
		}
	}
	return fired, errors.Join(errList...)
}

// FirePublish is the publish job of one article: if its schedule is due
// it goes live, re-checking the sign-off (invariants 1 and 2) as it fires;
// an article whose sign-off no longer holds goes back to in_review,
// audited (article.schedule_refused), and the job is done. An article no
// longer scheduled is done too. A job that fires before the article's time
// (clock skew) is snoozed until then. It returns an error only for a
// failure worth retrying.
func (s *Service) FirePublish(ctx context.Context, clinicID, articleID int64) error {
	_, err := s.firePublish(ctx, clinicID, articleID, "job:publish_article")
	return err
}

// notDue is the wait until a schedule's time, answered by a job that came
// too early.
type notDue time.Duration

func (n notDue) Error() string { return fmt.Sprintf("not due for %s", time.Duration(n)) }

// NotDue reports whether err says the job fired early, and how long to wait.
func NotDue(err error) (time.Duration, bool) {
	var n notDue
	if errors.As(err, &n) {
		return time.Duration(n), true
	}
	return 0, false
}

// firePublish fires one article's schedule if due; requestID names the
// caller (the job or the scan) in the audit entry.
func (s *Service) firePublish(ctx context.Context, clinicID, articleID int64, requestID string) (bool, error) {
	now := s.clock()
	c, err := s.clinics.ByID(ctx, clinicID)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Status == 404 {
			return false, nil // the clinic is gone: nothing to publish
		}
		return false, err
	}
	system := authz.Actor{RequestID: requestID}
	tctx := projection.Track(ctx)
	went := false
	var wait time.Duration
	err = s.db.Tx(tctx, func(tx *gorm.DB) error {
		projection.Reset(tctx)
		went, wait = false, 0
		a, err := s.lockByID(tx, clinicID, articleID)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Status == 404 {
				return nil
			}
			return err
		}
		if a.Status != StatusScheduled || a.ScheduledAt == nil {
			return nil
		}
		if a.ScheduledAt.After(now) {
			wait = a.ScheduledAt.Sub(now)
			return nil
		}
		before := snapshot(a)
		r, rev, err := currentApprovalTx(tx, a, now)
		if err != nil {
			e, ok := errs.As(err)
			if !ok {
				return err
			}
			a.Status, a.ApprovalID, a.ScheduledAt, a.UpdatedAt = StatusInReview, nil, nil, now
			if err := save(tx, &a, a.Version); err != nil {
				return err
			}
			return s.record(tx, system, a, "article.schedule_refused", a.CurrentRevision, 0, before,
				map[string]any{"code": e.Code, "reason": e.Message})
		}
		went = true
		return s.goLive(tx, system, c, &a, r, rev, before, now)
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

// lockByID loads an article by clinic and id for a change (FOR UPDATE on
// PostgreSQL), for the jobs that act without a caller's scope.
func (s *Service) lockByID(tx *gorm.DB, clinicID, id int64) (Article, error) {
	if s.db.Dialect == db.Postgres {
		tx = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return loadTx(tx, clinicID, id)
}

// RecordJobFailure writes, in the article's audit trail, that its
// scheduled job gave up after its last attempt (the clinic admin sees it
// there and in the failed-jobs list).
func (s *Service) RecordJobFailure(ctx context.Context, clinicID, articleID int64, kind string, attempts int, lastErr string) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		a, err := loadTx(tx, clinicID, articleID)
		if err != nil {
			return err
		}
		// The job's error text stays out of the trail (it may carry
		// internal detail); the operator's log and the job row have it.
		_ = lastErr
		return s.record(tx, authz.Actor{RequestID: "job:" + kind}, a, "article.job_failed", a.CurrentRevision, a.CurrentRevision,
			nil, map[string]any{"job": kind, "attempts": attempts})
	})
}
