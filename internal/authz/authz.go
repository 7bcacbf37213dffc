// Package authz answers one question with Casbin: may a holder of this role
// take this action on this kind of object? The role -> action policy is
// static, the same for every clinic, and owned by the migrations (the
// casbin_rule table). Who holds which role is not here: the caller reads it
// from the membership row (or the user's platform flag) in the request's own
// transaction, so no process keeps a copy that could go stale. Tenant
// scoping, row ownership and the four-eyes rule live in the domain packages.
package authz

import (
	_ "embed"
	"fmt"
	"log/slog"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
)

//go:embed model.conf
var modelText string

// Role is what a person is in a clinic (or, for RolePlatformAdmin, on the
// whole installation).
type Role string

// Roles a member can hold in a clinic, and the platform operator's role.
const (
	RoleWriter        Role = "writer"
	RoleDoctor        Role = "doctor"
	RoleClinicAdmin   Role = "clinic_admin"
	RolePlatformAdmin Role = "platform_admin"
)

// ClinicRoles lists the roles a clinic member can hold, in the order
// screens offer them.
var ClinicRoles = []Role{RoleWriter, RoleDoctor, RoleClinicAdmin}

// ValidRole reports whether r is a clinic role.
func ValidRole(r Role) bool {
	for _, c := range ClinicRoles {
		if r == c {
			return true
		}
	}
	return false
}

// Objects and actions known to the policies.
const (
	ObjClinic  = "clinic"
	ObjMember  = "member"
	ObjArticle = "article"
	ObjAudit   = "audit"
	ObjMedia   = "media"

	ActCreate  = "create"
	ActList    = "list"
	ActRead    = "read"
	ActUpdate  = "update"
	ActManage  = "manage"
	ActWrite   = "write"
	ActReview  = "review"
	ActPublish = "publish"
)

// Actor is who is asking: the signed-in user behind a request.
type Actor struct {
	UserID        int64
	Name          string
	PlatformAdmin bool
	RequestID     string
}

// Authorizer holds the static policy in a Casbin enforcer.
type Authorizer struct {
	e *casbin.Enforcer
}

// New loads the static policy from db once. The migrations own the table:
// the adapter's auto-migration is turned off and SavePolicy is never called.
func New(db *gorm.DB) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	adb := db.Session(&gorm.Session{NewDB: true})
	gormadapter.TurnOffAutoMigrate(adb)
	a, err := gormadapter.NewAdapterByDBUseTableName(adb, "", "casbin_rule")
	if err != nil {
		return nil, fmt.Errorf("authz: adapter: %w", err)
	}
	e, err := casbin.NewEnforcer(m, a)
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	e.EnableAutoSave(false)
	return &Authorizer{e: e}, nil
}

// Allowed reports whether a holder of role may do act on obj.
func (z *Authorizer) Allowed(role Role, obj, act string) bool {
	if role == "" {
		return false
	}
	ok, err := z.e.Enforce(string(role), obj, act)
	if err != nil {
		slog.Error("authz: enforce", "err", err)
		return false
	}
	return ok
}

// AllowedOnPlatform reports whether actor may do act on obj across the
// platform (create and list clinics, manage any clinic's settings).
func (z *Authorizer) AllowedOnPlatform(actor Actor, obj, act string) bool {
	return actor.PlatformAdmin && z.Allowed(RolePlatformAdmin, obj, act)
}
