package api

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// sigReq is the electronic signature a review or acknowledgement carries.
type sigReq struct {
	Method      string          `json:"method"`
	Password    string          `json:"password"`
	TOTP        string          `json:"totp"`
	ChallengeID string          `json:"challenge_id"`
	Assertion   json.RawMessage `json:"assertion"`
}

func (r *sigReq) signature(c *fiber.Ctx) account.Signature {
	if r == nil {
		return account.Signature{}
	}
	return account.Signature{Method: r.Method, Password: r.Password, TOTP: r.TOTP, ChallengeID: r.ChallengeID,
		Assertion: append([]byte(nil), r.Assertion...), RP: relyingParty(c)}
}

// relyingParty is the WebAuthn relying party of the request's own host.
func relyingParty(c *fiber.Ctx) account.RelyingParty {
	rp, _ := account.RelyingPartyFor(c.Protocol(), strings.Clone(string(c.Context().Host())))
	return rp
}

// secondFactorGate refuses doctors and clinic admins of a clinic that
// requires a second factor until they enrolled one (403
// second_factor_required); the /me routes to enrol stay open.
func (a *API) secondFactorGate(c *fiber.Ctx, sc clinic.Scope) error {
	if !sc.Clinic().RequireSecondFactor || (sc.Role() != authz.RoleDoctor && sc.Role() != authz.RoleClinicAdmin) {
		return nil
	}
	f, err := a.Accounts.Factors(c.UserContext(), sc.Actor().UserID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return errs.Forbidden("second_factor_required", "this clinic requires a second factor: set up a passkey or an authenticator app first (POST /api/v1/me/totp or /api/v1/me/passkeys/begin)")
	}
	return nil
}

func (a *API) registerIdentity(auth fiber.Router) {
	auth.Get("/me/doctor-profile", a.ownDoctor)
	auth.Patch("/me/doctor-profile", a.patchOwnDoctor)
	auth.Get("/me/second-factors", a.factors)
	auth.Post("/me/totp", a.beginTOTP)
	auth.Post("/me/totp/confirm", a.confirmTOTP)
	auth.Delete("/me/totp", a.disableTOTP)
	auth.Post("/me/recovery-codes", a.recoveryCodes)
	auth.Post("/me/passkeys/begin", a.beginPasskey)
	auth.Post("/me/passkeys/finish", a.finishPasskey)
	auth.Get("/doctors/pending", a.pendingDoctors)
	auth.Get("/doctors/:user", a.getDoctor)
	auth.Post("/doctors/:user/verification", a.verifyDoctor)
	auth.Post("/credential-verifiers", a.grantVerifier)
}

func userID(c *fiber.Ctx) int64 { return c.Locals("user").(account.User).ID }

func (a *API) secondFactor(c *fiber.Ctx) error {
	var req struct {
		Ticket       string          `json:"ticket"`
		TOTP         string          `json:"totp"`
		RecoveryCode string          `json:"recovery_code"`
		Assertion    json.RawMessage `json:"assertion"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	tok, sess, u, err := a.Accounts.FinishSecondStep(c.UserContext(), req.Ticket,
		account.SecondProof{TOTP: req.TOTP, RecoveryCode: req.RecoveryCode, Assertion: append([]byte(nil), req.Assertion...)})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: tok, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Expires: sess.ExpiresAt})
	return c.JSON(fiber.Map{"token": tok, "expires_at": sess.ExpiresAt, "user": userOut(u)})
}

func (a *API) signatureChallenge(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Revision    int    `json:"revision"`
		ContentHash string `json:"content_hash"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	ch, err := a.Articles.SignatureChallenge(c.UserContext(), sc, id, req.Revision, req.ContentHash, relyingParty(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ch)
}

func (a *API) ownDoctor(c *fiber.Ctx) error {
	d, err := a.Clinics.OwnDoctorProfile(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *API) patchOwnDoctor(c *fiber.Ctx) error {
	var req struct {
		RegistrationNumber  *string   `json:"registration_number"`
		RegisterCountry     *string   `json:"register_country"`
		Specialty           *string   `json:"specialty"`
		CredentialsExpireOn *string   `json:"credentials_expire_on"`
		Languages           *[]string `json:"languages"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := a.Clinics.UpdateOwnDoctorProfile(c.UserContext(), actor(c), clinic.DoctorPatch{RegistrationNumber: req.RegistrationNumber,
		RegisterCountry: req.RegisterCountry, Specialty: req.Specialty, CredentialsExpireOn: req.CredentialsExpireOn, Languages: req.Languages})
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *API) factors(c *fiber.Ctx) error {
	f, err := a.Accounts.Factors(c.UserContext(), userID(c))
	if err != nil {
		return err
	}
	pk, err := a.Accounts.Passkeys(c.UserContext(), userID(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"totp": f.TOTP, "passkeys": pk, "recovery_codes_left": f.RecoveryCodes})
}

func (a *API) beginTOTP(c *fiber.Ctx) error {
	e, err := a.Accounts.BeginTOTP(c.UserContext(), userID(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (a *API) confirmTOTP(c *fiber.Ctx) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	codes, err := a.Accounts.ConfirmTOTP(c.UserContext(), userID(c), req.Code, actor(c).RequestID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"totp": true, "recovery_codes": codes})
}

func (a *API) disableTOTP(c *fiber.Ctx) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.Accounts.DisableTOTP(c.UserContext(), userID(c), req.Password, actor(c).RequestID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) recoveryCodes(c *fiber.Ctx) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	codes, err := a.Accounts.NewRecoveryCodes(c.UserContext(), userID(c), req.Password, actor(c).RequestID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"recovery_codes": codes})
}

func (a *API) beginPasskey(c *fiber.Ctx) error {
	o, err := a.Accounts.BeginPasskeyRegistration(c.UserContext(), userID(c), relyingParty(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (a *API) finishPasskey(c *fiber.Ctx) error {
	var req struct {
		ChallengeID string          `json:"challenge_id"`
		Name        string          `json:"name"`
		Credential  json.RawMessage `json:"credential"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	codes, err := a.Accounts.FinishPasskeyRegistration(c.UserContext(), userID(c), req.ChallengeID, req.Name, append([]byte(nil), req.Credential...), actor(c).RequestID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"passkey": true, "recovery_codes": codes})
}

func (a *API) pendingDoctors(c *fiber.Ctx) error {
	ds, err := a.Clinics.PendingDoctors(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"doctors": ds})
}

func (a *API) getDoctor(c *fiber.Ctx) error {
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	d, err := a.Clinics.DoctorByID(c.UserContext(), actor(c), uid)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *API) verifyDoctor(c *fiber.Ctx) error {
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	var req struct {
		Reference string `json:"reference"`
		Note      string `json:"note"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := a.Clinics.VerifyDoctor(c.UserContext(), actor(c), uid, clinic.Verification{Reference: req.Reference, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *API) grantVerifier(c *fiber.Ctx) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.Clinics.GrantVerifier(c.UserContext(), actor(c), req.Email); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
