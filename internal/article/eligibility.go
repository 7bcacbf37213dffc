package article

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/authz"
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
	rereview := IsRereview(a)
	if a.Status != StatusInReview && !rereview {
		return invalidState(a, "approve")
	}
	cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
	if err != nil {
		return err
	}
	r := Review{ClinicID: c.ID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
		DoctorID: actor.UserID, Decision: DecisionApprove}
	if err := checkSignoff(tx, a, cur, r, s.clock()); err != nil {
		return err
	}
	if rereview {
		// ReviewArticle runs the advertising-rule gate on a re-review too.
		return complianceGateTx(tx, a, cur)
	}
	return nil
}

// IsRereview reports whether a's current revision is its live revision,
// published and unchanged since it went live: the state in which
// ReviewArticle accepts a periodic re-review of that revision.
func IsRereview(a Article) bool {
	return a.Status == StatusPublished && a.LiveRevision != nil && *a.LiveRevision == a.CurrentRevision
}
