package article

import (
	"context"
	"fmt"

	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
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
			return s.record(tx, actor, *a, "article.scheduled", rev.Number, rev.Number, before, snapshot(*a))
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

// FireScheduled publishes every scheduled article whose time has come,
// re-checking the sign-off (invariants 1 and 2) as it fires. An article
// whose sign-off no longer holds goes back to in_review, audited. It
// returns how many went live.
func (s *Service) FireScheduled(ctx context.Context) (int, error) {
	now := s.clock()
	var due []Article
	if err := s.db.WithContext(ctx).Where("status = ? AND scheduled_at <= ?", StatusScheduled, now).Order("scheduled_at, id").
		Limit(500).Find(&due).Error; err != nil {
		return 0, err
	}
	system := authz.Actor{RequestID: "job:scheduled-publish"}
	fired := 0
	for _, d := range due {
		c, err := s.clinics.ByID(ctx, d.ClinicID)
		if err != nil {
			return fired, err
		}
		tctx := projection.Track(ctx)
		went := false
		err = s.db.Tx(tctx, func(tx *gorm.DB) error {
			projection.Reset(tctx)
			went = false
			a, err := loadTx(tx, d.ClinicID, d.ID)
			if err != nil {
				return err
			}
			if a.Status != StatusScheduled || a.ScheduledAt == nil || a.ScheduledAt.After(now) {
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
			return fired, fmt.Errorf("article %d: %w", d.ID, err)
		}
		if went {
			fired++
		}
		s.announce(tctx)
	}
	return fired, nil
}
