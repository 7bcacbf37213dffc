package adminui_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestStatementCounts counts the SQL statements (BEGIN/COMMIT aside) that
// the doctor's review screen and a public article page missing the page
// cache cost, through the clinicpress_http_sql_statements metric the
// server records for every request. The issue that moved the clinic
// scope into one value measured about 33 statements for the review screen
// before; it is 22 now (the session, the clinic scope once, the article
// and its revision, reviews, comments, and the sign-off check that
// re-reads the article and membership inside its own transaction), and a
// public miss is 4. The bounds keep the repeats from coming back.
func TestStatementCounts(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("stmts")
		a := e.Draft(c, c.Writer, "Counting statements")
		e.MustDo("POST", testenv.ArticlePath(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, nil)
		const reviewRoute = "/admin/c/:clinic/articles/:id/review"
		n0, s0 := e.Metrics.Statements("GET", reviewRoute)
		if r := do(t, e, "GET", fmt.Sprintf("/admin/c/stmts/articles/%d/review", a.ID), c.Doctor, nil, nil); r.Status != 200 {
			t.Fatalf("review screen: %d", r.Status)
		}
		n1, s1 := e.Metrics.Statements("GET", reviewRoute)
		if n1 != n0+1 {
			t.Fatalf("review screen observed %d times, want 1 (route label %q)", n1-n0, reviewRoute)
		}
		review := s1 - s0

		p := e.Published(c, "A public page")
		n0, s0 = e.Metrics.Statements("GET", "/*")
		req := httptest.NewRequest("GET", "/articles/"+p.Slug, nil)
		req.Host = "stmts.test"
		res, err := e.App.HTTP.Test(req, -1)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("public article: %v %v", res, err)
		}
		res.Body.Close()
		n1, s1 = e.Metrics.Statements("GET", "/*")
		if n1 != n0+1 {
			t.Fatalf("public article observed %d times, want 1 (a cache hit is answered before routing)", n1-n0)
		}
		miss := s1 - s0
		t.Logf("%s: review screen %v SQL statements, public article (page-cache miss) %v", d.Dialect, review, miss)
		if review > 22 || miss > 4 {
			t.Errorf("too many statements: review screen %v (at most 22), public article miss %v (at most 4)", review, miss)
		}
	})
}
