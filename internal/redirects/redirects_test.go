package redirects_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/redirects"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type red struct {
	ID        int64  `json:"id"`
	From      string `json:"from"`
	Kind      string `json:"kind"`
	Target    string `json:"target"`
	ArticleID *int64 `json:"article_id"`
	Hits      int64  `json:"hits"`
	Version   int    `json:"version"`
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		"/old-post/": "/old-post", "/a/b": "/a/b", "/?p=5": "/?p=5", "/x/../y/": "/y", " /trim ": "/trim",
	} {
		if got, ok := redirects.NormalizePath(in); !ok || got != want {
			t.Errorf("NormalizePath(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"https://evil.example/x", "//evil.example/x", "/\\evil", "relative", "/a\r\nSet-Cookie: x", "/%0d%0ax", ""} {
		if got, ok := redirects.NormalizePath(in); ok {
			t.Errorf("NormalizePath(%q) = %q, want refused", in, got)
		}
	}
}

func TestRedirectsAPI(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("north")
		other := e.NewClinic("south")
		base := "/api/v1/clinics/" + c.Slug + "/redirects"
		site := "/sites/" + c.Slug

		// A path redirect answers 301 on the public site and counts hits.
		var r1 red
		e.MustDo("POST", base, c.Admin, map[string]any{"from": "/old-about/", "kind": "path", "target": "/doctors"}, 201, &r1)
		if r1.From != "/old-about" || r1.Target != "/doctors" || r1.Version != 1 {
			t.Errorf("created %+v", r1)
		}
		res := e.Do("GET", site+"/old-about/", "", nil)
		if res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != site+"/doctors" {
			t.Errorf("GET old-about = %d %q", res.Status, res.Header.Get("Location"))
		}
		e.MustDo("GET", fmt.Sprintf("%s/%d", base, r1.ID), c.Admin, nil, 200, &r1)
		if r1.Hits != 1 {
			t.Errorf("hits %d", r1.Hits)
		}

		// Other hosts, schemes and header injection are refused.
		for _, target := range []string{"https://evil.example/", "//evil.example/", "/x\r\nLocation: https://evil.example/"} {
			if r := e.Do("POST", base, c.Admin, map[string]any{"from": "/to-evil", "kind": "path", "target": target}); r.Status != 422 {
				t.Errorf("target %q: %d %s", target, r.Status, r.Body)
			}
		}
		// Loops are refused: to itself, and A -> B -> A.
		if r := e.Do("POST", base, c.Admin, map[string]any{"from": "/self", "kind": "path", "target": "/self/"}); r.Status != 409 || r.Code() != "redirect_loop" {
			t.Errorf("self loop: %d %s", r.Status, r.Body)
		}
		e.MustDo("POST", base, c.Admin, map[string]any{"from": "/a", "kind": "path", "target": "/b"}, 201, nil)
		if r := e.Do("POST", base, c.Admin, map[string]any{"from": "/b", "kind": "path", "target": "/a"}); r.Status != 409 || r.Code() != "redirect_loop" {
			t.Errorf("two-step loop: %d %s", r.Status, r.Body)
		}
		// The same source twice is refused.
		if r := e.Do("POST", base, c.Admin, map[string]any{"from": "/a/", "kind": "gone"}); r.Status != 409 || r.Code() != "redirect_exists" {
			t.Errorf("duplicate: %d %s", r.Status, r.Body)
		}

		// Gone answers 410; editing it into a path redirect needs the version.
		var g red
		e.MustDo("POST", base, c.Admin, map[string]any{"from": "/retired-offer", "kind": "gone"}, 201, &g)
		if r := e.Do("GET", site+"/retired-offer", "", nil); r.Status != http.StatusGone {
			t.Errorf("gone = %d", r.Status)
		}
		if r := e.Do("PATCH", fmt.Sprintf("%s/%d", base, g.ID), c.Admin, map[string]any{"from": "/retired-offer", "kind": "path", "target": "/", "version": 7}); r.Status != 409 {
			t.Errorf("stale patch = %d", r.Status)
		}
		e.MustDo("PATCH", fmt.Sprintf("%s/%d", base, g.ID), c.Admin, map[string]any{"from": "/retired-offer", "kind": "path", "target": "/", "version": g.Version}, 200, &g)
		if r := e.Do("GET", site+"/retired-offer", "", nil); r.Status != 301 || r.Header.Get("Location") != site+"/" {
			t.Errorf("after patch = %d %q", r.Status, r.Header.Get("Location"))
		}

		// An article redirect: 404 until live, 301 while live, 410 after.
		a := e.Draft(c, c.Writer, "Acne myths")
		var ar red
		e.MustDo("POST", base, c.Admin, map[string]any{"from": "/2019/01/acne-myths/", "kind": "article", "article_id": a.ID}, 201, &ar)
		if r := e.Do("GET", site+"/2019/01/acne-myths/", "", nil); r.Status != 404 {
			t.Errorf("draft target = %d", r.Status)
		}
		if r := e.Do("POST", base, c.Admin, map[string]any{"from": "/articles/" + a.Slug, "kind": "article", "article_id": a.ID}); r.Status != 409 {
			t.Errorf("article to itself = %d", r.Status)
		}
		p := e.Published(c, "Rosacea triggers")
		e.MustDo("PATCH", fmt.Sprintf("%s/%d", base, ar.ID), c.Admin, map[string]any{"from": ar.From, "kind": "article", "article_id": p.ID, "version": ar.Version}, 200, &ar)
		if r := e.Do("GET", site+"/2019/01/acne-myths/", "", nil); r.Status != 301 || r.Header.Get("Location") != site+"/articles/"+p.Slug {
			t.Errorf("live target = %d %q", r.Status, r.Header.Get("Location"))
		}
		e.MustDo("POST", testenv.ArticlePath(c.Slug, p.ID, "/archive"), c.Admin, nil, 200, nil)
		for _, path := range []string{"/2019/01/acne-myths/", "/articles/" + p.Slug} {
			if r := e.Do("GET", site+path, "", nil); r.Status != http.StatusGone {
				t.Errorf("archived %s = %d", path, r.Status)
			}
		}
		if r := e.Do("GET", site+"/articles/never-was-here", "", nil); r.Status != 404 {
			t.Errorf("unknown article = %d", r.Status)
		}

		// CSV import: good lines created, bad ones reported by line.
		var csvRes redirects.CSVResult
		csv := fmt.Sprintf("from,target\n/csv-one/,/doctors\n/csv-two,410\n/csv-three,https://evil.example/\n/csv-four,article:%d\n/a,/elsewhere\n", a.ID)
		e.MustDo("POST", base+"/import", c.Admin, map[string]any{"csv": csv}, 200, &csvRes)
		if csvRes.Created != 3 || len(csvRes.Skipped) != 2 || csvRes.Skipped[0].Line != 4 || csvRes.Skipped[1].Line != 6 {
			t.Errorf("csv result %+v", csvRes)
		}
		var list struct{ Redirects []red }
		e.MustDo("GET", base, c.Admin, nil, 200, &list)
		if len(list.Redirects) != 7 {
			t.Errorf("%d redirects listed: %+v", len(list.Redirects), list.Redirects)
		}

		// Another clinic's redirect is 404; writers may not manage redirects.
		if r := e.Do("GET", fmt.Sprintf("/api/v1/clinics/%s/redirects/%d", other.Slug, r1.ID), other.Admin, nil); r.Status != 404 {
			t.Errorf("other clinic's redirect = %d", r.Status)
		}
		if r := e.Do("DELETE", fmt.Sprintf("/api/v1/clinics/%s/redirects/%d", other.Slug, r1.ID), other.Admin, nil); r.Status != 404 {
			t.Errorf("delete other clinic's redirect = %d", r.Status)
		}
		if r := e.Do("GET", base, c.Writer, nil); r.Status != 403 {
			t.Errorf("writer list = %d", r.Status)
		}
		if r := e.Do("GET", "/sites/"+other.Slug+"/old-about", "", nil); r.Status != 404 {
			t.Errorf("redirect leaked to another clinic's site: %d", r.Status)
		}
		e.MustDo("DELETE", fmt.Sprintf("%s/%d", base, r1.ID), c.Admin, nil, 204, nil)
		if r := e.Do("GET", site+"/old-about", "", nil); r.Status != 404 {
			t.Errorf("deleted redirect still answers %d", r.Status)
		}
	})
}
