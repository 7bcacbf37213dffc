package clinic

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// MemberView is a member as shown to the clinic's admins.
type MemberView struct {
	Member
	DoctorProfile *DoctorProfile `json:"doctor,omitempty"`
	// CredentialsStatus flags a doctor's sign-off ability for the clinic
	// admins: "valid", "expiring" (within 30 days), "expired",
	// "unverified" (no credential verifier has checked the profile, or a
	// change voided the check) or "incomplete" (no registration number or
	// expiry date). Empty for non-doctors.
	CredentialsStatus string `json:"credentials_status,omitempty"`
}

// ExpiryWarning is how long before expiry a doctor's credentials are
// flagged to the clinic admins.
const ExpiryWarning = 30 * 24 * time.Hour

// CredentialsStatus classifies a doctor member's credentials on day now.
func CredentialsStatus(m Member, now time.Time) string {
	if m.Role != authz.RoleDoctor {
		return ""
	}
	exp, err := time.Parse(time.DateOnly, m.CredentialsExpireOn)
	switch {
	case strings.TrimSpace(m.RegistrationNumber) == "" || err != nil:
		return "incomplete"
	case !m.CredentialsValidOn(now):
		return "expired"
	case m.VerifiedAt == nil:
		return "unverified"
	case !m.CredentialsValidOn(now.Add(ExpiryWarning)) || exp.Sub(now.UTC().Truncate(24*time.Hour)) < ExpiryWarning:
		return "expiring"
	}
	return "valid"
}

func view(m Member) MemberView { return MemberView{Member: m, DoctorProfile: m.Doctor()} }

// ListMembers lists the clinic's members; clinic admins only.
func (s *Service) ListMembers(ctx context.Context, sc Scope) ([]MemberView, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return nil, err
	}
	return s.Members(ctx, sc.ClinicID(), "")
}

// Members lists a clinic's members without an access check, optionally of
// one role (public doctor pages, jobs).
func (s *Service) Members(ctx context.Context, clinicID int64, role authz.Role) ([]MemberView, error) {
	var ms []Member
	q := memberQuery(s.db.WithContext(ctx)).Where("m.clinic_id = ?", clinicID)
	if role != "" {
		q = q.Where("m.role = ?", role)
	}
	if err := q.Order("u.name, m.user_id").Find(&ms).Error; err != nil {
		return nil, err
	}
	out := make([]MemberView, len(ms))
	now := s.clock()
	for i, m := range ms {
		out[i] = view(m)
		out[i].CredentialsStatus = CredentialsStatus(m, now)
	}
	return out, nil
}

// MemberPatch changes a membership; nil fields stay.
type MemberPatch struct {
	Role   *authz.Role
	Doctor *DoctorProfile
}

// UpdateMember changes a member's role or doctor profile; clinic admins
// only. Demoting the last clinic admin answers 409 last_admin.
func (s *Service) UpdateMember(ctx context.Context, sc Scope, userID int64, p MemberPatch) (MemberView, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return MemberView{}, err
	}
	actor, c := sc.actor, sc.clinic
	var v errs.Validation
	if p.Role != nil && !authz.ValidRole(*p.Role) {
		v.Add("role", "must be writer, doctor or clinic_admin")
	}
	validateDoctor(&v, c.RegistrationCountry, p.Doctor)
	if err := v.Err(); err != nil {
		return MemberView{}, err
	}
	now := s.clock()
	var m Member
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockClinicTx(tx, c.ID); err != nil {
			return err
		}
		if _, err := s.ResolveTx(tx, sc, authz.ObjMember, authz.ActManage); err != nil {
			return err
		}
		var err error
		if m, err = MembershipTx(tx, c.ID, userID); err != nil {
			return err
		}
		before := view(m)
		if p.Role != nil && *p.Role != m.Role {
			if m.Role == authz.RoleClinicAdmin {
				if err := lastAdminTx(tx, c.ID); err != nil {
					return err
				}
			}
			m.Role = *p.Role
		}
		if p.Doctor != nil {
			if m.Role != authz.RoleDoctor {
				v.Add("doctor", "only a doctor member has a doctor profile")
				return v.Err()
			}
			d, err := adminSetProfileTx(tx, c.RegistrationCountry, userID, p.Doctor, now)
			if err != nil {
				return err
			}
			applyProfile(&m, d)
		}
		m.UpdatedAt = now
		if err := tx.Model(&Member{}).Where("clinic_id = ? AND user_id = ?", c.ID, userID).Updates(map[string]any{
			"role": m.Role, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := projection.New(s.db.Dialect).Bump(tx, c.ID); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "member.updated",
			TargetType: "user", TargetID: userID, Before: before, After: view(m), RequestID: actor.RequestID, At: now})
	})
	if err != nil {
		return MemberView{}, err
	}
	s.changed(c.ID)
	return view(m), nil
}

// lockClinicTx serialises membership changes of one clinic, so two admins
// demoting or removing each other at once cannot both pass the last-admin
// check (SQLite's immediate transactions already serialise writers).
func (s *Service) lockClinicTx(tx *gorm.DB, clinicID int64) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	return tx.Exec(`SELECT id FROM clinics WHERE id = ? FOR UPDATE`, clinicID).Error
}

func lastAdminTx(tx *gorm.DB, clinicID int64) error {
	var n int64
	if err := tx.Model(&Member{}).Where("clinic_id = ? AND role = ?", clinicID, authz.RoleClinicAdmin).Count(&n).Error; err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// RemoveMember ends a membership; clinic admins only.
func (s *Service) RemoveMember(ctx context.Context, sc Scope, userID int64) error {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return err
	}
	actor, c := sc.actor, sc.clinic
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockClinicTx(tx, c.ID); err != nil {
			return err
		}
		if _, err := s.ResolveTx(tx, sc, authz.ObjMember, authz.ActManage); err != nil {
			return err
		}
		m, err := MembershipTx(tx, c.ID, userID)
		if err != nil {
			return err
		}
		if m.Role == authz.RoleClinicAdmin {
			if err := lastAdminTx(tx, c.ID); err != nil {
				return err
			}
		}
		if err := tx.Exec(`DELETE FROM memberships WHERE clinic_id = ? AND user_id = ?`, c.ID, userID).Error; err != nil {
			return err
		}
		if err := projection.New(s.db.Dialect).Bump(tx, c.ID); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "member.removed",
			TargetType: "user", TargetID: userID, Before: view(m), RequestID: actor.RequestID, At: now})
	})
	if err != nil {
		return err
	}
	s.changed(c.ID)
	return nil
}

// Membership is one clinic a user belongs to, with the role held there.
type Membership struct {
	ClinicID   int64          `json:"-"`
	ClinicSlug string         `json:"clinic"`
	ClinicName string         `json:"clinic_name"`
	Role       authz.Role     `json:"role"`
	Doctor     *DoctorProfile `json:"doctor,omitempty"`
}

// MembershipsOf lists the clinics userID belongs to.
func (s *Service) MembershipsOf(ctx context.Context, userID int64) ([]Membership, error) {
	var rows []struct {
		Member
		Slug       string
		ClinicName string
	}
	err := memberQuery(s.db.WithContext(ctx)).Select(memberColumns+", c.slug, c.name AS clinic_name").
		Joins("JOIN clinics c ON c.id = m.clinic_id").Where("m.user_id = ?", userID).Order("c.name").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Membership, len(rows))
	for i, r := range rows {
		out[i] = Membership{ClinicID: r.ClinicID, ClinicSlug: r.Slug, ClinicName: r.ClinicName, Role: r.Role, Doctor: r.Member.Doctor()}
	}
	return out, nil
}
