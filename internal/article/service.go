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
