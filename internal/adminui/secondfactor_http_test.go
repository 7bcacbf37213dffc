package adminui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestHTTPSecondFactor: the Security screen sets up an authenticator app
// with a QR code and recovery codes; a clinic that requires a second
// factor keeps doctors and admins without one out of its screens; the
// review screen then asks for password and code.
func TestHTTPSecondFactor(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("mfa")
		r := post(t, e, "/admin/security/totp", c.Doctor, nil)
		if r.Status != 200 || !strings.Contains(r.Body, `src="data:image/png;base64,`) {
			t.Fatalf("totp setup: %d", r.Status)
		}
		i := strings.Index(r.Body, `id="totp-secret">`)
		if i < 0 {
			t.Fatal("no secret shown")
		}
		secret := r.Body[i+len(`id="totp-secret">`):]
		secret = secret[:strings.Index(secret, "<")]
		code, _ := totp.GenerateCode(secret, e.Clock.Now())
		r = post(t, e, "/admin/security/totp/confirm", c.Doctor, map[string][]string{"code": {code}})
		if r.Status != 200 || strings.Count(r.Body, "<li><code>") != 10 {
			t.Fatalf("totp confirm: %d, recovery codes %d", r.Status, strings.Count(r.Body, "<li><code>"))
		}
		e.MustDo("PATCH", "/api/v1/clinics/mfa", c.Admin, map[string]any{"require_second_factor": true}, 200, nil)
		if r := do(t, e, "GET", "/admin/c/mfa/review-queue", c.Doctor2, nil, nil); r.Status != 403 || !strings.Contains(r.Body, "requires a second factor") {
			t.Fatalf("doctor without a second factor: %d", r.Status)
		}
		if r := do(t, e, "GET", "/admin/security", c.Doctor2, nil, nil); r.Status != 200 {
			t.Fatalf("security screen closed: %d", r.Status)
		}
		if r := do(t, e, "GET", "/admin/c/mfa/articles", c.Writer, nil, nil); r.Status != 200 {
			t.Fatalf("writer kept out: %d", r.Status)
		}
		a := e.Draft(c, c.Writer, "Code signed")
		e.MustDo("POST", testenv.ArticlePath("mfa", a.ID, "/submit"), c.Writer, nil, 200, &a)
		r = do(t, e, "GET", fmt.Sprintf("/admin/c/mfa/articles/%d/review", a.ID), c.Doctor, nil, nil)
		if r.Status != 200 || !strings.Contains(r.Body, `name="sig_totp"`) || !strings.Contains(r.Body, `name="sig_password"`) {
			t.Fatalf("review screen lacks password and code fields: %d", r.Status)
		}
	})
}
