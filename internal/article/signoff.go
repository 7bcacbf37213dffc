package article

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// approvableTx decides whether doctorID may approve a's current revision
// cur now: a revision in review, or a live revision unchanged since it went
// live (a re-review, which must also pass the advertising-rule gate), with
// the sign-off rules of checkSignoff. ReviewArticle and SignoffEligibility
// both ask it, so a screen never offers what the server refuses.
func approvableTx(tx *gorm.DB, a Article, cur Revision, doctorID int64, now time.Time) error {
	rereview := IsRereview(a)
	if a.Status != StatusInReview && !rereview {
		return invalidState(a, "approve")
	}
	r := Review{ClinicID: a.ClinicID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
		DoctorID: doctorID, Decision: DecisionApprove}
	if err := checkSignoff(tx, a, cur, r, now); err != nil {
		return err
	}
	if rereview {
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

// checkSignoff enforces invariants 1 and 2 for approval r of revision rev:
// the hash matches the revision's content, and the doctor is a doctor
// member of the clinic with a verified registration and unexpired
// credentials (and a second factor when the clinic requires one) who authored no revision since the previous approval.
func checkSignoff(tx *gorm.DB, a Article, rev Revision, r Review, now time.Time) error {
	if r.Decision != DecisionApprove || r.RevisionNumber != rev.Number || r.ContentHash != rev.ContentHash ||
		ContentHash(a.Slug, rev.Title, rev.Summary, rev.Body, rev.Tags) != rev.ContentHash {
		return errs.Conflict("not_approved", "the approval does not match the revision's content")
	}
	return eligibleDoctorTx(tx, a, rev.Number, r.DoctorID, now)
}

// eligibleDoctorTx enforces invariant 2 for doctorID signing off on
// revision number rev: a doctor member of the clinic with a registration
// number and unexpired credentials, who authored no revision since the
// previous approval (the approval before rev, when rev is itself approved).
func eligibleDoctorTx(tx *gorm.DB, a Article, rev int, doctorID int64, now time.Time) error {
	m, err := clinic.MembershipTx(tx, a.ClinicID, doctorID)
	switch {
	case errs.HasCode(err, "not_found"):
		return errs.Forbidden("not_a_doctor", "the approving doctor is no longer a member of this clinic")
	case err != nil:
		return err
	case m.Role != authz.RoleDoctor:
		return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can approve")
	case strings.TrimSpace(m.RegistrationNumber) == "":
		return errs.Forbidden("doctor_not_registered", "a doctor needs a registration number on their profile before signing off; ask a clinic admin to add it")
	case !m.CredentialsValidOn(now):
		return errs.Forbidden("credentials_expired", "the doctor's practising certificate is missing an expiry date or expired; update your doctor profile, then a credential verifier checks it again")
	case m.VerifiedAt == nil:
		return errs.Forbidden("doctor_unverified", "a credential verifier has not yet checked this doctor's registration in the public register (or a change voided the check); sign-off waits for that check")
	}
	if err := secondFactorRuleTx(tx, a.ClinicID, doctorID); err != nil {
		return err
	}
	prev := 0
	if err := tx.Model(&Review{}).Select("COALESCE(MAX(revision_number), 0)").
		Where("clinic_id = ? AND article_id = ? AND decision = ? AND revision_number < ?", a.ClinicID, a.ID, DecisionApprove, rev).
		Scan(&prev).Error; err != nil {
		return err
	}
	wrote, err := authoredTx(tx, a, prev, rev, doctorID)
	if err != nil {
		return err
	}
	if wrote {
		return errs.Forbidden("self_approval", "you wrote part of this text since the last approval; another doctor of the clinic must review it")
	}
	return nil
}

// authoredTx reports whether doctorID is an author of revision rev's text:
// they wrote a revision since the previous approval prev; or a revision in
// that range restores (directly or through earlier restores) one they
// wrote; or they wrote, at any time, a revision with exactly rev's content.
// However a text came back, its author cannot approve it.
func authoredTx(tx *gorm.DB, a Article, prev, rev int, doctorID int64) (bool, error) {
	var revs []struct {
		Number       int
		AuthorID     int64
		RestoredFrom *int
		ContentHash  string
	}
	if err := tx.Model(&Revision{}).Select("number, author_id, restored_from, content_hash").
		Where("clinic_id = ? AND article_id = ? AND number <= ?", a.ClinicID, a.ID, rev).Scan(&revs).Error; err != nil {
		return false, err
	}
	byNumber := make(map[int]int, len(revs))
	for i, r := range revs {
		byNumber[r.Number] = i
	}
	target, ok := byNumber[rev]
	if !ok {
		return false, errs.NotFound("revision")
	}
	for _, r := range revs {
		if r.AuthorID == doctorID && r.ContentHash == revs[target].ContentHash {
			return true, nil
		}
	}
	for n := prev + 1; n <= rev; n++ {
		// Follow the restore chain; seen guards against a malformed loop.
		seen := map[int]bool{}
		for i, ok := byNumber[n]; ok && !seen[revs[i].Number]; i, ok = byNumber[derefOr(revs[i].RestoredFrom, -1)] {
			seen[revs[i].Number] = true
			if revs[i].AuthorID == doctorID {
				return true, nil
			}
		}
	}
	return false, nil
}

func derefOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// currentApprovalTx returns the approval of a's current revision after
// re-checking invariants 1 and 2, or 409 not_approved.
func currentApprovalTx(tx *gorm.DB, a Article, now time.Time) (*Review, Revision, error) {
	rev, err := revisionTx(tx, a.ClinicID, a.ID, a.CurrentRevision)
	if err != nil {
		return nil, rev, err
	}
	r, err := reviewTx(tx, a.ClinicID, a.ApprovalID)
	if err != nil {
		return nil, rev, err
	}
	if r == nil {
		return nil, rev, errs.Conflict("not_approved", "revision %d has no doctor approval; submit it for review first", rev.Number)
	}
	if err := checkSignoff(tx, a, rev, *r, now); err != nil {
		return nil, rev, err
	}
	if err := complianceGateTx(tx, a, rev); err != nil {
		return nil, rev, err
	}
	return r, rev, nil
}
