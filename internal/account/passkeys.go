package account

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// RelyingParty is where a WebAuthn ceremony runs: the RP ID (the host
// name, no port) and the origin the browser must report. Both come from
// the request's own host; a passkey registered for one host works only
// there.
type RelyingParty struct {
	ID     string
	Origin string
}

// RelyingPartyFor derives the relying party from a request's scheme and
// host (host may carry a port).
func RelyingPartyFor(scheme, host string) (RelyingParty, error) {
	u, err := url.Parse(scheme + "://" + host)
	if err != nil || u.Hostname() == "" || (scheme != "http" && scheme != "https") {
		return RelyingParty{}, errs.BadRequest("bad_host", "the request's host cannot be used for passkeys")
	}
	return RelyingParty{ID: u.Hostname(), Origin: scheme + "://" + u.Host}, nil
}

func (rp RelyingParty) webauthn() (*webauthn.WebAuthn, error) {
	if rp.ID == "" || rp.Origin == "" {
		return nil, errs.BadRequest("bad_host", "passkeys need the request's host")
	}
	return webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: "ClinicPress", RPOrigins: []string{rp.Origin}})
}

// waUser is a user as the WebAuthn library sees them.
type waUser struct {
	u     User
	creds []webauthn.Credential
}

func (w waUser) WebAuthnID() []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(w.u.ID))
	return b
}
func (w waUser) WebAuthnName() string                       { return w.u.Email }
func (w waUser) WebAuthnDisplayName() string                { return w.u.Name }
func (w waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

func (s *Service) waUserTx(tx *gorm.DB, userID int64) (waUser, error) {
	var u User
	if err := tx.Take(&u, userID).Error; err != nil {
		return waUser{}, err
	}
	var rows []string
	if err := tx.Table("webauthn_credentials").Where("user_id = ?", userID).Order("id").Pluck("credential", &rows).Error; err != nil {
		return waUser{}, err
	}
	w := waUser{u: u}
	for _, r := range rows {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(r), &c); err != nil {
			return waUser{}, fmt.Errorf("account: stored passkey: %w", err)
		}
		w.creds = append(w.creds, c)
	}
	return w, nil
}

// ceremony is what a challenge row keeps between begin and finish.
type ceremony struct {
	RP      RelyingParty         `json:"rp"`
	Session webauthn.SessionData `json:"session"`
}

// PasskeyOptions is the start of a passkey ceremony: the challenge id to
// send back, and the options for navigator.credentials.create/get.
type PasskeyOptions struct {
	ChallengeID string `json:"challenge_id"`
	Options     any    `json:"options"`
}

// BeginPasskeyRegistration starts registering a new passkey for userID.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, userID int64, rp RelyingParty) (PasskeyOptions, error) {
	wa, err := rp.webauthn()
	if err != nil {
		return PasskeyOptions{}, err
	}
	var out PasskeyOptions
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		w, err := s.waUserTx(tx, userID)
		if err != nil {
			return err
		}
		excl := make([]protocol.CredentialDescriptor, len(w.creds))
		for i, c := range w.creds {
			excl[i] = c.Descriptor()
		}
		opts, sess, err := wa.BeginRegistration(w, webauthn.WithExclusions(excl),
			webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{UserVerification: protocol.VerificationRequired, ResidentKey: protocol.ResidentKeyRequirementPreferred}))
		if err != nil {
			return err
		}
		data, err := json.Marshal(ceremony{RP: rp, Session: *sess})
		if err != nil {
			return err
		}
		c := challenge{UserID: userID, Purpose: "register", SessionData: string(data)}
		if err := s.newChallengeTx(tx, &c); err != nil {
			return err
		}
		out = PasskeyOptions{ChallengeID: c.ID, Options: opts}
		return nil
	})
	return out, err
}

// FinishPasskeyRegistration checks the browser's attestation and stores
// the passkey; it returns recovery codes when the person had none.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, userID int64, challengeID, name string, response []byte, requestID string) ([]string, error) {
	parsed, perr := protocol.ParseCredentialCreationResponseBytes(response)
	if perr != nil {
		return nil, errs.BadRequest("passkey_unreadable", "the passkey response could not be read")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	if len(name) > 80 {
		name = name[:80]
	}
	var codes []string
	now := s.now()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		c, err := s.takeChallengeTx(tx, challengeID, userID, "register")
		if err != nil {
			return err
		}
		var cer ceremony
		if err := json.Unmarshal([]byte(c.SessionData), &cer); err != nil {
			return err
		}
		wa, err := cer.RP.webauthn()
		if err != nil {
			return err
		}
		w, err := s.waUserTx(tx, userID)
		if err != nil {
			return err
		}
		cred, err := wa.CreateCredential(w, cer.Session, parsed)
		if err != nil {
			return errs.Forbidden("passkey_invalid", "the passkey could not be verified; try again")
		}
		blob, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO webauthn_credentials (user_id, credential_id, name, credential, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, base64.RawURLEncoding.EncodeToString(cred.ID), name, string(blob), now).Error; err != nil {
			return err
		}
		if codes, err = s.ensureRecoveryTx(tx, userID, now); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ActorID: userID, Action: "user.passkey_added", TargetType: "user", TargetID: userID,
			After: map[string]any{"name": name}, RequestID: requestID, At: now})
	})
	return codes, err
}

// signChallengeBytes derives the WebAuthn challenge of a signature from
// what it signs and a server nonce: the authenticator's signature then
// covers the article, revision and content hash.
func signChallengeBytes(b Binding, nonce []byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "clinicpress-signature\x00%d\x00%d\x00%d\x00%s\x00", b.ClinicID, b.ArticleID, b.Revision, b.ContentHash)
	h.Write(nonce)
	return h.Sum(nil)
}

// beginAssertionTx starts a passkey assertion bound to b; it returns the
// request options and the ceremony data for the challenge row.
func (s *Service) beginAssertionTx(tx *gorm.DB, userID int64, b Binding) (any, string, error) {
	wa, err := b.RP.webauthn()
	if err != nil {
		return nil, "", err
	}
	w, err := s.waUserTx(tx, userID)
	if err != nil {
		return nil, "", err
	}
	nonce, err := randomID()
	if err != nil {
		return nil, "", err
	}
	opts, sess, err := wa.BeginLogin(w, webauthn.WithChallenge(signChallengeBytes(b, []byte(nonce))),
		webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", err
	}
	data, err := json.Marshal(ceremony{RP: b.RP, Session: *sess})
	return opts, string(data), err
}

// beginLoginAssertionTx starts a passkey assertion for a sign-in.
func (s *Service) beginLoginAssertionTx(tx *gorm.DB, userID int64, rp RelyingParty) (any, string, error) {
	wa, err := rp.webauthn()
	if err != nil {
		return nil, "", err
	}
	w, err := s.waUserTx(tx, userID)
	if err != nil {
		return nil, "", err
	}
	opts, sess, err := wa.BeginLogin(w, webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", err
	}
	data, err := json.Marshal(ceremony{RP: rp, Session: *sess})
	return opts, string(data), err
}

// finishAssertionTx verifies a passkey assertion against the ceremony
// data of its challenge and records the credential's new sign count.
func (s *Service) finishAssertionTx(tx *gorm.DB, userID int64, data string, response []byte) error {
	var cer ceremony
	if err := json.Unmarshal([]byte(data), &cer); err != nil || data == "" {
		return errs.Forbidden("signature_invalid", "this challenge was not made for a passkey; ask for a new one")
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return errs.Forbidden("signature_invalid", "the passkey response could not be read")
	}
	wa, err := cer.RP.webauthn()
	if err != nil {
		return err
	}
	w, err := s.waUserTx(tx, userID)
	if err != nil {
		return err
	}
	cred, err := wa.ValidateLogin(w, cer.Session, parsed)
	if err != nil {
		return errs.Forbidden("signature_invalid", "the passkey assertion could not be verified")
	}
	if cred.Authenticator.CloneWarning {
		return errs.Forbidden("signature_invalid", "this passkey looks cloned; it was refused")
	}
	blob, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	return tx.Exec(`UPDATE webauthn_credentials SET credential = ?, last_used_at = ? WHERE user_id = ? AND credential_id = ?`,
		string(blob), s.now(), userID, base64.RawURLEncoding.EncodeToString(cred.ID)).Error
}

// Passkey is an enrolled passkey as listed to its owner.
type Passkey struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Passkeys lists userID's passkeys.
func (s *Service) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	var out []Passkey
	err := s.db.WithContext(ctx).Table("webauthn_credentials").Select("id, name").Where("user_id = ?", userID).Order("id").Scan(&out).Error
	return out, err
}
