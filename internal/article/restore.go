package article

import (
	"context"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// Restore makes a new draft revision with the content of revision n; it
// needs a new sign-off like any other edit.
func (s *Service) Restore(ctx context.Context, sc clinic.Scope, id int64, n int, version *int) (View, error) {
	return s.change(ctx, sc, id, authz.ActWrite, version, nil, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		if a.Status == StatusArchived {
			return invalidState(*a, "restore")
		}
		old, err := revisionTx(tx, c.ID, a.ID, n)
		if err != nil {
			return err
		}
		d := Draft{Title: old.Title, Summary: old.Summary, Body: old.Body, Tags: old.Tags}
		return s.newRevision(tx, actor, c, a, snapshot(*a), d, ContentHash(a.Slug, d.Title, d.Summary, d.Body, d.Tags), &n)
	})
}
