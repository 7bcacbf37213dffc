package article

import (
	"context"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// Submit sends the current revision to the clinic's doctors.
func (s *Service) Submit(ctx context.Context, sc clinic.Scope, id int64, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActWrite, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		if a.Status != StatusDraft && a.Status != StatusChangesRequested {
			return invalidState(*a, "submit")
		}
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if err := complianceGateTx(tx, *a, cur); err != nil {
			return err
		}
		before := snapshot(*a)
		a.Status = StatusInReview
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.submitted", a.CurrentRevision, a.CurrentRevision, before, snapshot(*a))
	})
}
