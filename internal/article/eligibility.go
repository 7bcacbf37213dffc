package article

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/authz"
)

// SignoffEligibility reports, without changing anything, whether actor could
// approve the article's current revision now. It answers nil, or the very
// error ReviewArticle would answer (not_a_doctor, doctor_not_registered,
// credentials_expired, self_approval, invalid_state, 403 forbidden, 404), by
// running the same checkSignoff on the same data. Screens use it to decide
// whether to offer an Approve button and to say why not; the server still
// refuses in ReviewArticle whatever a screen offered.
func (s *Service) SignoffEligibility(ctx context.Context, actor authz.Actor, clinicSlug string, id int64) error {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActReview)
	if err != nil {
		return err
	}
	tx := s.db.WithContext(ctx)
	a, err := loadTx(tx, c.ID, id)
	if err != nil {
		return err
	}
	if a.Status != StatusInReview {
		return invalidState(a, "approve")
	}
	cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
	if err != nil {
		return err
	}
	r := Review{ClinicID: c.ID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
		DoctorID: actor.UserID, Decision: DecisionApprove}
	return checkSignoff(tx, a, cur, r, s.clock())
}
