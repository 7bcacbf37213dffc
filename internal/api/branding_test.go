package api_test

import (
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestLogoURLRefusesOtherSites: logo_url takes an https URL or a path on
// the clinic's own site; protocol-relative "//evil" (and its backslash
// twin, which browsers treat alike) is another site and is refused.
func TestLogoURLRefusesOtherSites(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("logos")
		for logo, want := range map[string]int{
			"//evil.example/logo.png":      422,
			"/\\evil.example/logo.png":     422,
			"javascript:alert(1)":          422,
			"/logo.png\" onerror=alert(1)": 422,
			"https://cdn.example/l.png":    200,
			"/media/logo.png":              200,
		} {
			r := e.Do("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"branding": map[string]any{"logo_url": logo}})
			if r.Status != want {
				t.Errorf("logo_url %q: %d %s, want %d", logo, r.Status, r.Body, want)
			}
		}
	})
}
