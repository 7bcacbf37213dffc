package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestAuditLogHidesMemberData: the members route refuses writers and
// doctors (403), so the clinic audit log must not show them the same data
// (emails, registration numbers) through member entries; a clinic admin
// still sees it.
func TestAuditLogHidesMemberData(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("auditfilter")
		_, id := e.AddMember(c, c.Admin, "secret.person@hidden.test", "Hidden Doctor", authz.RoleDoctor)
		e.MustDo("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", c.Slug, id), c.Admin, map[string]any{
			"doctor": map[string]any{"registration_number": "M54321Z", "specialty": "Dermatology"}}, 200, nil)
		for _, who := range []struct {
			name, tok string
			sees      bool
		}{{"writer", c.Writer, false}, {"doctor", c.Doctor, false}, {"clinic admin", c.Admin, true}} {
			if r := e.Do("GET", "/api/v1/clinics/"+c.Slug+"/members", who.tok, nil); (r.Status == 200) != who.sees {
				t.Fatalf("%s: members route %d", who.name, r.Status)
			}
			r := e.Do("GET", "/api/v1/clinics/"+c.Slug+"/audit?limit=500", who.tok, nil)
			if r.Status != 200 {
				t.Fatalf("%s: audit %d", who.name, r.Status)
			}
			body := string(r.Body)
			for _, secret := range []string{"secret.person@hidden.test", "M54321Z", "@" + c.Slug + ".test"} {
				if strings.Contains(body, secret) != who.sees {
					t.Errorf("%s: audit log shows %q = %v, want %v", who.name, secret, !who.sees, who.sees)
				}
			}
			if !strings.Contains(body, "member.") && !strings.Contains(body, "Hidden Doctor") {
				t.Errorf("%s: the member entries themselves vanished: %.300s", who.name, body)
			}
		}
	})
}
