package adminui

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// signForm is what a signing form shows (template "signfields"): a
// password field, password plus authenticator code, or a passkey
// challenge made for this revision when the page was drawn.
type signForm struct {
	Prefix      string
	Method      string
	ChallengeID string
	Options     string // WebAuthn request options (JSON)
}

// relyingParty is the passkey relying party of the request's own host.
func relyingParty(c *fiber.Ctx) account.RelyingParty {
	rp, _ := account.RelyingPartyFor(c.Protocol(), string(c.Context().Host()))
	return rp
}

// signFormFor prepares a signing form for the signed-in doctor on the
// current revision of a: with passkeys, a fresh challenge bound to it.
func (u *UI) signFormFor(c *fiber.Ctx, sc clinic.Scope, a article.View, prefix string) signForm {
	f, err := u.accounts.Factors(c.UserContext(), sc.Actor().UserID)
	if err != nil {
		return signForm{Prefix: prefix, Method: account.MethodPassword}
	}
	switch {
	case f.Passkeys > 0:
		ch, err := u.articles.SignatureChallenge(c.UserContext(), sc, a.ID, a.CurrentRevision, a.Current.ContentHash, relyingParty(c))
		if err == nil {
			opts, _ := json.Marshal(ch.PublicKey)
			return signForm{Prefix: prefix, Method: account.MethodPasskey, ChallengeID: ch.ID, Options: string(opts)}
		}
	case f.TOTP:
		return signForm{Prefix: prefix, Method: account.MethodPasswordTOTP}
	}
	if f.TOTP {
		return signForm{Prefix: prefix, Method: account.MethodPasswordTOTP}
	}
	return signForm{Prefix: prefix, Method: account.MethodPassword}
}

// signatureFrom reads a signing form's fields.
func signatureFrom(c *fiber.Ctx) account.Signature {
	return account.Signature{Method: c.FormValue("sig_method"), Password: c.FormValue("sig_password"), TOTP: c.FormValue("sig_totp"),
		ChallengeID: c.FormValue("sig_challenge"), Assertion: []byte(c.FormValue("sig_assertion")), RP: relyingParty(c)}
}
