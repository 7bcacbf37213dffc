package clinic

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// memberColumns reads a membership with the person's name, email and
// doctor profile (one per person, shared by all their clinics).
const memberColumns = `m.*, u.email, u.name, COALESCE(p.registration_number, '') AS registration_number,
COALESCE(p.specialty, '') AS specialty, COALESCE(p.credentials_expire_on, '') AS credentials_expire_on, p.verified_at`

// memberQuery starts a query over memberships m joined with users u and
// doctor_profiles p.
func memberQuery(tx *gorm.DB) *gorm.DB {
	return tx.Table("memberships AS m").Select(memberColumns).Joins("JOIN users u ON u.id = m.user_id").
		Joins("LEFT JOIN doctor_profiles p ON p.user_id = m.user_id")
}

// Doctor is a doctor's profile: one per person, across every clinic they
// belong to. Registration number, register country and practising
// certificate expiry are what a credential verifier checks; a change of
// any of them voids the verification.
type Doctor struct {
	UserID                int64      `json:"user_id" gorm:"primaryKey;autoIncrement:false"`
	Name                  string     `json:"name" gorm:"->"`
	Email                 string     `json:"email" gorm:"->"`
	RegistrationNumber    string     `json:"registration_number"`
	RegisterCountry       string     `json:"register_country"`
	Specialty             string     `json:"specialty"`
	CredentialsExpireOn   string     `json:"credentials_expire_on"`
	Languages             []string   `json:"languages" gorm:"serializer:json"`
	VerifiedAt            *time.Time `json:"verified_at"`
	VerifiedBy            *int64     `json:"verified_by"`
	VerificationReference string     `json:"verification_reference"`
	VerificationNote      string     `json:"verification_note"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
	// Status is CredentialsStatus of the profile (filled by readers).
	Status string `json:"credentials_status" gorm:"-"`
	// Clinics lists the slugs of the clinics where the person is a doctor
	// (filled by PendingDoctors).
	Clinics []string `json:"clinics,omitempty" gorm:"-"`
}

// TableName is the doctor_profiles table.
func (Doctor) TableName() string { return "doctor_profiles" }

// asMember is the profile in the shape CredentialsStatus reads.
func (d Doctor) asMember() Member {
	return Member{Role: authz.RoleDoctor, RegistrationNumber: d.RegistrationNumber, Specialty: d.Specialty,
		CredentialsExpireOn: d.CredentialsExpireOn, VerifiedAt: d.VerifiedAt}
}

func doctorTx(tx *gorm.DB, userID int64) (Doctor, bool, error) {
	var d Doctor
	err := tx.Table("doctor_profiles AS p").Select("p.*, u.name, u.email").Joins("JOIN users u ON u.id = p.user_id").
		Where("p.user_id = ?", userID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Doctor{UserID: userID, Languages: []string{"en"}}, false, nil
	}
	return d, err == nil, err
}

// adminSetProfileTx stores the profile a clinic admin typed for userID. A
// verified profile's registration number and expiry are the doctor's and
// the verifier's business: changing them answers 403 profile_verified
// (the same values, or a new specialty, are fine).
func adminSetProfileTx(tx *gorm.DB, country string, userID int64, p *DoctorProfile, now time.Time) (Doctor, error) {
	d, found, err := doctorTx(tx, userID)
	if err != nil || p == nil {
		return d, err
	}
	reg, exp := strings.TrimSpace(p.RegistrationNumber), p.CredentialsExpireOn
	if d.VerifiedAt != nil && (reg != d.RegistrationNumber || exp != d.CredentialsExpireOn) {
		return d, errs.Forbidden("profile_verified", "this doctor's registration number and practising certificate expiry were verified; only the doctor can change them (on their own profile), and a credential verifier then checks them again")
	}
	if d.VerifiedAt == nil {
		d.RegistrationNumber, d.CredentialsExpireOn, d.RegisterCountry = reg, exp, country
	}
	d.Specialty = strings.TrimSpace(p.Specialty)
	d.UpdatedAt = now
	if !found {
		d.CreatedAt = now
		return d, tx.Omit("name", "email").Create(&d).Error
	}
	return d, tx.Model(&Doctor{}).Where("user_id = ?", userID).Updates(map[string]any{
		"registration_number": d.RegistrationNumber, "register_country": d.RegisterCountry, "specialty": d.Specialty,
		"credentials_expire_on": d.CredentialsExpireOn, "updated_at": now}).Error
}

// applyProfile copies a stored profile into a membership read.
func applyProfile(m *Member, d Doctor) {
	m.RegistrationNumber, m.Specialty, m.CredentialsExpireOn, m.VerifiedAt = d.RegistrationNumber, d.Specialty, d.CredentialsExpireOn, d.VerifiedAt
}

// OwnDoctorProfile returns the signed-in person's doctor profile (an empty
// one when none is stored yet).
func (s *Service) OwnDoctorProfile(ctx context.Context, actor authz.Actor) (Doctor, error) {
	d, _, err := doctorTx(s.db.WithContext(ctx), actor.UserID)
	d.Status = CredentialsStatus(d.asMember(), s.clock())
	return d, err
}

// DoctorPatch is a doctor's change of their own profile; nil fields stay.
type DoctorPatch struct {
	RegistrationNumber  *string
	RegisterCountry     *string
	Specialty           *string
	CredentialsExpireOn *string
	Languages           *[]string
}

// UpdateOwnDoctorProfile lets a doctor change their own profile. A change
// of registration number, register country or expiry voids the
// verification until a credential verifier checks it again. Only people
// who are a doctor in some clinic have a profile (403 forbidden).
func (s *Service) UpdateOwnDoctorProfile(ctx context.Context, actor authz.Actor, p DoctorPatch) (Doctor, error) {
	now := s.clock()
	var out Doctor
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Member{}).Where("user_id = ? AND role = ?", actor.UserID, authz.RoleDoctor).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return errs.Forbidden("forbidden", "only a doctor member of a clinic has a doctor profile")
		}
		d, found, err := doctorTx(tx, actor.UserID)
		if err != nil {
			return err
		}
		before := d
		var v errs.Validation
		if p.RegisterCountry != nil {
			rc := strings.ToUpper(strings.TrimSpace(*p.RegisterCountry))
			if len(rc) != 2 || strings.Trim(rc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				v.Add("register_country", "must be a two-letter country code such as SG")
			}
			d.RegisterCountry = rc
		}
		if d.RegisterCountry == "" {
			d.RegisterCountry = "SG"
		}
		prof := DoctorProfile{RegistrationNumber: d.RegistrationNumber, Specialty: d.Specialty, CredentialsExpireOn: d.CredentialsExpireOn}
		if p.RegistrationNumber != nil {
			prof.RegistrationNumber = strings.TrimSpace(*p.RegistrationNumber)
		}
		if p.Specialty != nil {
			prof.Specialty = strings.TrimSpace(*p.Specialty)
		}
		if p.CredentialsExpireOn != nil {
			prof.CredentialsExpireOn = strings.TrimSpace(*p.CredentialsExpireOn)
		}
		validateDoctor(&v, d.RegisterCountry, &prof)
		if p.Languages != nil {
			langs := make([]string, 0, len(*p.Languages))
			for _, l := range *p.Languages {
				l = strings.ToLower(strings.TrimSpace(l))
				if l == "" || utf8.RuneCountInString(l) > 12 {
					v.Add("languages", "must be language codes such as en or zh")
					break
				}
				langs = append(langs, l)
			}
			if len(langs) == 0 || len(langs) > 20 {
				v.Add("languages", "name 1 to 20 languages you read")
			}
			d.Languages = langs
		}
		if err := v.Err(); err != nil {
			return err
		}
		voids := prof.RegistrationNumber != d.RegistrationNumber || prof.CredentialsExpireOn != d.CredentialsExpireOn || d.RegisterCountry != before.RegisterCountry
		d.RegistrationNumber, d.Specialty, d.CredentialsExpireOn = prof.RegistrationNumber, prof.Specialty, prof.CredentialsExpireOn
		if voids {
			d.VerifiedAt, d.VerifiedBy, d.VerificationReference, d.VerificationNote = nil, nil, "", ""
		}
		d.UpdatedAt = now
		if !found {
			d.CreatedAt = now
			if err := tx.Omit("name", "email").Create(&d).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&Doctor{}).Where("user_id = ?", d.UserID).Select("*").Omit("user_id", "name", "email", "created_at").Updates(&d).Error; err != nil {
			return err
		}
		out = d
		return s.doctorChangedTx(tx, actor, d.UserID, "doctor.profile_updated", before, d, now)
	})
	out.Status = CredentialsStatus(out.asMember(), now)
	return out, err
}

// doctorChangedTx writes an audit entry in every clinic where userID is a
// member (and one platform-level entry), and bumps those clinics' public
// pages, which show doctor profiles.
func (s *Service) doctorChangedTx(tx *gorm.DB, actor authz.Actor, userID int64, action string, before, after any, now time.Time) error {
	var clinics []int64
	if err := tx.Model(&Member{}).Where("user_id = ?", userID).Pluck("clinic_id", &clinics).Error; err != nil {
		return err
	}
	if err := audit.Record(tx, audit.Change{ActorID: actor.UserID, Action: action, TargetType: "user", TargetID: userID,
		Before: before, After: after, RequestID: actor.RequestID, At: now}); err != nil {
		return err
	}
	for _, cid := range clinics {
		if err := audit.Record(tx, audit.Change{ClinicID: cid, ActorID: actor.UserID, Action: action, TargetType: "user", TargetID: userID,
			Before: before, After: after, RequestID: actor.RequestID, At: now}); err != nil {
			return err
		}
		if err := projection.New(s.db.Dialect).Bump(tx, cid); err != nil {
			return err
		}
	}
	defer func() {
		for _, cid := range clinics {
			s.changed(cid)
		}
	}()
	return nil
}

// IsVerifier reports whether userID holds the platform-level
// credential_verifier role.
func (s *Service) IsVerifier(ctx context.Context, userID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("credential_verifiers").Where("user_id = ?", userID).Count(&n).Error
	return n > 0, err
}

// GrantVerifier gives the user with email the credential_verifier role;
// platform admins only (the operator's CLI uses GrantVerifierAsOperator).
func (s *Service) GrantVerifier(ctx context.Context, actor authz.Actor, email string) error {
	if !actor.PlatformAdmin {
		return errs.Forbidden("forbidden", "only a platform admin can grant the credential verifier role")
	}
	return s.grantVerifier(ctx, actor, email)
}

// GrantVerifierAsOperator is GrantVerifier for the platform operator on
// the command line.
func (s *Service) GrantVerifierAsOperator(ctx context.Context, email string) error {
	return s.grantVerifier(ctx, authz.Actor{RequestID: "cli"}, email)
}

func (s *Service) grantVerifier(ctx context.Context, actor authz.Actor, email string) error {
	u, err := s.accounts.ByEmail(ctx, email)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		res := tx.Exec(`INSERT INTO credential_verifiers (user_id, granted_by, granted_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, u.ID, by, now)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error // already a verifier: nothing changes
		}
		return audit.Record(tx, audit.Change{ActorID: actor.UserID, Action: "user.verifier_granted", TargetType: "user", TargetID: u.ID,
			After: map[string]any{"email": u.Email}, RequestID: actor.RequestID, At: now})
	})
}

func (s *Service) requireVerifier(ctx context.Context, actor authz.Actor) error {
	ok, err := s.IsVerifier(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbidden("forbidden", "only a credential verifier can check doctors' credentials")
	}
	return nil
}

// PendingDoctors lists, for a credential verifier, the doctors whose
// profiles need a check: never verified or voided by a change, expiring
// within ExpiryWarning, or expired. 403 forbidden for anyone else.
func (s *Service) PendingDoctors(ctx context.Context, actor authz.Actor) ([]Doctor, error) {
	if err := s.requireVerifier(ctx, actor); err != nil {
		return nil, err
	}
	var ds []Doctor
	err := s.db.WithContext(ctx).Table("doctor_profiles AS p").Select("p.*, u.name, u.email").Joins("JOIN users u ON u.id = p.user_id").
		Where("EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = p.user_id AND m.role = ?)", authz.RoleDoctor).
		Order("u.name, p.user_id").Find(&ds).Error
	if err != nil {
		return nil, err
	}
	now := s.clock()
	out := ds[:0]
	for _, d := range ds {
		d.Status = CredentialsStatus(d.asMember(), now)
		if d.Status == "valid" {
			continue
		}
		if err := s.db.WithContext(ctx).Table("memberships AS m").Joins("JOIN clinics c ON c.id = m.clinic_id").
			Where("m.user_id = ? AND m.role = ?", d.UserID, authz.RoleDoctor).Order("c.slug").Pluck("c.slug", &d.Clinics).Error; err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Verification is a credential verifier's record of checking a doctor in
// the public register.
type Verification struct {
	Reference string // the register's entry or search reference
	Note      string
}

// VerifyDoctor records that actor, a credential verifier, checked
// userID's registration number and practising certificate expiry in the
// public register. The verifier cannot be the doctor, nor a clinic admin
// of any clinic where the doctor is a member (403 verifier_conflict): the
// point is that someone other than the clinic admin vouches for the
// doctor. An incomplete or expired profile answers 422.
func (s *Service) VerifyDoctor(ctx context.Context, actor authz.Actor, userID int64, in Verification) (Doctor, error) {
	if err := s.requireVerifier(ctx, actor); err != nil {
		return Doctor{}, err
	}
	in.Reference, in.Note = strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	var v errs.Validation
	if in.Reference == "" || utf8.RuneCountInString(in.Reference) > 300 {
		v.Add("reference", "say where you checked: the register entry or search reference (1 to 300 characters)")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		v.Add("note", "must be at most 2000 characters")
	}
	if err := v.Err(); err != nil {
		return Doctor{}, err
	}
	if userID == actor.UserID {
		return Doctor{}, errs.Forbidden("verifier_conflict", "you cannot verify your own credentials")
	}
	now := s.clock()
	var out Doctor
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		d, found, err := doctorTx(tx, userID)
		if err != nil {
			return err
		}
		var isDoctor int64
		if err := tx.Model(&Member{}).Where("user_id = ? AND role = ?", userID, authz.RoleDoctor).Count(&isDoctor).Error; err != nil {
			return err
		}
		if !found || isDoctor == 0 {
			return errs.NotFound("doctor")
		}
		var conflict int64
		if err := tx.Table("memberships AS a").Joins("JOIN memberships d ON d.clinic_id = a.clinic_id AND d.user_id = ?", userID).
			Where("a.user_id = ? AND a.role = ?", actor.UserID, authz.RoleClinicAdmin).Count(&conflict).Error; err != nil {
			return err
		}
		if conflict > 0 {
			return errs.Forbidden("verifier_conflict", "you are a clinic admin where this doctor works; another credential verifier must check them")
		}
		st := CredentialsStatus(d.asMember(), now)
		if st == "incomplete" || st == "expired" {
			v.Add("doctor", "the profile needs a registration number and an unexpired practising certificate date before it can be verified")
			return v.Err()
		}
		before := d
		d.VerifiedAt, d.VerifiedBy, d.VerificationReference, d.VerificationNote, d.UpdatedAt = &now, &actor.UserID, in.Reference, in.Note, now
		if err := tx.Model(&Doctor{}).Where("user_id = ?", userID).Updates(map[string]any{"verified_at": now, "verified_by": actor.UserID,
			"verification_reference": in.Reference, "verification_note": in.Note, "updated_at": now}).Error; err != nil {
			return err
		}
		out = d
		return s.doctorChangedTx(tx, actor, userID, "doctor.verified", before, d, now)
	})
	out.Status = CredentialsStatus(out.asMember(), now)
	return out, err
}

// DoctorByID returns a doctor's profile for a credential verifier.
func (s *Service) DoctorByID(ctx context.Context, actor authz.Actor, userID int64) (Doctor, error) {
	if err := s.requireVerifier(ctx, actor); err != nil {
		return Doctor{}, err
	}
	d, found, err := doctorTx(s.db.WithContext(ctx), userID)
	if err == nil && !found {
		err = errs.NotFound("doctor")
	}
	d.Status = CredentialsStatus(d.asMember(), s.clock())
	return d, err
}
