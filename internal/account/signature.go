package account

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// Signature is the fresh re-authentication that makes a review decision
// an electronic signature: a passkey assertion over a challenge from
// SignatureChallenge, or the password plus an authenticator code (when
// the signer has an authenticator app), or the password alone (only when
// the signer has no second factor at all).
type Signature struct {
	Method      string // MethodPasskey, MethodPasswordTOTP or MethodPassword
	Password    string
	TOTP        string
	ChallengeID string
	Assertion   []byte // the browser's PublicKeyCredential JSON
	// RP is where the signer's browser runs the passkey ceremony.
	RP RelyingParty
}

// Binding is what a signature signs: one revision of one article, by
// number and content hash.
type Binding struct {
	// RP is where a passkey ceremony runs (not part of what is signed).
	RP          RelyingParty
	ClinicID    int64
	ArticleID   int64
	Revision    int
	ContentHash string
}

// SignChallenge is a signature challenge: single-use, bound to one
// Binding, usable for ChallengeTTL.
type SignChallenge struct {
	ID        string    `json:"challenge_id"`
	ExpiresAt time.Time `json:"expires_at"`
	// PublicKey holds WebAuthn request options when the signer has
	// passkeys (pass it to navigator.credentials.get).
	PublicKey any `json:"options,omitempty"`
}

// SignatureChallenge issues a challenge bound to b for userID. With
// passkeys enrolled the WebAuthn challenge is derived from b and a server
// nonce, so the assertion itself names the revision and hash.
func (s *Service) SignatureChallenge(ctx context.Context, userID int64, b Binding) (SignChallenge, error) {
	c := challenge{UserID: userID, Purpose: "sign", ClinicID: &b.ClinicID, ArticleID: &b.ArticleID, RevisionNumber: &b.Revision, ContentHash: b.ContentHash}
	var out SignChallenge
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		f, err := FactorsTx(tx, userID)
		if err != nil {
			return err
		}
		if f.Passkeys > 0 {
			opts, data, err := s.beginAssertionTx(tx, userID, b)
			if err != nil {
				return err
			}
			c.SessionData, out.PublicKey = data, opts
		}
		if err := s.newChallengeTx(tx, &c); err != nil {
			return err
		}
		out.ID, out.ExpiresAt = c.ID, c.ExpiresAt
		return nil
	})
	return out, err
}

func signatureRequired(format string, args ...any) *errs.Error {
	return errs.New(422, "signature_required", format, args...)
}

// VerifySignature checks sig as userID's signature over b and spends it;
// it returns the method used. Refusals: 422 signature_required (none, or a
// weaker method than the signer's enrolled factors allow), 403
// signature_invalid (wrong password, code or assertion), 409
// signature_stale (a challenge bound to another article, revision or
// hash), 409 signature_reused, 409 signature_expired, 429
// too_many_attempts.
func (s *Service) VerifySignature(ctx context.Context, userID int64, sig Signature, b Binding) (string, error) {
	f, err := s.Factors(ctx, userID)
	if err != nil {
		return "", err
	}
	sig.Method = strings.TrimSpace(sig.Method)
	switch sig.Method {
	case "":
		return "", signatureRequired("this decision is an electronic signature: confirm it with your passkey, or your password (plus your authenticator code if you use one)")
	case MethodPasskey:
		if f.Passkeys == 0 {
			return "", signatureRequired("you have no passkey; sign with your password")
		}
		if sig.ChallengeID == "" || len(sig.Assertion) == 0 {
			return "", signatureRequired("a passkey signature needs the challenge_id and the assertion")
		}
	case MethodPasswordTOTP:
		if !f.TOTP {
			return "", signatureRequired("you have no authenticator app set up; sign with your password or passkey")
		}
		if sig.Password == "" || sig.TOTP == "" {
			return "", signatureRequired("sign with your password and the current code from your authenticator app")
		}
	case MethodPassword:
		if f.TOTP {
			return "", signatureRequired("you use an authenticator app: sign with your password and its current code (or your passkey)")
		}
		if f.Passkeys > 0 {
			return "", signatureRequired("you have a passkey: sign with it")
		}
		if sig.Password == "" {
			return "", signatureRequired("sign with your password")
		}
	default:
		return "", signatureRequired("method must be passkey, password+totp or password")
	}
	if sig.Method != MethodPasskey {
		if err := s.checkOwnPassword(ctx, userID, sig.Password); err != nil {
			if errs.HasCode(err, "wrong_password") {
				return "", errs.Forbidden("signature_invalid", "the password is incorrect; nothing was signed")
			}
			return "", err
		}
	}
	var c challenge
	hasChallenge := sig.ChallengeID != "" || sig.Method == MethodPasskey
	if hasChallenge {
		// Spent in its own transaction: whatever fails below, a challenge
		// that was presented once never signs again.
		if err := s.db.Tx(ctx, func(tx *gorm.DB) error {
			var err error
			c, err = s.takeChallengeTx(tx, sig.ChallengeID, userID, "sign")
			return err
		}); err != nil {
			return "", err
		}
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if hasChallenge {
			if c.ClinicID == nil || *c.ClinicID != b.ClinicID || c.ArticleID == nil || *c.ArticleID != b.ArticleID ||
				c.RevisionNumber == nil || *c.RevisionNumber != b.Revision || c.ContentHash != b.ContentHash {
				return errs.Conflict("signature_stale", "this re-authentication was made for another revision or content hash; sign the revision you are deciding on")
			}
			if sig.Method == MethodPasskey {
				if err := s.finishAssertionTx(tx, userID, c.SessionData, sig.Assertion); err != nil {
					return err
				}
			}
		}
		if sig.Method == MethodPasswordTOTP {
			if err := s.useTOTPTx(tx, userID, sig.TOTP, true); err != nil {
				if errs.HasCode(err, "totp_invalid") {
					return errs.Forbidden("signature_invalid", "the authenticator code is wrong or too old; nothing was signed")
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return sig.Method, nil
}
