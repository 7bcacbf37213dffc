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
	"log/slog"
	"net/http"
	"net/mail"
	"strconv"
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
	// MaxHashes bounds how many password hashes run at once (each holds
	// Argon2.Memory); 0 sizes it from the memory limit (see HashSlots).
	MaxHashes int
	// HashWait is how long a caller waits for a hashing slot before the
	// answer is 503 busy; default 3s.
	HashWait time.Duration
	// HashHook, if set, is called as each hash starts; the function it
	// returns is called as the hash ends (tests count with it).
	HashHook func() func()
	// Mail queues the reset links and sign-in codes (nil: none are sent).
	Mail Mailer
	// BaseURL is the public base URL for links in mails (--base-url).
	BaseURL string
	// SecondFactor, when set, may stand in for the emailed sign-in code
	// of an account under attack.
	SecondFactor SecondFactor
}

// Service manages users and sessions.
type Service struct {
	db    *db.DB
	authz *authz.Authorizer
	o     Options
	dummy string
	gate  *hashGate
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
	if o.MaxHashes <= 0 {
		o.MaxHashes = HashSlots(MemoryLimit(), usableCPUs(), o.Argon2)
	}
	if o.HashWait <= 0 {
		o.HashWait = 3 * time.Second
	}
	dummy, _ := HashPassword("not a real password", o.Argon2)
	return &Service{db: d, authz: z, o: o, dummy: dummy, gate: newHashGate(o.MaxHashes, o.HashWait, o.HashHook)}
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

// Prepare is PrepareContext without a caller's context (the wait for a
// hashing slot is still bounded by HashWait).
func (s *Service) Prepare(in NewUser) (User, error) {
	return s.PrepareContext(context.Background(), in)
}

// PrepareContext validates in and hashes its password, outside any
// transaction (hashing is deliberately slow); 503 busy when no hashing
// slot frees up in time.
func (s *Service) PrepareContext(ctx context.Context, in NewUser) (User, error) {
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
	h, err := s.hash(ctx, in.Password)
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
	u, err := s.PrepareContext(ctx, in)
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

// Login is SignIn without a one-time code.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (string, Session, User, error) {
	return s.SignIn(ctx, SignInInput{Email: email, Password: password, ClientAddr: clientAddr})
}

// SignInInput is one sign-in attempt.
type SignInInput struct {
	Email, Password, ClientAddr string
	// Code is the emailed 6-digit sign-in code (or a second-factor code),
	// needed only while the account is under attack.
	Code string
}

// SignIn checks the credentials and opens a new session, returning its
// token (shown once, stored only hashed). Unknown email and wrong password
// answer the same error; no free password-hashing slot answers 503 busy.
//
// Throttling cannot lock the real user out. A client address that guesses
// is refused (429 too_many_attempts): MaxPerAddress failures across
// accounts, or MaxPerAccount failures at one account. Failures at one
// account from all addresses together beyond MaxPerAccount put it "under
// attack": from then on (for the window) a sign-in must carry a one-time
// code, which is checked before the password (so guessers learn nothing
// about the password): without one the answer is 401 code_required and the
// owner is mailed a 6-digit code (one live code at a time); with the right
// code and the right password the sign-in works and the lock ends.
//
// Every attempt is counted before the password is checked, in the same
// statement that reads the count (see count), so parallel guesses cannot
// all pass the check before any of them is recorded; a success gives its
// count back (the account's is cleared).
func (s *Service) SignIn(ctx context.Context, in SignInInput) (string, Session, User, error) {
	email, clientAddr := NormalizeEmail(in.Email), in.ClientAddr
	acctKey, pairKey, addrKey := "acct:"+email, "pair:"+clientAddr+"|"+email, "addr:"+clientAddr
	underAttack := false
	var counted []string
	if !s.o.DisableThrottle {
		for _, k := range []struct {
			key   string
			limit int
		}{{addrKey, s.o.MaxPerAddress}, {pairKey, s.o.MaxPerAccount}} {
			if err := s.count(ctx, k.key, k.limit); err != nil {
				s.uncount(ctx, counted)
				return "", Session{}, User{}, err
			}
			counted = append(counted, k.key)
		}
		if err := s.count(ctx, acctKey, s.o.MaxPerAccount); err != nil {
			if !errs.HasCode(err, "too_many_attempts") {
				s.uncount(ctx, counted)
				return "", Session{}, User{}, err
			}
			underAttack = true
		}
		counted = append(counted, acctKey)
	}
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		s.uncount(ctx, counted)
		return "", Session{}, User{}, err
	}
	if underAttack {
		// Nothing about the password is learnt here: the code comes first.
		s.uncount(ctx, counted[:2]) // not a guess at the password
		if !found {
			return "", Session{}, User{}, errCodeRequired()
		}
		if in.Code == "" {
			has := false
			if s.o.SecondFactor != nil {
				if has, err = s.o.SecondFactor.Has(ctx, u.ID); err != nil {
					return "", Session{}, User{}, err
				}
			}
			if !has {
				if err := s.sendLoginCode(ctx, u); err != nil {
					return "", Session{}, User{}, err
				}
			}
			return "", Session{}, User{}, errCodeRequired()
		}
		ok := false
		if s.o.SecondFactor != nil {
			if ok, err = s.o.SecondFactor.Verify(ctx, u.ID, in.Code); err != nil {
				return "", Session{}, User{}, err
			}
		}
		if !ok {
			if ok, err = s.checkLoginCode(ctx, u.ID, strings.TrimSpace(in.Code)); err != nil {
				return "", Session{}, User{}, err
			}
		}
		if !ok {
			return "", Session{}, User{}, errBadCode
		}
	}
	hash := s.dummy
	if found {
		hash = u.PasswordHash
	}
	ok, err := s.check(ctx, hash, in.Password)
	if err != nil {
		s.uncount(ctx, counted) // not a guess: the password was never checked
		return "", Session{}, User{}, err
	}
	if !ok || !found {
		return "", Session{}, User{}, errBadLogin
	}
	if !s.o.DisableThrottle {
		if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key IN (?, ?)`, acctKey, pairKey).Error; err != nil {
			return "", Session{}, User{}, err
		}
		if !underAttack {
			s.uncount(ctx, counted[:1])
		}
	}
	tok, sess, err := s.openSession(ctx, u.ID)
	return tok, sess, u, err
}

// OpenSession opens a session for userID without a password (right after
// the person set their password on an invitation) and returns its token.
func (s *Service) OpenSession(ctx context.Context, userID int64) (string, Session, error) {
	return s.openSession(ctx, userID)
}

// count records one attempt for key and refuses it (429
// too_many_attempts with retry_after) when it is over limit inside the
// current window. Check and count are one INSERT ... ON CONFLICT DO UPDATE
// ... RETURNING statement, atomic on SQLite and PostgreSQL alike; an ended
// window starts again at 1.
func (s *Service) count(ctx context.Context, key string, limit int) error {
	now := s.now()
	cutoff := now.Add(-s.o.ThrottleWindow)
	var row struct {
		Failures    int64
		WindowStart time.Time
	}
	err := s.db.WithContext(ctx).Raw(`INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.failures + 1 END,
  window_start = CASE WHEN login_throttle.window_start <= ? THEN excluded.window_start ELSE login_throttle.window_start END
RETURNING failures, window_start`, key, now, cutoff, cutoff).Scan(&row).Error
	if err != nil {
		return fmt.Errorf("account: throttle: %w", err)
	}
	if row.Failures <= int64(limit) {
		return nil
	}
	wait := row.WindowStart.Add(s.o.ThrottleWindow).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	e := errs.New(http.StatusTooManyRequests, "too_many_attempts", "too many failed attempts; try again in %d minutes", int(wait.Minutes())+1)
	e.Extra = map[string]any{"retry_after": int(wait.Seconds())}
	return e
}

// uncount gives back attempts that turned out not to be failed guesses;
// a row left with no attempt goes. It runs even when ctx has ended, so a
// cancelled caller leaves no count behind. Under a race it can leave one
// attempt too many, never one too few.
func (s *Service) uncount(ctx context.Context, keys []string) {
	tx := s.db.WithContext(context.WithoutCancel(ctx))
	for _, k := range keys {
		res := tx.Exec(`DELETE FROM login_throttle WHERE key = ? AND failures <= 1`, k)
		if res.Error == nil && res.RowsAffected == 0 {
			res = tx.Exec(`UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 1`, k)
		}
		if res.Error != nil {
			slog.Warn("login throttle: give back an attempt", "err", res.Error)
		}
	}
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
//
// Guesses at the current password are throttled like sign-in, per user
// (MaxPerAccount per ThrottleWindow, counted atomically before the check):
// over the limit the answer is 429 too_many_attempts even for the right
// password. A correct check clears the count.
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID int64, current, next, requestID string) error {
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
	ok, err := s.check(ctx, u.PasswordHash, current)
	if err != nil {
		if !s.o.DisableThrottle {
			s.uncount(ctx, []string{key})
		}
		return err
	}
	if !ok {
		return errs.Forbidden("wrong_password", "the current password is incorrect")
	}
	if !s.o.DisableThrottle {
		if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, key).Error; err != nil {
			return err
		}
	}
	if err := CheckPasswordRules(next); err != nil {
		v := errs.Validation{}
		v.Add("new_password", "%s", err.Error())
		return v.Err()
	}
	h, err := s.hash(ctx, next)
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

// Ready reports whether the database takes a write, as every sign-in
// needs one: it upserts a probe row in login_throttle (never counted
// against anyone: no sign-in key starts with "probe:"). /readyz runs it,
// so a full disk or a read-only database reports not ready.
func (s *Service) Ready(ctx context.Context) error {
	return s.db.WithContext(ctx).Exec(`INSERT INTO login_throttle (key, failures, window_start) VALUES ('probe:ready', 0, ?)
ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start`, s.now()).Error
}
