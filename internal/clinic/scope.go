package clinic

import (
	"context"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Scope is a caller's standing in one clinic, resolved once per request by
// Resolve from the server's own lookup of the clinic and the caller's
// membership row. Services take a Scope instead of a clinic slug, so a
// statement on clinic data always has the clinic id at hand. Its fields are
// unexported: only Resolve (and ResolveTx) make one.
type Scope struct {
	clinic Clinic
	member *Member // nil: not a member (a platform admin looking in)
	actor  authz.Actor
	z      *authz.Authorizer
}

// Clinic is the clinic in scope.
func (sc Scope) Clinic() Clinic { return sc.clinic }

// ClinicID is the id of the clinic in scope.
func (sc Scope) ClinicID() int64 { return sc.clinic.ID }

// Actor is who is asking.
func (sc Scope) Actor() authz.Actor { return sc.actor }

// Member is the caller's membership, or nil when they are not a member.
func (sc Scope) Member() *Member { return sc.member }

// Role is the caller's role in the clinic ("" when not a member).
func (sc Scope) Role() authz.Role {
	if sc.member == nil {
		return ""
	}
	return sc.member.Role
}

// Can reports whether the caller may do act on obj in this clinic: through
// their membership role, their platform role, or (for publishing) the
// clinic's "writers may publish" setting.
func (sc Scope) Can(obj, act string) bool {
	if sc.z == nil {
		return false
	}
	role := sc.Role()
	if sc.z.Allowed(role, obj, act) {
		return true
	}
	if obj == authz.ObjArticle && act == authz.ActPublish && role == authz.RoleWriter && sc.clinic.WritersMayPublish {
		return true
	}
	return sc.z.AllowedOnPlatform(sc.actor, obj, act)
}

// Require answers 403 forbidden unless the caller may do act on obj.
func (sc Scope) Require(obj, act string) error {
	if !sc.Can(obj, act) {
		return errs.Forbidden("forbidden", "your role in this clinic does not allow this")
	}
	return nil
}

// Resolve builds actor's scope in the clinic named slug. A clinic that does
// not exist, or that actor is neither a member of nor a platform admin,
// answers 404 — never 403, so nobody learns which clinics exist.
func (s *Service) Resolve(ctx context.Context, actor authz.Actor, slug string) (Scope, error) {
	c, err := s.BySlug(ctx, slug)
	if err != nil {
		return Scope{}, err
	}
	return s.scopeTx(s.db.WithContext(ctx), actor, c)
}

// ResolveTx re-reads sc's membership inside tx and answers 403 unless the
// caller may still do act on obj. Every write calls it first, so a role
// changed or removed on any instance applies at the very next request.
func (s *Service) ResolveTx(tx *gorm.DB, sc Scope, obj, act string) (Scope, error) {
	fresh, err := s.scopeTx(tx, sc.actor, sc.clinic)
	if err != nil {
		return Scope{}, err
	}
	return fresh, fresh.Require(obj, act)
}

// SystemScope is the scope jobs act in: no member, no platform role, so
// Can is always false; jobs call domain functions that need no permission.
func (s *Service) SystemScope(c Clinic, requestID string) Scope {
	return Scope{clinic: c, actor: authz.Actor{RequestID: requestID}, z: s.authz}
}

func (s *Service) scopeTx(tx *gorm.DB, actor authz.Actor, c Clinic) (Scope, error) {
	sc := Scope{clinic: c, actor: actor, z: s.authz}
	m, err := MembershipTx(tx, c.ID, actor.UserID)
	switch {
	case err == nil:
		sc.member = &m
	case !errs.HasCode(err, "not_found"):
		return Scope{}, err
	case !s.authz.AllowedOnPlatform(actor, authz.ObjClinic, authz.ActRead):
		return Scope{}, errs.NotFound("clinic")
	}
	return sc, nil
}
