package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestOverduePolicyOnPage: once the re-review is overdue (and the job has
// run), "notice" shows a notice and "noindex" also adds noindex.
func TestOverduePolicyOnPage(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("late")
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"review_interval_days": 10}, 200, nil)
		a := live(e, c, "Due soon", "moles")
		page := func() string {
			return mustGet(t, e, "/sites/late/articles/"+a.Slug, 200)
		}
		fresh := page()
		if strings.Contains(fresh, "noindex") || strings.Contains(strings.ToLower(fresh), "overdue") {
			t.Fatal("fresh page already overdue or noindex")
		}
		e.Clock.Advance(11 * 24 * time.Hour)
		if n, err := e.App.Articles.ApplyOverdue(context.Background()); n != 1 || err != nil {
			t.Fatalf("overdue job: %d %v", n, err)
		}
		notice := page()
		if !strings.Contains(strings.ToLower(notice), "overdue") || strings.Contains(notice, `content="noindex`) {
			t.Fatalf("notice policy page: %.2000s", notice)
		}
		e.SignInAgain(&c)
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"overdue_policy": "noindex"}, 200, nil)
		if p := page(); !strings.Contains(p, `name="robots" content="noindex`) {
			t.Fatalf("noindex policy page lacks robots noindex: %.2000s", p)
		}
	})
}
