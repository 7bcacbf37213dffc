package article

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// SignoffEligibility reports, without changing anything, whether actor could
// approve the article's current revision now. It answers nil, or the very
// error ReviewArticle would answer (not_a_doctor, doctor_not_registered,
// credentials_expired, self_approval, compliance_blocked on a re-review,
// invalid_state, 403 forbidden, 404), by running the same checkSignoff on the
// same data. Two states can be approved: a revision in review, and a
// published live revision unchanged since it went live (a re-review, which
// renews its sign-off and its review_due_at). Screens use it to decide
// whether to offer an Approve button and to say why not; the server still
// refuses in ReviewArticle whatever a screen offered.
func (s *Service) SignoffEligibility(ctx context.Context, sc clinic.Scope, id int64) error {
	if err := sc.Require(authz.ObjArticle, authz.ActReview); err != nil {
		return err
	}
	c, actor := sc.Clinic(), sc.Actor()
	tx := s.db.WithContext(ctx)
	a, err := requireArticle(tx, sc, id)
	if err != nil {
		return err
	}
	cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
	if err != nil {
		return err
	}
	return approvableTx(tx, a, cur, actor.UserID, s.clock())
}
