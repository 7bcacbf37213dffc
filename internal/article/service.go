package article

import (
	"context"

	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// Service runs the article workflow.
type Service struct {
	db      *db.DB
	clinics *clinic.Service
	proj    projection.Writer
	now     func() time.Time
	changed func(clinicID int64)
	signer  Signer
	sched   Scheduler
	onEvent func(action string)
}

// Scheduler puts the per-article timed transitions on the job queue inside
// the domain's transaction (implemented by *jobs.Queue): the job exists if
// and only if the schedule commits.
type Scheduler interface {
	SchedulePublishTx(ctx context.Context, tx *gorm.DB, clinicID, articleID int64, at time.Time) error
	ScheduleUnpublishTx(ctx context.Context, tx *gorm.DB, clinicID, articleID int64, at time.Time) error
	CancelTx(ctx context.Context, tx *gorm.DB, kind string, clinicID, articleID int64) (int, error)
}

// Job kinds the Scheduler is asked to cancel (the same names as in
// internal/jobs).
const (
	JobPublish   = "publish_article"
	JobUnpublish = "unpublish_article"
)

// UseScheduler makes schedules go through sch (app.Build wires the River
// queue; without one, only the safety-net scan fires schedules).
func (s *Service) UseScheduler(sch Scheduler) { s.sched = sch }

// OnEvent registers fn, called with every workflow audit action this
// service records (for metrics; it runs inside the transaction, so it
// must be quick and may count an action whose transaction then rolls back).
func (s *Service) OnEvent(fn func(action string)) { s.onEvent = fn }

func (s *Service) schedulePublish(tx *gorm.DB, a Article, at time.Time) error {
	if s.sched == nil {
		return nil
	}
	return s.sched.SchedulePublishTx(tx.Statement.Context, tx, a.ClinicID, a.ID, at)
}

func (s *Service) scheduleUnpublish(tx *gorm.DB, a Article, at time.Time) error {
	if s.sched == nil {
		return nil
	}
	return s.sched.ScheduleUnpublishTx(tx.Statement.Context, tx, a.ClinicID, a.ID, at)
}

// cancelJobs cancels the article's waiting jobs of the given kinds.
func (s *Service) cancelJobs(tx *gorm.DB, a Article, kinds ...string) error {
	if s.sched == nil {
		return nil
	}
	for _, k := range kinds {
		if _, err := s.sched.CancelTx(tx.Statement.Context, tx, k, a.ClinicID, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// New returns a Service. changed, if set, is called after a transaction that
// changed what a clinic's public pages show has committed (publish,
// unpublish, archive, schedule firing, re-review), to drop local caches; the
// site epoch itself moves inside that transaction (see projection).
func New(d *db.DB, clinics *clinic.Service, now func() time.Time, changed func(clinicID int64)) *Service {
	if now == nil {
		now = time.Now
	}
	if changed == nil {
		changed = func(int64) {}
	}
	return &Service{db: d, clinics: clinics, proj: projection.New(d.Dialect), now: now, changed: changed}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// change runs fn on the article inside one transaction after checking,
// from the membership row read in that same transaction, that the caller
// may do act; fn mutates a. version, when not nil, must match the stored
// version. validate runs once the article is found, so another clinic's
// caller learns nothing, not even 422; it may run again if the transaction
// is retried, so it must only check and normalise its input.
func (s *Service) change(ctx context.Context, sc clinic.Scope, id int64, act string, version *int,
	validate func() error, fn func(tx *gorm.DB, sc clinic.Scope, a *Article) error) (View, error) {
	if err := sc.Require(authz.ObjArticle, act); err != nil {
		return View{}, err
	}
	var out View
	ctx = projection.Track(ctx)
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		projection.Reset(ctx)
		out = View{}
		fresh, err := s.clinics.ResolveTx(tx, sc, authz.ObjArticle, act)
		if err != nil {
			return err
		}
		a, err := s.lockArticle(tx, fresh, id)
		if err != nil {
			return err
		}
		if validate != nil { // after the lookup: another clinic's id answers 404, never 422
			if err := validate(); err != nil {
				return err
			}
		}
		if version != nil && *version != a.Version {
			return versionConflict(*version, &a)
		}
		if err := fn(tx, fresh, &a); err != nil {
			return err
		}
		out, err = viewTx(tx, a)
		return err
	})
	if err == nil {
		s.announce(ctx)
	}
	return out, err
}

// announce tells the local caches which clinics' pages the tracked,
// committed transaction changed.
func (s *Service) announce(ctx context.Context) {
	for _, id := range projection.Changed(ctx) {
		s.changed(id)
	}
}

func invalidState(a Article, action string) error {
	return errs.Conflict("invalid_state", "cannot %s an article that is %s", action, strings.ReplaceAll(a.Status, "_", " "))
}

func versionConflict(based int, cur *Article) error {
	e := errs.Conflict("version_conflict", "the article changed since version %d; reload it, merge your text and save again", based)
	if cur != nil {
		e.Extra = map[string]any{"current_version": cur.Version, "current_revision": cur.CurrentRevision}
	}
	return e
}
