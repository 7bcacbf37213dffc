package article

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// AcknowledgeEligibility reports, without changing anything, whether actor
// could acknowledge blocking findings of the article's current revision
// now. It answers nil, or the error Acknowledge would answer for the doctor
// (403 forbidden, not_a_doctor, doctor_not_registered, credentials_expired,
// self_approval, 404), by running the same eligibleDoctorTx on the same
// data. Screens use it to decide whether to offer the Acknowledge forms;
// Acknowledge still checks everything itself.
func (s *Service) AcknowledgeEligibility(ctx context.Context, sc clinic.Scope, id int64) error {
	if err := sc.Require(authz.ObjArticle, authz.ActReview); err != nil {
		return err
	}
	actor := sc.Actor()
	tx := s.db.WithContext(ctx)
	a, err := requireArticle(tx, sc, id)
	if err != nil {
		return err
	}
	return eligibleDoctorTx(tx, a, a.CurrentRevision, actor.UserID, s.clock())
}
