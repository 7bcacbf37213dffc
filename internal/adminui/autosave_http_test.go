package adminui_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestAutosaveProblemJSON: the endpoints admin.js calls answer every error
// as application/problem+json with a stable code and the admin's message,
// like the API: a malformed id, another clinic's article, a missing CSRF
// token and an ended session; a good autosave still answers its JSON.
func TestAutosaveProblemJSON(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("autosave")
		o := e.NewClinic("autosave-other")
		a := e.Draft(c, c.Writer, "Autosaved text")
		other := e.Draft(o, o.Writer, "Not yours")
		path := func(slug string, id int64) string {
			return "/admin/c/" + slug + "/articles/" + strconv.FormatInt(id, 10) + "/autosave"
		}
		form := func(version int) url.Values {
			return url.Values{"title": {"Autosaved text"}, "summary": {"s"}, "body": {"Changed body."}, "version": {strconv.Itoa(version)}}
		}
		ok := post(t, e, path(c.Slug, a.ID), c.Writer, form(a.Version))
		if ok.Status != 200 || !strings.Contains(ok.Body, `"saved_at"`) {
			t.Fatalf("autosave: %d %s", ok.Status, ok.Body)
		}
		for _, tc := range []struct {
			name   string
			r      resp
			status int
			code   string
		}{
			{"no such article", post(t, e, "/admin/c/"+c.Slug+"/articles/x1/autosave", c.Writer, form(1)), 404, "not_found"},
			{"another clinic's article", post(t, e, path(c.Slug, other.ID), c.Writer, form(other.Version)), 404, "not_found"},
			{"no CSRF token", do(t, e, "POST", path(c.Slug, a.ID), c.Writer, form(a.Version), nil), 403, ""},
			{"no session", do(t, e, "POST", path(c.Slug, a.ID), "", form(a.Version), nil), 401, "unauthenticated"},
			{"lint, another clinic", post(t, e, "/admin/c/"+o.Slug+"/lint", c.Writer, form(1)), 404, "not_found"},
		} {
			if ct := tc.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%s: Content-Type %q, want application/problem+json (%d %s)", tc.name, ct, tc.r.Status, tc.r.Body)
				continue
			}
			var p struct {
				Status int    `json:"status"`
				Code   string `json:"code"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal([]byte(tc.r.Body), &p); err != nil {
				t.Errorf("%s: %v: %s", tc.name, err, tc.r.Body)
				continue
			}
			if tc.r.Status != tc.status || p.Status != tc.status || (tc.code != "" && p.Code != tc.code) || p.Code == "" || p.Detail == "" {
				t.Errorf("%s: %d %+v, want %d %q with a detail", tc.name, tc.r.Status, p, tc.status, tc.code)
			}
		}
	})
}
