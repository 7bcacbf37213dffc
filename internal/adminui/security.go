package adminui

import (
	"encoding/json"
	"fmt"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// securityView is the "Security & profile" screen: second factors, the
// doctor profile and, right after an enrolment, the recovery codes.
type securityView struct {
	Factors       account.Factors
	Passkeys      []account.Passkey
	TOTP          *account.TOTPEnrolment // set while setting up an app
	QR            template.URL           // TOTP.QR, a data:image/png URL made here
	RecoveryCodes []string               // shown once
	Passkey       account.PasskeyOptions // options for "Add a passkey"
	PasskeyJSON   string
	Doctor        *clinic.Doctor
	Error         string
}

func (u *UI) securityRender(c *fiber.Ctx, status int, v securityView) error {
	ctx, act := c.UserContext(), actor(c)
	var err error
	if v.Factors, err = u.accounts.Factors(ctx, act.UserID); err != nil {
		return err
	}
	if v.Passkeys, err = u.accounts.Passkeys(ctx, act.UserID); err != nil {
		return err
	}
	if v.Passkey, err = u.accounts.BeginPasskeyRegistration(ctx, act.UserID, relyingParty(c)); err == nil {
		b, _ := json.Marshal(v.Passkey.Options)
		v.PasskeyJSON = string(b)
	}
	if d, err := u.clinics.OwnDoctorProfile(ctx, act); err == nil && d.CreatedAt.Year() > 1 {
		v.Doctor = &d
	}
	return u.view(c, status, "security", &Page{Title: "Security & profile", Nav: "security", D: v})
}

// securityPage shows the person's second factors and doctor profile.
func (u *UI) securityPage(c *fiber.Ctx) error {
	return u.securityRender(c, fiber.StatusOK, securityView{})
}

// totpBegin starts setting up an authenticator app: QR code and secret.
func (u *UI) totpBegin(c *fiber.Ctx) error {
	en, err := u.accounts.BeginTOTP(c.UserContext(), actor(c).UserID)
	if e, ok := isUserError(err); ok {
		return u.securityRender(c, e.Status, securityView{Error: Message(e)})
	} else if err != nil {
		return err
	}
	// The data: URL is the server's own PNG, so it is marked safe for src.
	return u.securityRender(c, fiber.StatusOK, securityView{TOTP: &en, QR: template.URL(en.QR)})
}

// totpConfirm turns the app on with a current code.
func (u *UI) totpConfirm(c *fiber.Ctx) error {
	act := actor(c)
	codes, err := u.accounts.ConfirmTOTP(c.UserContext(), act.UserID, c.FormValue("code"), act.RequestID)
	if e, ok := isUserError(err); ok {
		return u.securityRender(c, e.Status, securityView{Error: "The code did not match; set up the app again and type its current code."})
	} else if err != nil {
		return err
	}
	return u.securityRender(c, fiber.StatusOK, securityView{RecoveryCodes: codes})
}

// passkeyAdd stores a passkey the browser created (admin.js fills the
// credential field from navigator.credentials.create).
func (u *UI) passkeyAdd(c *fiber.Ctx) error {
	act := actor(c)
	codes, err := u.accounts.FinishPasskeyRegistration(c.UserContext(), act.UserID, c.FormValue("challenge_id"), c.FormValue("name"),
		[]byte(c.FormValue("credential")), act.RequestID)
	if e, ok := isUserError(err); ok {
		return u.securityRender(c, e.Status, securityView{Error: "The passkey was not added: " + e.Message + "."})
	} else if err != nil {
		return err
	}
	if codes == nil {
		u.flash(c, "ok", "Passkey added. You can now sign in and sign off with it.")
		return c.Redirect(Prefix+"/security", fiber.StatusSeeOther)
	}
	return u.securityRender(c, fiber.StatusOK, securityView{RecoveryCodes: codes})
}

// secondFactorGate keeps doctors and clinic admins of a clinic that
// requires a second factor out of its screens until they enrolled one
// (403 second_factor_required; the Security screen stays open).
func (u *UI) secondFactorGate(c *fiber.Ctx, sc clinic.Scope) error {
	if !sc.Clinic().RequireSecondFactor || (sc.Role() != authz.RoleDoctor && sc.Role() != authz.RoleClinicAdmin) {
		return nil
	}
	f, err := u.accounts.Factors(c.UserContext(), sc.Actor().UserID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return errs.Forbidden("second_factor_required", "this clinic requires a second factor")
	}
	return nil
}

// verifyView is the credential verifiers' "Verify doctors" screen.
type verifyView struct {
	Doctors []clinic.Doctor
	Error   string
}

// verifyPage lists doctors whose registration needs a check; credential
// verifiers only (403 for everyone else, from the service).
func (u *UI) verifyPage(c *fiber.Ctx) error {
	ds, err := u.clinics.PendingDoctors(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "verify", &Page{Title: "Verify doctors", Nav: "verify", D: verifyView{Doctors: ds}})
}

// verifySubmit records a register check of one doctor.
func (u *UI) verifySubmit(c *fiber.Ctx) error {
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	d, err := u.clinics.VerifyDoctor(c.UserContext(), actor(c), uid, clinic.Verification{Reference: c.FormValue("reference"), Note: c.FormValue("note")})
	if e, ok := isUserError(err); ok {
		u.flash(c, "error", Message(e)+" "+e.Message)
		return c.Redirect(Prefix+"/verify-doctors", fiber.StatusSeeOther)
	} else if err != nil {
		return err
	}
	u.flash(c, "ok", fmt.Sprintf("Recorded: Dr %s's registration %s was checked in the register.", d.Name, d.RegistrationNumber))
	return c.Redirect(Prefix+"/verify-doctors", fiber.StatusSeeOther)
}
