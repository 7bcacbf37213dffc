// Package authz answers one question with Casbin: may this user, through
// the role they hold in this clinic, take this action? Roles are defined
// once for every clinic by the migrations; grouping rows are memberships and
// are written by the clinic package inside its own transactions. Tenant
// scoping, row ownership and the four-eyes rule are not here: they live in
// SQL and in the domain packages.
package authz

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
)

//go:embed model.conf
var modelText string

// Roles a member can hold in a clinic.
const (
	RoleWriter      = "writer"
	RoleDoctor      = "doctor"
	RoleClinicAdmin = "clinic_admin"
)

// ValidRole reports whether r is a clinic role.
func ValidRole(r string) bool {
	return r == RoleWriter || r == RoleDoctor || r == RoleClinicAdmin
}

// Objects and actions known to the policies.
const (
	ObjClinic  = "clinic"
	ObjMember  = "member"
	ObjArticle = "article"
	ObjAudit   = "audit"

	ActCreate  = "create"
	ActList    = "list"
	ActRead    = "read"
	ActUpdate  = "update"
	ActManage  = "manage"
	ActWrite   = "write"
	ActReview  = "review"
	ActPublish = "publish"
)

const platformDomain = "platform"

// Actor is who is asking: the signed-in user behind a request.
type Actor struct {
	UserID        int64
	Name          string
	PlatformAdmin bool
	RequestID     string
}

// Authorizer wraps a Casbin SyncedEnforcer whose policies live in the
// casbin_rule table.
type Authorizer struct {
	e    *casbin.SyncedEnforcer
	db   *gorm.DB
	mu   sync.Mutex
	sign string
}

// New loads the policies from db. The migrations own the table: the
// adapter's auto-migration is turned off and SavePolicy is never called.
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
	e, err := casbin.NewSyncedEnforcer(m, a)
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	e.EnableAutoSave(false)
	z := &Authorizer{e: e, db: db}
	z.sign, _ = z.signature(context.Background())
	return z, nil
}

// Subject is the Casbin subject of a user.
func Subject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// Domain is the Casbin domain of a clinic.
func Domain(clinicID int64) string { return "clinic:" + strconv.FormatInt(clinicID, 10) }

// Allowed reports whether actor may do act on obj in the clinic. A
// platform admin's platform-wide permissions are checked in the "platform"
// domain; the clinic domain always comes from the server's own lookup.
func (z *Authorizer) Allowed(actor Actor, clinicID int64, obj, act string) bool {
	ok, err := z.e.Enforce(Subject(actor.UserID), Domain(clinicID), obj, act)
	if err != nil {
		slog.Error("authz: enforce", "err", err)
		return false
	}
	if ok {
		return true
	}
	return actor.PlatformAdmin && z.AllowedOnPlatform(actor, obj, act)
}

// AllowedOnPlatform reports whether actor may do act on obj across the
// platform (create and list clinics).
func (z *Authorizer) AllowedOnPlatform(actor Actor, obj, act string) bool {
	if !actor.PlatformAdmin {
		return false
	}
	ok, err := z.e.Enforce(Subject(actor.UserID), platformDomain, obj, act)
	if err != nil {
		slog.Error("authz: enforce", "err", err)
		return false
	}
	return ok
}

// GrantTx writes the grouping row giving user role in clinic (clinicID 0 is
// the platform domain) inside tx. Call Reload after the transaction commits.
func GrantTx(tx *gorm.DB, userID, clinicID int64, role string) error {
	dom := platformDomain
	if clinicID != 0 {
		dom = Domain(clinicID)
	}
	if err := RevokeTx(tx, userID, clinicID); err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES ('g', ?, ?, ?, '', '', '')`,
		Subject(userID), "role:"+role, dom).Error
}

// RevokeTx removes every grouping row of user in clinic inside tx.
func RevokeTx(tx *gorm.DB, userID, clinicID int64) error {
	dom := platformDomain
	if clinicID != 0 {
		dom = Domain(clinicID)
	}
	return tx.Exec(`DELETE FROM casbin_rule WHERE ptype = 'g' AND v0 = ? AND v2 = ?`, Subject(userID), dom).Error
}

// Reload re-reads the policies from the database.
func (z *Authorizer) Reload(ctx context.Context) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if err := z.e.LoadPolicy(); err != nil {
		return fmt.Errorf("authz: reload: %w", err)
	}
	z.sign, _ = z.signature(ctx)
	return nil
}

// signature changes whenever a policy row is added or removed.
func (z *Authorizer) signature(ctx context.Context) (string, error) {
	var row struct{ N, M int64 }
	err := z.db.WithContext(ctx).Raw(`SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM casbin_rule`).Scan(&row).Error
	return fmt.Sprintf("%d/%d", row.N, row.M), err
}

// Watch reloads the policies whenever another instance changed them,
// checking every interval until ctx ends.
func (z *Authorizer) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s, err := z.signature(ctx)
			z.mu.Lock()
			changed := err == nil && s != z.sign
			z.mu.Unlock()
			if changed {
				if err := z.Reload(ctx); err != nil {
					slog.Error("authz: watch reload", "err", err)
				}
			}
		}
	}
}
