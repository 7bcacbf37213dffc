package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mail"
)

// Mailer queues mail inside the caller's transaction and wakes the
// delivery worker after the commit (*mail.Service).
type Mailer interface {
	// Enqueue renders m and stores it in tx.
	Enqueue(tx *gorm.DB, m mail.Message) error
	// Kick asks the worker to deliver soon; it never blocks.
	Kick()
}

// SecondFactor is a factor other than the emailed code that can complete a
// sign-in to an account under attack (TOTP, passkeys: see the signature
// work). Verify reports whether code is a valid, unused proof for userID.
type SecondFactor interface {
	// Has reports whether userID enrolled this factor.
	Has(ctx context.Context, userID int64) (bool, error)
	// Verify checks code for userID (and uses it up when it is one-time).
	Verify(ctx context.Context, userID int64, code string) (bool, error)
}

// Lifetimes of mailed one-time tokens.
const (
	ResetTTL     = 30 * time.Minute
	LoginCodeTTL = 10 * time.Minute
	// maxCodeTries is how many wrong codes end a sign-in code.
	maxCodeTries = 5
)

// Throttle limits of the reset flow, per 15-minute window.
const (
	resetPerAddress = 3  // reset mails asked for one email address
	resetPerClient  = 10 // reset requests from one client address
	confirmPerIP    = 20 // reset confirmations from one client address
	codesPerAccount = 3  // sign-in codes mailed to one account
)

// accountToken is an account_tokens row.
type accountToken struct {
	ID        int64
	UserID    int64
	Purpose   string
	TokenHash string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// TableName is the account_tokens table.
func (accountToken) TableName() string { return "account_tokens" }

// NewToken returns a random URL-safe token of 32 bytes and its stored hash.
func NewToken() (string, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, HashToken(tok), nil
}

// link is the absolute admin URL of path.
func (s *Service) link(path string) string {
	b := strings.TrimRight(s.o.BaseURL, "/")
	if b == "" {
		b = "http://localhost:8080"
	}
	return b + path
}

func (s *Service) kick() {
	if s.o.Mail != nil {
		s.o.Mail.Kick()
	}
}

// platformBrand is the look of mail that is about no clinic.
var platformBrand = mail.Branding{Name: "ClinicPress"}

// RequestReset mails a single-use password-reset link (valid ResetTTL) to
// email when it belongs to an account. The answer is the same either way,
// and the same work is done (a token made, the mail rendered, a write),
// so neither the answer nor its timing says whether the address exists.
// Throttled per address and per client: 429 too_many_attempts.
func (s *Service) RequestReset(ctx context.Context, email, clientAddr string) error {
	email = NormalizeEmail(email)
	if _, err := mail.ParseAddress(email); err != nil {
		v := errs.Validation{}
		v.Add("email", "must be a valid email address")
		return v.Err()
	}
	if !s.o.DisableThrottle {
		if err := s.count(ctx, "reset-client:"+clientAddr, resetPerClient); err != nil {
			return err
		}
		if err := s.count(ctx, "reset-acct:"+email, resetPerAddress); err != nil {
			return err
		}
	}
	tok, hash, err := NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	msg := mail.Message{To: email, Kind: mail.KindSecurity, Brand: platformBrand,
		Subject:  "Reset your ClinicPress password",
		Greeting: "Hello,",
		Paragraphs: []string{
			"Someone (hopefully you) asked to reset the password of the ClinicPress account for " + email + ".",
			"The link below works once, for 30 minutes. Choosing a new password signs you out everywhere.",
			"If you did not ask for this, ignore this mail: your password stays as it is.",
		},
		ActionLabel: "Choose a new password", ActionURL: s.link("/admin/reset/" + tok)}
	u, err := s.ByEmail(ctx, email)
	found := err == nil
	if err != nil && !errs.HasCode(err, "not_found") {
		return err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if !found {
			_, err := mail.Render(msg) // the same rendering work as a real mail
			if err != nil {
				return err
			}
			return tx.Exec(`UPDATE account_tokens SET attempts = attempts WHERE token_hash = ?`, hash).Error
		}
		if err := tx.Exec(`UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL`, now, u.ID).Error; err != nil {
			return err
		}
		if err := tx.Create(&accountToken{UserID: u.ID, Purpose: "reset", TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}).Error; err != nil {
			return err
		}
		if s.o.Mail == nil {
			return errs.New(http.StatusServiceUnavailable, "mail_unavailable", "mail is not set up on this server")
		}
		return s.o.Mail.Enqueue(tx, msg)
	})
	if err != nil {
		return err
	}
	if found {
		s.kick()
	}
	return nil
}

// Token errors with stable codes.
var (
	errTokenUnknown = errs.New(http.StatusNotFound, "token_not_found", "this link is not valid; ask for a new one")
	errTokenUsed    = errs.New(http.StatusGone, "token_used", "this link was already used; ask for a new one")
	errTokenExpired = errs.New(http.StatusGone, "token_expired", "this link has expired; ask for a new one")
)

// ConfirmReset sets a new password with a reset token and ends every
// session of the user, in one transaction. An unknown token answers 404
// token_not_found; a used one 410 token_used; an expired one 410
// token_expired; a weak password 422. Throttled per client.
func (s *Service) ConfirmReset(ctx context.Context, token, password, clientAddr, requestID string) error {
	if !s.o.DisableThrottle {
		if err := s.count(ctx, "reset-confirm:"+clientAddr, confirmPerIP); err != nil {
			return err
		}
	}
	if token == "" || len(token) > 100 {
		return errTokenUnknown
	}
	var t accountToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND purpose = 'reset'", HashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errTokenUnknown
	} else if err != nil {
		return err
	}
	now := s.now()
	switch {
	case t.UsedAt != nil:
		return errTokenUsed
	case !now.Before(t.ExpiresAt):
		return errTokenExpired
	}
	if err := CheckPasswordRules(password); err != nil {
		v := errs.Validation{}
		v.Add("password", "%s", err.Error())
		return v.Err()
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	var email string
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`, now, t.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errTokenUsed
		}
		if err := tx.Model(&User{}).Where("id = ?", t.UserID).
			Updates(map[string]any{"password_hash": h, "password_changed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", t.UserID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := tx.Raw(`SELECT email FROM users WHERE id = ?`, t.UserID).Scan(&email).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: t.UserID, Action: "user.password_reset", TargetType: "user",
			TargetID: t.UserID, RequestID: requestID, At: now})
	})
	if err != nil {
		return err
	}
	if !s.o.DisableThrottle {
		// The owner proved control of the mailbox: the account's sign-in
		// lock ends with the reset.
		s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, "acct:"+email)
	}
	return nil
}

// ResetTokenValid reports whether token is a usable reset token (for the
// reset form, before the password is typed): the same errors as
// ConfirmReset.
func (s *Service) ResetTokenValid(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return errTokenUnknown
	}
	var t accountToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND purpose = 'reset'", HashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errTokenUnknown
	} else if err != nil {
		return err
	}
	switch {
	case t.UsedAt != nil:
		return errTokenUsed
	case !s.now().Before(t.ExpiresAt):
		return errTokenExpired
	}
	return nil
}

// errCodeRequired answers a sign-in to an account under attack that
// carries no one-time code.
func errCodeRequired() *errs.Error {
	e := errs.New(http.StatusUnauthorized, "code_required",
		"this account has had many failed sign-ins from elsewhere; enter your password together with the 6-digit code we emailed you (or your authenticator code)")
	e.Extra = map[string]any{"code_required": true}
	return e
}

var errBadCode = errs.New(http.StatusUnauthorized, "invalid_code", "the sign-in code is wrong or has expired; ask for a new one by signing in again")

// sendLoginCode mails userID a 6-digit sign-in code valid LoginCodeTTL,
// unless an unused, unexpired one was sent already (one code at a time, so
// an attacker cannot flood the mailbox); at most codesPerAccount per window.
func (s *Service) sendLoginCode(ctx context.Context, u User) error {
	now := s.now()
	var live int64
	if err := s.db.WithContext(ctx).Model(&accountToken{}).
		Where("user_id = ? AND purpose = 'login_code' AND used_at IS NULL AND expires_at > ? AND attempts < ?", u.ID, now, maxCodeTries).
		Count(&live).Error; err != nil {
		return err
	}
	if live > 0 {
		return nil
	}
	if !s.o.DisableThrottle {
		if err := s.count(ctx, "code:"+u.Email, codesPerAccount); err != nil {
			return nil // enough codes went out; the last one still counts
		}
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	stored := hex.EncodeToString(nonce) + "." + HashToken(hex.EncodeToString(nonce)+code)
	msg := mail.Message{To: u.Email, Kind: mail.KindSecurity, Brand: platformBrand,
		Subject:  "Your ClinicPress sign-in code: " + code,
		Greeting: "Hello " + u.Name + ",",
		Paragraphs: []string{
			"Your account has had many failed sign-in attempts from other places, so signing in now needs this code as well as your password:",
			code,
			"It works once, for 10 minutes. If you were not signing in, someone else may know or be guessing your password: change it after you sign in.",
		},
		ActionLabel: "Go to the sign-in page", ActionURL: s.link("/admin/login")}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&accountToken{UserID: u.ID, Purpose: "login_code", TokenHash: stored, CreatedAt: now, ExpiresAt: now.Add(LoginCodeTTL)}).Error; err != nil {
			return err
		}
		if s.o.Mail == nil {
			return nil
		}
		return s.o.Mail.Enqueue(tx, msg)
	})
	if err == nil {
		s.kick()
	}
	return err
}

// checkLoginCode verifies and uses up the newest live sign-in code of
// userID; a wrong code counts against it (maxCodeTries ends it).
func (s *Service) checkLoginCode(ctx context.Context, userID int64, code string) (bool, error) {
	now := s.now()
	var t accountToken
	err := s.db.WithContext(ctx).Where("user_id = ? AND purpose = 'login_code' AND used_at IS NULL AND expires_at > ? AND attempts < ?",
		userID, now, maxCodeTries).Order("id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	nonce, want, ok := strings.Cut(t.TokenHash, ".")
	if !ok || len(code) != 6 || subtle.ConstantTimeCompare([]byte(HashToken(nonce+code)), []byte(want)) != 1 {
		err := s.db.WithContext(ctx).Exec(`UPDATE account_tokens SET attempts = attempts + 1 WHERE id = ?`, t.ID).Error
		return false, err
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`, now, t.ID)
	return res.Error == nil && res.RowsAffected == 1, res.Error
}

// Throttle counts one request for key ("accept:" + client address, for
// example) and refuses it with 429 too_many_attempts past limit per
// throttle window, atomically across instances (the login throttle's
// table). It is a no-op when the throttle is disabled.
func (s *Service) Throttle(ctx context.Context, key string, limit int) error {
	if s.o.DisableThrottle {
		return nil
	}
	return s.count(ctx, "limit:"+key, limit)
}

// Unthrottle gives back the count of one request for key that turned out
// well (an accepted invitation), so only failures use up the allowance.
func (s *Service) Unthrottle(ctx context.Context, key string) {
	if !s.o.DisableThrottle {
		s.uncount(ctx, []string{"limit:" + key})
	}
}
