package account

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// SecondStep is a sign-in waiting for its second factor: the password was
// right, no session exists yet. Ticket is single-use and lasts
// ChallengeTTL.
type SecondStep struct {
	Ticket  string   `json:"ticket"`
	Methods []string `json:"methods"` // "totp", "passkey", "recovery_code"
	// PublicKey holds WebAuthn request options when the person has
	// passkeys (for navigator.credentials.get).
	PublicKey any `json:"options,omitempty"`
}

// BeginSecondStep replaces a password-only sign-in of a person with a
// second factor: it revokes the session Login opened (token tok) and
// returns a ticket for FinishSecondStep. ok is false (and nothing changes)
// when the person has no second factor.
func (s *Service) BeginSecondStep(ctx context.Context, tok string, userID int64, rp RelyingParty) (SecondStep, bool, error) {
	f, err := s.Factors(ctx, userID)
	if err != nil || !f.Any() {
		return SecondStep{}, false, err
	}
	if err := s.Logout(ctx, tok); err != nil {
		return SecondStep{}, false, err
	}
	var out SecondStep
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		c := challenge{UserID: userID, Purpose: "login"}
		if f.TOTP {
			out.Methods = append(out.Methods, "totp")
		}
		if f.Passkeys > 0 {
			out.Methods = append(out.Methods, "passkey")
			if rp.ID != "" {
				opts, data, err := s.beginLoginAssertionTx(tx, userID, rp)
				if err != nil {
					return err
				}
				c.SessionData, out.PublicKey = data, opts
			}
		}
		if f.RecoveryCodes > 0 {
			out.Methods = append(out.Methods, "recovery_code")
		}
		if err := s.newChallengeTx(tx, &c); err != nil {
			return err
		}
		out.Ticket = c.ID
		return nil
	})
	return out, true, err
}

// SecondProof is the second factor of a sign-in: one of the fields.
type SecondProof struct {
	TOTP         string
	RecoveryCode string
	Assertion    []byte
}

// FinishSecondStep checks the second factor for ticket and opens the
// session. A wrong factor answers 401 invalid_credentials and spends the
// ticket (sign in again), so a ticket cannot be used to guess codes.
func (s *Service) FinishSecondStep(ctx context.Context, ticket string, p SecondProof) (string, Session, User, error) {
	var c challenge
	// The ticket is spent in its own transaction: a wrong factor below
	// must not give it back.
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var row challenge
		if len(ticket) > 100 || tx.Where("id = ? AND purpose = 'login'", HashToken(ticket)).Take(&row).Error != nil {
			return errs.Unauthenticated("the sign-in expired; sign in again")
		}
		var err error
		if c, err = s.takeChallengeTx(tx, ticket, row.UserID, "login"); err != nil {
			return errs.Unauthenticated("the sign-in expired or was already used; sign in again")
		}
		return nil
	})
	if err != nil {
		return "", Session{}, User{}, err
	}
	userID := c.UserID
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		switch {
		case strings.TrimSpace(p.TOTP) != "":
			err = s.useTOTPTx(tx, userID, p.TOTP, true)
		case strings.TrimSpace(p.RecoveryCode) != "":
			err = s.useRecoveryTx(tx, userID, p.RecoveryCode)
		case len(p.Assertion) > 0:
			err = s.finishAssertionTx(tx, userID, c.SessionData, p.Assertion)
		default:
			err = errs.BadRequest("second_factor_missing", "send totp, recovery_code or assertion")
		}
		return err
	})
	if err != nil {
		if e, ok := errs.As(err); ok && e.Status == 403 {
			return "", Session{}, User{}, errs.New(401, "invalid_credentials", "the second factor is wrong; sign in again")
		}
		return "", Session{}, User{}, err
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return "", Session{}, User{}, err
	}
	tok, sess, err := s.openSession(ctx, userID)
	return tok, sess, u, err
}
