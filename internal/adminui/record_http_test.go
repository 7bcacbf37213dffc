package adminui_test

import (
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestRecordOneTemplate: the admin's record screen and the API's
// ?format=html answer render the same record template, and both show the
// attestation the approving doctor signed (reviews.attestation).
func TestRecordOneTemplate(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("rec-one")
		a := e.Published(c, "Recorded once")
		api := e.MustDo("GET", testenv.ArticlePath(c.Slug, a.ID, "/record?format=html"), c.Admin, nil, 200, nil)
		page := string(api.Body)
		i, j := strings.Index(page, "<main>"), strings.LastIndex(page, "</main>")
		if i < 0 || j < i {
			t.Fatalf("API record page has no main: %s", page)
		}
		shared := strings.TrimSpace(page[i+len("<main>") : j])
		attest := article.Attestation(article.DecisionApprove, false, a.Revision, a.ContentHash)
		if !strings.Contains(shared, html.EscapeString(attest)) {
			t.Errorf("API record does not show the signed attestation %q:\n%s", attest, shared)
		}
		adm := do(t, e, "GET", "/admin/c/"+c.Slug+"/articles/"+strconv.FormatInt(a.ID, 10)+"/record", c.Admin, nil, nil)
		if adm.Status != 200 {
			t.Fatalf("admin record: %d %s", adm.Status, adm.Body)
		}
		if !strings.Contains(adm.Body, shared) {
			t.Errorf("the admin record screen does not render the API's record body\nAPI:\n%s\n\nadmin:\n%s", shared, adm.Body)
		}
	})
}
