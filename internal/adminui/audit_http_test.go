package adminui_test

import (
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestAuditFilterOffersLoggedActions: the audit log's action filter offers
// the actions that actually occur in the clinic's log (a hand-kept list had
// missed re-reviews, acknowledgements and previews).
func TestAuditFilterOffersLoggedActions(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("trail")
		a := e.Published(c, "Logged")
		e.MustDo("POST", testenv.ArticlePath(c.Slug, a.ID, "/previews"), c.Admin, nil, 201, nil)
		r := do(t, e, "GET", "/admin/c/trail/audit", c.Admin, nil, nil)
		if r.Status != 200 {
			t.Fatalf("audit page: %d", r.Status)
		}
		for _, action := range []string{"article.published", "review.approved", "preview.minted", "member.added"} {
			if !strings.Contains(r.Body, `value="`+action+`"`) {
				t.Errorf("filter lacks %s", action)
			}
		}
		if r := do(t, e, "GET", "/admin/c/trail/audit", e.Platform, nil, nil); r.Status != 403 && r.Status != 404 {
			t.Errorf("platform admin audit page: %d", r.Status)
		}
	})
}
