// Package account owns users, passwords (argon2id), sessions stored hashed
// in the database, and the login throttle shared by every instance.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// User is a person who can sign in.
type User struct {
	ID                int64
	Email             string
	Name              string
	PasswordHash      string
	PlatformAdmin     bool
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Actor returns the authz actor for u.
func (u User) Actor(requestID string) authz.Actor {
	return authz.Actor{UserID: u.ID, Name: u.Name, PlatformAdmin: u.PlatformAdmin, RequestID: requestID}
}

// Session is a signed-in browser or API client. Only the token's hash is
// stored.
type Session struct {
	ID         int64
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Options tune the service; zero values take the defaults.
type Options struct {
	Argon2          Argon2Params
	SessionTTL      time.Duration // absolute lifetime, default 12h
	IdleTTL         time.Duration // idle timeout, default 2h
	MaxPerAccount   int           // failed logins per account per window, default 5
	MaxPerAddress   int           // failed logins per client address per window, default 30
	ThrottleWindow  time.Duration // default 15m
	Now             func() time.Time
	DisableThrottle bool
}

// Service manages users and sessions.
type Service struct {
	db    *db.DB
	authz *authz.Authorizer
	o     Options
	dummy string
}

// New returns a Service.
func New(d *db.DB, z *authz.Authorizer, o Options) *Service {
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.IdleTTL == 0 {
		o.IdleTTL = 2 * time.Hour
	}
	if o.MaxPerAccount == 0 {
		o.MaxPerAccount = 5
	}
	if o.MaxPerAddress == 0 {
		o.MaxPerAddress = 30
	}
	if o.ThrottleWindow == 0 {
		o.ThrottleWindow = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	dummy, _ := HashPassword("not a real password", o.Argon2)
	return &Service{db: d, authz: z, o: o, dummy: dummy}
}

func (s *Service) now() time.Time { return s.o.Now().UTC().Truncate(time.Second) }

// NewUser is the input for creating a user.
type NewUser struct {
	Email         string
	Name          string
	Password      string
	PlatformAdmin bool
}

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Prepare validates in and hashes its password, outside any transaction
// (hashing is deliberately slow).
func (s *Service) Prepare(in NewUser) (User, error) {
	var v errs.Validation
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		v.Add("email", "must be a valid email address")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 120 {
		v.Add("name", "must be 1 to 120 characters")
	}
	if err := CheckPasswordRules(in.Password); err != nil {
		v.Add("password", "%s", err.Error())
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	h, err := HashPassword(in.Password, s.o.Argon2)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	return User{Email: in.Email, Name: in.Name, PasswordHash: h, PlatformAdmin: in.PlatformAdmin,
		PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}, nil
}

// CheckPasswordRules says what is wrong with a new password, if anything.
func CheckPasswordRules(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < 10 {
		return errors.New("must be at least 10 characters")
	}
	if len(pw) > 256 {
		return errors.New("must be at most 256 bytes")
	}
	return nil
}

// InsertTx stores a prepared user inside tx; a taken email answers 409
// email_taken.
func InsertTx(tx *gorm.DB, u *User, requestID string) error {
	var n int64
	if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return errs.Conflict("email_taken", "a user with this email already exists")
	}
	if err := tx.Create(u).Error; err != nil {
		return fmt.Errorf("account: insert user: %w", err)
	}
	return audit.Record(tx, audit.Change{Action: "user.created", TargetType: "user", TargetID: u.ID,
		After:     map[string]any{"email": u.Email, "name": u.Name, "platform_admin": u.PlatformAdmin},
		RequestID: requestID, At: u.CreatedAt})
}

// Create validates, hashes and stores a new user.
func (s *Service) Create(ctx context.Context, in NewUser) (User, error) {
	u, err := s.Prepare(in)
	if err != nil {
		return User{}, err
	}
	if err := s.db.Tx(ctx, func(tx *gorm.DB) error { return InsertTx(tx, &u, "") }); err != nil {
		return User{}, err
	}
	return u, nil
}

// ByEmail finds a user by email.
func (s *Service) ByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, errs.NotFound("user")
	}
	return u, err
}

// ByID finds a user by id.
func (s *Service) ByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, errs.NotFound("user")
	}
	return u, err
}

var errBadLogin = errs.New(http.StatusUnauthorized, "invalid_credentials", "email or password is incorrect")

// Login checks the credentials and opens a new session, returning its
// token (shown once, stored only hashed). Unknown email and wrong password
// answer the same error; too many failures for the account or the client
// address answer 429 too_many_attempts.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (string, Session, User, error) {
	email = NormalizeEmail(email)
	keys := []string{"acct:" + email, "addr:" + clientAddr}
	limits := []int{s.o.MaxPerAccount, s.o.MaxPerAddress}
	if !s.o.DisableThrottle {
		for i, k := range keys {
			if wait, err := s.throttled(ctx, k, limits[i]); err != nil {
				return "", Session{}, User{}, err
			} else if wait > 0 {
				e := errs.New(http.StatusTooManyRequests, "too_many_attempts", "too many failed sign-in attempts; try again in %d minutes", int(wait.Minutes())+1)
				e.Extra = map[string]any{"retry_after": int(wait.Seconds())}
				return "", Session{}, User{}, e
			}
		}
	}
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", Session{}, User{}, err
	}
	hash := s.dummy
	if found {
		hash = u.PasswordHash
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return "", Session{}, User{}, err
	}
	if !ok || !found {
		if !s.o.DisableThrottle {
			if err := s.fail(ctx, keys); err != nil {
				return "", Session{}, User{}, err
			}
		}
		return "", Session{}, User{}, errBadLogin
	}
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, keys[0]).Error; err != nil {
		return "", Session{}, User{}, err
	}
	tok, sess, err := s.openSession(ctx, u.ID)
	return tok, sess, u, err
}

func (s *Service) throttled(ctx context.Context, key string, limit int) (time.Duration, error) {
	var row struct {
		Failures    int
		WindowStart time.Time
	}
	res := s.db.WithContext(ctx).Raw(`SELECT failures, window_start FROM login_throttle WHERE key = ?`, key).Scan(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	end := row.WindowStart.Add(s.o.ThrottleWindow)
	if row.Failures >= limit && s.now().Before(end) {
		return end.Sub(s.now()), nil
	}
	return 0, nil
}

func (s *Service) fail(ctx context.Context, keys []string) error {
	now := s.now()
	cutoff := now.Add(-s.o.ThrottleWindow)
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		for _, k := range keys {
			err := tx.Exec(`INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.failures + 1 END,
  window_start = CASE WHEN login_throttle.window_start <= ? THEN excluded.window_start ELSE login_throttle.window_start END`,
				k, now, cutoff, cutoff).Error
			if err != nil {
				return fmt.Errorf("account: throttle: %w", err)
			}
		}
		return nil
	})
}

// HashToken is how a session token is stored.
func HashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func (s *Service) openSession(ctx context.Context, userID int64) (string, Session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Session{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	sess := Session{TokenHash: HashToken(tok), UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.o.SessionTTL)}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", Session{}, fmt.Errorf("account: open session: %w", err)
	}
	return tok, sess, nil
}

// Authenticate returns the user and session behind a token, or 401 when the
// token is unknown, revoked, expired or idle too long.
func (s *Service) Authenticate(ctx context.Context, tok string) (User, Session, error) {
	var sess Session
	if tok == "" || len(tok) > 100 {
		return User{}, sess, errs.Unauthenticated("sign in first")
	}
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashToken(tok)).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, sess, errs.Unauthenticated("your session is unknown or has ended; sign in again")
	} else if err != nil {
		return User{}, sess, err
	}
	now := s.now()
	if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.o.IdleTTL)) {
		return User{}, sess, errs.Unauthenticated("your session has ended; sign in again")
	}
	u, err := s.ByID(ctx, sess.UserID)
	if err != nil {
		return User{}, sess, errs.Unauthenticated("sign in again")
	}
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		sess.LastSeenAt = now
		if err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", sess.ID).Update("last_seen_at", now).Error; err != nil {
			return User{}, sess, err
		}
	}
	return u, sess, nil
}

// Logout revokes the session behind tok.
func (s *Service) Logout(ctx context.Context, tok string) error {
	return s.db.WithContext(ctx).Model(&Session{}).Where("token_hash = ? AND revoked_at IS NULL", HashToken(tok)).
		Update("revoked_at", s.now()).Error
}

// ChangePassword checks the current password, stores the new one and
// revokes every other session of the user in one transaction.
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID int64, current, next, requestID string) error {
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return err
	}
	ok, err := CheckPassword(u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbidden("invalid_credentials", "the current password is incorrect")
	}
	if err := CheckPasswordRules(next); err != nil {
		v := errs.Validation{}
		v.Add("new_password", "%s", err.Error())
		return v.Err()
	}
	h, err := HashPassword(next, s.o.Argon2)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": h, "password_changed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keepSessionID).
			Update("revoked_at", now).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: userID, Action: "user.password_changed", TargetType: "user",
			TargetID: userID, RequestID: requestID, At: now})
	})
}

// Sweep deletes login-throttle windows that have ended and sessions that
// expired or were revoked more than a day ago; it returns how many rows
// went. The app runs it hourly.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	a := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE window_start < ?`, now.Add(-s.o.ThrottleWindow))
	if a.Error != nil {
		return 0, a.Error
	}
	cutoff := now.Add(-24 * time.Hour)
	b := s.db.WithContext(ctx).Exec(`DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?`, cutoff, cutoff)
	return int(a.RowsAffected + b.RowsAffected), b.Error
}
