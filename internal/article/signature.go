package article

import (
	"context"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Signer checks the fresh re-authentication that makes a decision an
// electronic signature, spends it, and names the method
// (account.VerifySignature).
type Signer interface {
	VerifySignature(ctx context.Context, userID int64, sig account.Signature, b account.Binding) (string, error)
	SignatureChallenge(ctx context.Context, userID int64, b account.Binding) (account.SignChallenge, error)
}

// SignatureChallenge issues a single-use challenge, valid for
// account.ChallengeTTL, bound to revision rev with content hash hash of
// article id in the caller's clinic; a passkey signature must answer it.
// Only callers who may review get one (403 otherwise; 404 for another
// clinic's article); a revision or hash that is not current answers 409
// stale_revision.
func (s *Service) SignatureChallenge(ctx context.Context, sc clinic.Scope, id int64, rev int, hash string, rp account.RelyingParty) (account.SignChallenge, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActReview); err != nil {
		return account.SignChallenge{}, err
	}
	tx := s.db.WithContext(ctx)
	a, err := requireArticle(tx, sc, id)
	if err != nil {
		return account.SignChallenge{}, err
	}
	cur, err := revisionTx(tx, sc.ClinicID(), a.ID, a.CurrentRevision)
	if err != nil {
		return account.SignChallenge{}, err
	}
	if rev != cur.Number || hash != cur.ContentHash {
		e := errs.Conflict("stale_revision", "the current revision is %d (%s)", cur.Number, cur.ContentHash)
		e.Extra = map[string]any{"current_revision": cur.Number, "current_content_hash": cur.ContentHash}
		return account.SignChallenge{}, e
	}
	if s.signer == nil {
		return account.SignChallenge{}, errs.New(422, "signature_required", "signatures are not configured")
	}
	return s.signer.SignatureChallenge(ctx, sc.Actor().UserID, account.Binding{ClinicID: sc.ClinicID(), ArticleID: id, Revision: rev, ContentHash: hash, RP: rp})
}

// SetSigner installs the signature check; without one every signature
// is refused (signature_required).
func (s *Service) SetSigner(sg Signer) { s.signer = sg }

// signChecked verifies sig as the actor's signature on revision rev
// (hash) of article id, after checking that the caller may review, that
// the article exists in the caller's clinic (another clinic's id answers
// 404 before anything else) and that the input is valid (validate), so a
// signature is spent only on a request that can succeed as far as its
// shape goes.
func (s *Service) signChecked(ctx context.Context, sc clinic.Scope, id int64, rev int, hash string, sig account.Signature, validate func() error) (string, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActReview); err != nil {
		return "", err
	}
	if _, err := requireArticle(s.db.WithContext(ctx), sc, id); err != nil {
		return "", err
	}
	if err := validate(); err != nil {
		return "", err
	}
	if s.signer == nil {
		return "", errs.New(422, "signature_required", "signatures are not configured")
	}
	return s.signer.VerifySignature(ctx, sc.Actor().UserID, sig, account.Binding{ClinicID: sc.ClinicID(), ArticleID: id, Revision: rev, ContentHash: hash, RP: sig.RP})
}

// secondFactorRuleTx refuses a sign-off (403 second_factor_required) by a
// doctor without an enrolled second factor when the clinic requires one.
func secondFactorRuleTx(tx *gorm.DB, clinicID, userID int64) error {
	var required bool
	if err := tx.Raw(`SELECT require_second_factor FROM clinics WHERE id = ?`, clinicID).Scan(&required).Error; err != nil {
		return err
	}
	if !required {
		return nil
	}
	f, err := account.FactorsTx(tx, userID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return errs.Forbidden("second_factor_required", "this clinic requires a second factor (a passkey or an authenticator app) before you sign off; set one up under Security")
	}
	return nil
}
