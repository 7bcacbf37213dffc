package article

import (
	"context"
	"fmt"

	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// ReviewInput is a doctor's decision on the exact revision they read.
type ReviewInput struct {
	Decision    string
	Revision    int
	ContentHash string
	Note        string
	// Attest is the doctor's confirmation of the Attestation text for this
	// decision, revision and hash; without it nothing is signed.
	Attest bool
	// Signature is the doctor's fresh re-authentication, bound to
	// Revision and ContentHash (see account.VerifySignature).
	Signature account.Signature
}

// ReviewArticle records a doctor's decision. Approval is bound to the
// revision number and content hash the doctor saw: a revision or hash that
// is no longer current answers 409 stale_revision. The doctor must be
// eligible (see checkSignoff). Every decision is an electronic signature:
// in.Signature must be a fresh re-authentication bound to in.Revision and
// in.ContentHash (422 signature_required, 403 signature_invalid, 409
// signature_stale, signature_reused or signature_expired otherwise); the
// review row and its audit entry record the method, time and attestation.
func (s *Service) ReviewArticle(ctx context.Context, sc clinic.Scope, id int64, in ReviewInput) (View, error) {
	validate := func() error {
		var v errs.Validation
		if in.Decision != DecisionApprove && in.Decision != DecisionRequestChanges {
			v.Add("decision", "must be approve or request_changes")
		}
		if in.Revision <= 0 {
			v.Add("revision", "is required: the revision number you reviewed")
		}
		if !strings.HasPrefix(in.ContentHash, "sha256:") {
			v.Add("content_hash", "is required: the content hash of the revision you reviewed")
		}
		in.Note = strings.TrimSpace(in.Note)
		if in.Decision == DecisionRequestChanges && in.Note == "" {
			v.Add("note", "say what needs to change")
		}
		if utf8.RuneCountInString(in.Note) > 5000 {
			v.Add("note", "must be at most 5000 characters")
		}
		if !in.Attest {
			v.Add("attest", "confirm that you have medically reviewed this exact revision and content hash")
		}
		return v.Err()
	}
	method, err := s.signChecked(ctx, sc, id, in.Revision, in.ContentHash, in.Signature, validate)
	if err != nil {
		return View{}, err
	}
	return s.change(ctx, sc, id, authz.ActReview, nil, validate, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		// A live revision unchanged since it went live can be re-reviewed:
		// approving it again renews its sign-off without a new revision.
		rereview := IsRereview(*a)
		if a.Status != StatusInReview && !rereview {
			return invalidState(*a, "review")
		}
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if in.Revision != cur.Number || in.ContentHash != cur.ContentHash {
			e := errs.Conflict("stale_revision", "you reviewed revision %d but the current revision is %d (%s); review the current text", in.Revision, cur.Number, cur.ContentHash)
			e.Extra = map[string]any{"current_revision": cur.Number, "current_content_hash": cur.ContentHash}
			return e
		}
		m, err := clinic.MembershipTx(tx, c.ID, actor.UserID)
		if err != nil {
			return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can review")
		}
		now := s.clock()
		r := Review{ClinicID: c.ID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
			DoctorID: actor.UserID, Decision: in.Decision, Note: in.Note, RegistrationNumber: m.RegistrationNumber,
			Specialty: m.Specialty, Attestation: Attestation(in.Decision, rereview, cur.Number, cur.ContentHash), SignatureMethod: method, CreatedAt: now}
		if in.Decision == DecisionApprove {
			if err := approvableTx(tx, *a, cur, actor.UserID, now); err != nil {
				return err
			}
		} else if m.Role != authz.RoleDoctor {
			return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can review")
		}
		if err := tx.Omit("doctor_name").Create(&r).Error; err != nil {
			return fmt.Errorf("article: insert review: %w", err)
		}
		before := snapshot(*a)
		action := "review.changes_requested"
		switch {
		case in.Decision == DecisionApprove && rereview:
			due := now.AddDate(0, 0, c.ReviewIntervalDays)
			a.ApprovalID, a.LiveApprovalID, a.ReviewDueAt = &r.ID, &r.ID, &due
			action = "review.rereviewed"
			if err := s.proj.Renew(tx, a.ClinicID, a.ID, r.ID, r.DoctorID, due); err != nil {
				return err
			}
		case in.Decision == DecisionApprove:
			a.Status = StatusApproved
			a.ApprovalID = &r.ID
			action = "review.approved"
		default:
			a.Status = StatusChangesRequested
		}
		a.UpdatedAt = now
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, actor, *a, action, cur.Number, cur.Number, before,
			map[string]any{"status": a.Status, "content_hash": cur.ContentHash, "note": in.Note,
				"registration_number": m.RegistrationNumber, "review_id": r.ID, "attestation": r.Attestation,
				"signed_by": actor.UserID, "signature_method": method, "signed_at": now})
	})
}
