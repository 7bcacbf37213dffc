package account

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Second-factor methods, as recorded on a signature.
const (
	MethodPasskey      = "passkey"
	MethodPasswordTOTP = "password+totp"
	MethodPassword     = "password"
)

// ChallengeTTL is how long a sign-in ticket, passkey registration or
// signature challenge stays usable.
const ChallengeTTL = 5 * time.Minute

// RecoveryCodeCount is how many one-time recovery codes a person gets.
const RecoveryCodeCount = 10

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Factors says which second factors a person has enrolled.
type Factors struct {
	TOTP          bool `json:"totp"`
	Passkeys      int  `json:"passkeys"`
	RecoveryCodes int  `json:"recovery_codes_left"`
}

// Any reports whether any second factor is enrolled.
func (f Factors) Any() bool { return f.TOTP || f.Passkeys > 0 }

// FactorsTx reads userID's enrolled second factors inside tx, in one
// statement (the review screen and every sign-in ask).
func FactorsTx(tx *gorm.DB, userID int64) (Factors, error) {
	var row struct{ TOTP, Passkeys, Recovery int64 }
	err := tx.Raw(`SELECT
    (SELECT COUNT(*) FROM totp_secrets WHERE user_id = ? AND confirmed_at IS NOT NULL) AS totp,
    (SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = ?) AS passkeys,
    (SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL) AS recovery`,
		userID, userID, userID).Scan(&row).Error
	return Factors{TOTP: row.TOTP > 0, Passkeys: int(row.Passkeys), RecoveryCodes: int(row.Recovery)}, err
}

// Factors reads userID's enrolled second factors.
func (s *Service) Factors(ctx context.Context, userID int64) (Factors, error) {
	return FactorsTx(s.db.WithContext(ctx), userID)
}

// TOTPEnrolment is a new, not yet confirmed authenticator-app secret.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	// QR is the otpauth URL as a PNG data: URL for an <img>.
	QR string `json:"qr_png"`
}

// BeginTOTP creates (or replaces an unconfirmed) authenticator-app secret
// for userID; ConfirmTOTP with a code from the app turns it on. A
// confirmed secret is replaced only after DisableTOTP.
func (s *Service) BeginTOTP(ctx context.Context, userID int64) (TOTPEnrolment, error) {
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	f, err := s.Factors(ctx, userID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if f.TOTP {
		return TOTPEnrolment{}, errs.Conflict("totp_enrolled", "an authenticator app is already set up; remove it first to set up another")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "ClinicPress", AccountName: u.Email, Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, err
	}
	now := s.now()
	if err := s.db.WithContext(ctx).Exec(`INSERT INTO totp_secrets (user_id, secret, confirmed_at, last_step, created_at) VALUES (?, ?, NULL, 0, ?)
ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0 WHERE totp_secrets.confirmed_at IS NULL`,
		userID, key.Secret(), now).Error; err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// matchTOTP returns the time step code matches for secret at now (within
// one step either side), or 0.
func matchTOTP(secret, code string, now time.Time) int64 {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 {
		return 0
	}
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / 30
		}
	}
	return 0
}

// useTOTPTx checks code against userID's secret and spends its time step
// (a code works once). confirmed picks the enrolled secret or the pending
// one. Answers 403 totp_invalid or 403 signature_reused (the code was
// already used).
func (s *Service) useTOTPTx(tx *gorm.DB, userID int64, code string, confirmed bool) error {
	var row struct {
		Secret      string
		ConfirmedAt *time.Time
		LastStep    int64
	}
	q := tx.Table("totp_secrets").Where("user_id = ?", userID)
	if confirmed {
		q = q.Where("confirmed_at IS NOT NULL")
	}
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errs.Forbidden("totp_invalid", "no authenticator app is set up")
	} else if err != nil {
		return err
	}
	step := matchTOTP(row.Secret, code, s.o.Now())
	if step == 0 {
		return errs.Forbidden("totp_invalid", "the authenticator code is wrong or too old")
	}
	res := tx.Exec(`UPDATE totp_secrets SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.Conflict("signature_reused", "this authenticator code was already used; wait for the next one")
	}
	return nil
}

// ConfirmTOTP turns on the pending authenticator-app secret once code
// matches it, and returns fresh recovery codes when the person had none.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code, requestID string) ([]string, error) {
	var codes []string
	now := s.now()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.useTOTPTx(tx, userID, code, false); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE totp_secrets SET confirmed_at = ? WHERE user_id = ?`, now, userID).Error; err != nil {
			return err
		}
		var err error
		if codes, err = s.ensureRecoveryTx(tx, userID, now); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: userID, Action: "user.totp_enrolled", TargetType: "user", TargetID: userID, RequestID: requestID, At: now})
	})
	return codes, err
}

// DisableTOTP removes the authenticator app after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, password, requestID string) error {
	if err := s.checkOwnPassword(ctx, userID, password); err != nil {
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM totp_secrets WHERE user_id = ?`, userID).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: userID, Action: "user.totp_removed", TargetType: "user", TargetID: userID, RequestID: requestID, At: now})
	})
}

func hashRecovery(code string) string {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	h := sha256.Sum256([]byte("clinicpress-recovery:" + c))
	return hex.EncodeToString(h[:])
}

// ensureRecoveryTx issues recovery codes when userID has none left.
func (s *Service) ensureRecoveryTx(tx *gorm.DB, userID int64, now time.Time) ([]string, error) {
	f, err := FactorsTx(tx, userID)
	if err != nil || f.RecoveryCodes > 0 {
		return nil, err
	}
	return s.newRecoveryTx(tx, userID, now)
}

func (s *Service) newRecoveryTx(tx *gorm.DB, userID int64, now time.Time) ([]string, error) {
	if err := tx.Exec(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Error; err != nil {
		return nil, err
	}
	out := make([]string, RecoveryCodeCount)
	for i := range out {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:10]
		out[i] = c[:5] + "-" + c[5:]
		if err := tx.Exec(`INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)`, userID, hashRecovery(out[i]), now).Error; err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NewRecoveryCodes replaces userID's recovery codes after checking the
// password; the codes are shown once and stored only hashed.
func (s *Service) NewRecoveryCodes(ctx context.Context, userID int64, password, requestID string) ([]string, error) {
	if err := s.checkOwnPassword(ctx, userID, password); err != nil {
		return nil, err
	}
	var codes []string
	now := s.now()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if codes, err = s.newRecoveryTx(tx, userID, now); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: userID, Action: "user.recovery_codes_issued", TargetType: "user", TargetID: userID, RequestID: requestID, At: now})
	})
	return codes, err
}

func (s *Service) useRecoveryTx(tx *gorm.DB, userID int64, code string) error {
	res := tx.Exec(`UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, s.now(), userID, hashRecovery(code))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.Forbidden("recovery_code_invalid", "the recovery code is wrong or was already used")
	}
	return nil
}

// checkOwnPassword checks userID's password, throttled per user like
// ChangePassword; wrong answers 403 invalid_credentials.
func (s *Service) checkOwnPassword(ctx context.Context, userID int64, password string) error {
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return err
	}
	key := "user:" + strconv.FormatInt(userID, 10)
	if !s.o.DisableThrottle {
		if err := s.count(ctx, key, s.o.MaxPerAccount); err != nil {
			return err
		}
	}
	ok, err := s.check(ctx, u.PasswordHash, password)
	if err != nil {
		if !s.o.DisableThrottle {
			s.uncount(ctx, []string{key})
		}
		return err
	}
	if !ok {
		return errs.Forbidden("wrong_password", "the password is incorrect")
	}
	if !s.o.DisableThrottle {
		return s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, key).Error
	}
	return nil
}

// challenge is a row of auth_challenges.
type challenge struct {
	ID             string
	UserID         int64
	Purpose        string
	SessionData    string
	ClinicID       *int64
	ArticleID      *int64
	RevisionNumber *int
	ContentHash    string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	UsedAt         *time.Time
}

func (challenge) TableName() string { return "auth_challenges" }

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Service) newChallengeTx(tx *gorm.DB, c *challenge) error {
	id, err := randomID()
	if err != nil {
		return err
	}
	now := s.now()
	c.ID, c.CreatedAt, c.ExpiresAt = HashToken(id), now, now.Add(ChallengeTTL)
	if err := tx.Create(c).Error; err != nil {
		return fmt.Errorf("account: challenge: %w", err)
	}
	c.ID = id // the caller hands out the secret; only its hash is stored
	return nil
}

// takeChallengeTx spends challenge id of userID for purpose: unknown or
// another person's answers 404-like signature_invalid, used answers 409
// signature_reused, expired 409 signature_expired.
func (s *Service) takeChallengeTx(tx *gorm.DB, id string, userID int64, purpose string) (challenge, error) {
	var c challenge
	if id == "" || len(id) > 100 {
		return c, errs.Forbidden("challenge_invalid", "the challenge is unknown; ask for a new one")
	}
	err := tx.Where("id = ? AND user_id = ? AND purpose = ?", HashToken(id), userID, purpose).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, errs.Forbidden("challenge_invalid", "the challenge is unknown; ask for a new one")
	} else if err != nil {
		return c, err
	}
	now := s.now()
	if c.UsedAt != nil {
		return c, errs.Conflict("signature_reused", "this re-authentication was already used; each signature needs a fresh one")
	}
	if !now.Before(c.ExpiresAt) {
		return c, errs.Conflict("signature_expired", "this re-authentication is older than %d minutes; sign again", int(ChallengeTTL.Minutes()))
	}
	res := tx.Model(&challenge{}).Where("id = ? AND used_at IS NULL", c.ID).Update("used_at", now)
	if res.Error != nil {
		return c, res.Error
	}
	if res.RowsAffected == 0 {
		return c, errs.Conflict("signature_reused", "this re-authentication was already used; each signature needs a fresh one")
	}
	return c, nil
}
