package account_test

import (
	"context"
	"testing"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestUserAuditChained: user-level entries (user created, password
// changed) form the platform chain, so audit verify detects a changed, a
// removed or a reordered entry among them, like in a clinic's chain.
func TestUserAuditChained(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("one@chain.test", "One", false)
		e.CreateUser("two@chain.test", "Two", false)
		tok := e.Login("two@chain.test")
		e.MustDo("POST", "/api/v1/me/password", tok, map[string]string{"current_password": testenv.Password, "new_password": "a brand new secret"}, 204, nil)
		e.CreateUser("three@chain.test", "Three", false)
		ctx := context.Background()
		var ids []int64
		if err := d.Raw(`SELECT id FROM audit_entries WHERE clinic_id IS NULL ORDER BY id`).Scan(&ids).Error; err != nil {
			t.Fatal(err)
		}
		if len(ids) != 7 { // root, verifier, verifier granted, one, two, two's password, three
			t.Fatalf("%d user-level entries, want 7", len(ids))
		}
		verify := func() []audit.Broken {
			t.Helper()
			broken, _, err := audit.Verify(ctx, d.DB)
			if err != nil {
				t.Fatal(err)
			}
			return broken
		}
		if b, n, err := audit.Verify(ctx, d.DB); err != nil || len(b) != 0 || n < len(ids) {
			t.Fatalf("untouched trail: %+v, %d checked (%d user-level), %v", b, n, len(ids), err)
		}
		// Each tampering is checked on its own copy: apply, verify, undo.
		check := func(what string, apply func() error, undo func() error) {
			t.Helper()
			if err := apply(); err != nil {
				t.Fatal(err)
			}
			b := verify()
			if len(b) != 1 || b[0].ClinicID != 0 {
				t.Errorf("%s: verify says %+v", what, b)
			}
			if err := undo(); err != nil {
				t.Fatal(err)
			}
			if b := verify(); len(b) != 0 {
				t.Fatalf("after undoing %s: %+v", what, b)
			}
		}
		var orig audit.Entry
		if err := d.Where("id = ?", ids[3]).Take(&orig).Error; err != nil {
			t.Fatal(err)
		}
		check("changed email", func() error {
			return d.Exec(`UPDATE audit_entries SET after_json = ? WHERE id = ?`, `{"email":"evil@chain.test","name":"One","platform_admin":true}`, ids[3]).Error
		}, func() error {
			return d.Exec(`UPDATE audit_entries SET after_json = ? WHERE id = ?`, orig.AfterJSON, ids[3]).Error
		})
		var pw audit.Entry
		if err := d.Where("id = ?", ids[5]).Take(&pw).Error; err != nil {
			t.Fatal(err)
		}
		check("removed password change", func() error {
			return d.Exec(`DELETE FROM audit_entries WHERE id = ?`, ids[5]).Error
		}, func() error { return d.Create(&pw).Error })
		check("changed actor", func() error {
			return d.Exec(`UPDATE audit_entries SET actor_id = NULL WHERE id = ?`, ids[5]).Error
		}, func() error {
			return d.Exec(`UPDATE audit_entries SET actor_id = ? WHERE id = ?`, *pw.ActorID, ids[5]).Error
		})
	})
}
