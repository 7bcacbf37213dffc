package adminui_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// uploadCSV posts a CSV file to the Redirects screen as a browser would
// (multipart, with the session's CSRF token).
func uploadCSV(t *testing.T, e *testenv.Env, path, tok, csv string) resp {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("_csrf", adminui.CSRFToken(tok))
	fw, _ := w.CreateFormFile("csv", "old-site.csv")
	io.WriteString(fw, csv)
	w.Close()
	req := httptest.NewRequest("POST", path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: adminui.CookiePlain, Value: tok})
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(body)}
}

// TestRedirectsScreen: a clinic admin adds, uploads, marks gone and
// removes redirects on the admin screen, and the public site follows;
// bad input is shown next to the field; writers and other clinics get
// nothing.
func TestRedirectsScreen(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("redir")
		other := e.NewClinic("redir-other")
		page := "/admin/c/redir/redirects"
		if r := do(t, e, "GET", page, c.Admin, nil, nil); r.Status != 200 || !strings.Contains(r.Body, "No redirects yet") || !strings.Contains(r.Body, `href="/admin/c/redir/redirects" aria-current="page"`) {
			t.Fatalf("empty screen: %d %.300s", r.Status, r.Body)
		}
		if r := do(t, e, "GET", page, c.Writer, nil, nil); r.Status != 403 {
			t.Fatalf("writer: %d", r.Status)
		}
		if r := do(t, e, "GET", "/admin/c/redir/", c.Writer, nil, nil); strings.Contains(r.Body, "/redirects\"") {
			t.Fatal("the writer's menu offers Redirects")
		}

		// An address on another host is refused next to the field; nothing is written.
		r := post(t, e, page, c.Admin, url.Values{"from": {"/old"}, "kind": {"path"}, "target": {"https://evil.example/"}})
		if r.Status != 422 || !strings.Contains(r.Body, `id="r-target-err"`) || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("bad target: %d %.500s", r.Status, r.Body)
		}
		var n int64
		d.Raw(`SELECT COUNT(*) FROM redirects WHERE clinic_id = ?`, c.ID).Scan(&n)
		if n != 0 {
			t.Fatalf("%d redirects written", n)
		}

		p := e.Published(c, "Where the old post went")
		if r := post(t, e, page, c.Admin, url.Values{"from": {"/2019/05/old-post/"}, "kind": {"article"}, "article_id": {fmt.Sprint(p.ID)}}); r.Status != 303 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		if r := getHost(t, e, "redir.test", "/2019/05/old-post/"); r.Status != 301 || r.Header.Get("Location") != "/articles/"+p.Slug {
			t.Fatalf("public redirect: %d %q", r.Status, r.Header.Get("Location"))
		}

		r = uploadCSV(t, e, page+"/import", c.Admin, "from,target\n/a,/articles/"+p.Slug+"\n/b,410\n/c,https://other.example/x\n")
		if r.Status != 200 || !strings.Contains(r.Body, "2 redirects added; 1 lines were not used") || !strings.Contains(r.Body, "<td>4</td>") {
			t.Fatalf("csv: %d %.800s", r.Status, r.Body)
		}
		if r := getHost(t, e, "redir.test", "/b"); r.Status != 410 {
			t.Fatalf("/b: %d", r.Status)
		}
		var id int64
		d.Raw(`SELECT id FROM redirects WHERE clinic_id = ? AND from_path = '/a'`, c.ID).Scan(&id)
		// Another clinic's admin, with their own clinic in the URL, cannot touch it.
		if r := post(t, e, fmt.Sprintf("/admin/c/redir-other/redirects/%d/delete", id), other.Admin, url.Values{}); r.Status != 404 {
			t.Fatalf("other clinic delete: %d", r.Status)
		}
		if r := post(t, e, fmt.Sprintf("%s/%d", page, id), c.Admin, url.Values{"from": {"/a"}, "kind": {"gone"}, "version": {"1"}}); r.Status != 303 {
			t.Fatalf("mark gone: %d %s", r.Status, r.Body)
		}
		if r := getHost(t, e, "redir.test", "/a"); r.Status != 410 {
			t.Fatalf("/a after mark gone: %d", r.Status)
		}
		if r := post(t, e, fmt.Sprintf("%s/%d/delete", page, id), c.Admin, url.Values{}); r.Status != 303 {
			t.Fatalf("delete: %d", r.Status)
		}
		if r := getHost(t, e, "redir.test", "/a"); r.Status != 404 {
			t.Fatalf("/a after delete: %d", r.Status)
		}
		body := do(t, e, "GET", page+"?q=old-post", c.Admin, nil, nil).Body
		if !strings.Contains(body, "/2019/05/old-post") || strings.Contains(body, ">/b<") {
			t.Fatalf("search: %.600s", body)
		}
	})
}

func getHost(t *testing.T, e *testenv.Env, host, path string) resp {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = host
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}
