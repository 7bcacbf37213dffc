package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// rawDo sends body as is with the given content type ("" for none).
func rawDo(e *testenv.Env, method, url, token, contentType string, body []byte) testenv.Response {
	e.T.Helper()
	req := httptest.NewRequest(method, url, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.App.HTTP.Test(req, -1)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return testenv.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// overLimit sends the headers of a request whose declared body is over
// the 1 MiB limit through a real TCP listener and reads the answer (the
// in-process test transport reports the refusal as a transport error, and
// a real client may still be writing when the server answers).
func overLimit(t *testing.T, e *testenv.Env, url, token string) testenv.Response {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.App.HTTP.Listener(ln) }()
	defer func() {
		if err := e.App.HTTP.Shutdown(); err != nil {
			t.Error(err)
		}
		<-done
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n{\"title\":\"big\",\"body\":\"",
		url, token, 1<<20+100)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s with an oversized body: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return testenv.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

var countedTables = []string{"articles", "revisions", "audit_entries", "clinics", "clinic_hostnames", "memberships", "users", "reviews"}

func rowCounts(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range countedTables {
		out[tb] = countRows(t, d, tb)
	}
	return out
}

// refused checks an error answer: the status and code, a complete
// problem+json body without Go error text, and (when field is set) that
// errors[] names field.
func refused(t *testing.T, what string, r testenv.Response, status int, code, field string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d: %.300s", what, r.Status, status, r.Body)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: content type %q, want application/problem+json: %s", what, ct, r.Body)
	}
	var p struct {
		Type   *string `json:"type"`
		Title  *string `json:"title"`
		Status *int    `json:"status"`
		Detail *string `json:"detail"`
		Code   *string `json:"code"`
		Errors []struct{ Field, Message string }
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Errorf("%s: problem does not parse: %v: %s", what, err, r.Body)
		return
	}
	if p.Type == nil || p.Title == nil || p.Status == nil || p.Detail == nil || p.Code == nil || *p.Status != status || *p.Detail == "" {
		t.Errorf("%s: incomplete problem: %s", what, r.Body)
		return
	}
	if *p.Code != code {
		t.Errorf("%s: code %q, want %q: %s", what, *p.Code, code, r.Body)
	}
	low := strings.ToLower(string(r.Body))
	for _, leak := range []string{"sql", "gorm", "runtime", "goroutine", "panic", "json: ", ".go:"} {
		if strings.Contains(low, leak) {
			t.Errorf("%s: the answer leaks internal text %q: %s", what, leak, r.Body)
		}
	}
	if field != "" {
		found := false
		for _, f := range p.Errors {
			found = found || f.Field == field
		}
		if !found {
			t.Errorf("%s: errors[] does not name %q: %s", what, field, r.Body)
		}
	}
}

// TestBadInput sends malformed, oversized, mistyped and conflicting input
// to the API: every answer is a complete problem+json with a stable code
// and no Go error text, and nothing is half-written (row counts stay).
func TestBadInput(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("input")
		other := e.NewClinic("input-other")
		a := e.Draft(c, c.Writer, "Existing article")
		articles := path(c.Slug, 0, "")
		one := path(c.Slug, a.ID, "")
		long := func(n int) string { return strings.Repeat("x", n) }

		type tc struct {
			name         string
			method, url  string
			token, ctype string
			body         []byte
			status       int
			code, field  string
		}
		js := func(v any) []byte {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		manyTags := make([]string, 21)
		for i := range manyTags {
			manyTags[i] = fmt.Sprintf("tag%d", i)
		}
		const ctJSON = "application/json"
		cases := []tc{
			{"malformed JSON", "POST", articles, c.Writer, ctJSON, []byte(`{"title": "x",`), 400, "malformed_json", ""},
			{"not JSON at all", "POST", articles, c.Writer, ctJSON, []byte(`title=x`), 400, "malformed_json", ""},
			{"empty body", "POST", articles, c.Writer, ctJSON, nil, 400, "malformed_json", ""},
			{"JSON array", "POST", articles, c.Writer, ctJSON, []byte(`[{"title":"x"}]`), 400, "invalid_type", ""},
			{"text/plain", "POST", articles, c.Writer, "text/plain", js(map[string]any{"title": "x"}), 415, "unsupported_media_type", ""},
			{"form content type", "POST", articles, c.Writer, "application/x-www-form-urlencoded", []byte(`title=x`), 415, "unsupported_media_type", ""},
			{"no content type", "POST", articles, c.Writer, "", js(map[string]any{"title": "x"}), 415, "unsupported_media_type", ""},
			{"two JSON values", "POST", articles, c.Writer, ctJSON, []byte(`{"title":"a"} {"title":"b"}`), 400, "malformed_json", ""},
			{"trailing garbage", "POST", articles, c.Writer, ctJSON, []byte(`{"title":"a"} x`), 400, "malformed_json", ""},
			{"unknown field", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "colour": "red"}), 400, "unknown_field", ""},
			{"unknown field on update", "PUT", one, c.Writer, ctJSON, js(map[string]any{"title": "x", "version": a.Version, "status": "published"}), 400, "unknown_field", ""},
			{"wrong type title", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": 5}), 400, "invalid_type", ""},
			{"wrong type tags", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "tags": "skin"}), 400, "invalid_type", ""},
			{"wrong type version", "PUT", one, c.Writer, ctJSON, js(map[string]any{"title": "x", "version": "1"}), 400, "invalid_type", ""},
			{"overlong title", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": long(201)}), 422, "validation_failed", "title"},
			{"overlong summary", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "summary": long(501)}), 422, "validation_failed", "summary"},
			{"too many tags", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "tags": manyTags}), 422, "validation_failed", "tags"},
			{"overlong tag", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "tags": []string{long(41)}}), 422, "validation_failed", "tags"},
			{"missing title", "POST", articles, c.Writer, ctJSON, js(map[string]any{"summary": "no title"}), 422, "validation_failed", "title"},
			{"overlong title on update", "PUT", one, c.Writer, ctJSON, js(map[string]any{"title": long(201), "version": a.Version}), 422, "validation_failed", "title"},
			{"slug with a space", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "slug": "Bad Slug"}), 422, "validation_failed", "slug"},
			{"slug with a leading hyphen", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "slug": "-x"}), 422, "validation_failed", "slug"},
			{"slug with a double hyphen", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "slug": "a--b"}), 422, "validation_failed", "slug"},
			{"200-character slug", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "x", "slug": long(200)}), 422, "validation_failed", "slug"},
			{"bad slug on update", "PUT", one, c.Writer, ctJSON, js(map[string]any{"title": "x", "slug": "Bad Slug", "version": a.Version}), 422, "validation_failed", "slug"},
			{"NUL in title", "POST", articles, c.Writer, ctJSON, []byte(`{"title":"a\u0000b"}`), 422, "validation_failed", "title"},
			{"NUL in body", "POST", articles, c.Writer, ctJSON, []byte(`{"title":"nul body","body":"a\u0000b"}`), 422, "validation_failed", "body"},
			{"invalid UTF-8", "POST", articles, c.Writer, ctJSON, []byte("{\"title\":\"bad \xff\xfe text\"}"), 400, "malformed_json", ""},
			{"invalid UTF-8 in a key", "POST", articles, c.Writer, ctJSON, []byte("{\"ti\xfftle\":\"x\"}"), 400, "malformed_json", ""},
			{"duplicate article slug", "POST", articles, c.Writer, ctJSON, js(map[string]any{"title": "Another", "slug": a.Slug}), 409, "slug_taken", ""},

			{"clinic slug invalid", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "Bad Slug", "name": "X"}), 422, "validation_failed", "slug"},
			{"clinic slug one letter", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "x", "name": "X"}), 422, "validation_failed", "slug"},
			{"clinic slug too long", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": long(64), "name": "X"}), 422, "validation_failed", "slug"},
			{"clinic name missing", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "noname"}), 422, "validation_failed", "name"},
			{"hostname with scheme", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "hosty", "name": "X", "hostnames": []string{"https://a.test"}}), 422, "validation_failed", "hostnames"},
			{"hostname with port", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "hosty", "name": "X", "hostnames": []string{"a.test:8080"}}), 422, "validation_failed", "hostnames"},
			{"hostname with path", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "hosty", "name": "X", "hostnames": []string{"a.test/x"}}), 422, "validation_failed", "hostnames"},
			{"hostname with a space", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "hosty", "name": "X", "hostnames": []string{"a b.test"}}), 422, "validation_failed", "hostnames"},
			{"empty hostname", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "hosty", "name": "X", "hostnames": []string{""}}), 422, "validation_failed", "hostnames"},
			{"duplicate clinic slug", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": c.Slug, "name": "Again"}), 409, "slug_taken", ""},
			// The first hostname is free, the second taken: the clinic row and
			// the free hostname must not be left behind.
			{"hostname of another clinic", "POST", "/api/v1/clinics", e.Platform, ctJSON, js(map[string]any{"slug": "thief", "name": "Thief", "hostnames": []string{"aaa-free.test", other.Slug + ".test"}}), 409, "hostname_taken", ""},
			{"hostname of another clinic on patch", "PATCH", "/api/v1/clinics/" + c.Slug, c.Admin, ctJSON, js(map[string]any{"name": "Renamed", "hostnames": []string{"aaa-free.test", other.Slug + ".test"}}), 409, "hostname_taken", ""},
			{"invalid hostname on patch", "PATCH", "/api/v1/clinics/" + c.Slug, c.Admin, ctJSON, js(map[string]any{"hostnames": []string{"-bad-.test"}}), 422, "validation_failed", "hostnames"},

			{"limit not a number", "GET", articles + "?limit=ten", c.Writer, "", nil, 400, "invalid_query", ""},
			{"limit zero", "GET", articles + "?limit=0", c.Writer, "", nil, 400, "invalid_query", ""},
			{"limit negative", "GET", articles + "?limit=-1", c.Writer, "", nil, 400, "invalid_query", ""},
			{"limit too large", "GET", articles + "?limit=101", c.Writer, "", nil, 400, "invalid_query", ""},
			{"cursor not a number", "GET", articles + "?cursor=abc", c.Writer, "", nil, 400, "invalid_query", ""},
			{"cursor negative", "GET", articles + "?cursor=-4", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit cursor negative", "GET", "/api/v1/clinics/" + c.Slug + "/audit?cursor=-4", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit limit zero", "GET", "/api/v1/clinics/" + c.Slug + "/audit?limit=0", c.Writer, "", nil, 400, "invalid_query", ""},
			{"unknown status", "GET", articles + "?status=live", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit limit not a number", "GET", "/api/v1/clinics/" + c.Slug + "/audit?limit=ten", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit limit too large", "GET", "/api/v1/clinics/" + c.Slug + "/audit?limit=100000", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit cursor not a number", "GET", "/api/v1/clinics/" + c.Slug + "/audit?cursor=abc", c.Writer, "", nil, 400, "invalid_query", ""},
			{"audit actor not a number", "GET", "/api/v1/clinics/" + c.Slug + "/audit?actor=me", c.Writer, "", nil, 400, "invalid_query", ""},

			{"unknown API route", "GET", "/api/v1/nothing-here", c.Writer, "", nil, 404, "not_found", ""},
			{"unknown API route, deep", "POST", "/api/v1/clinics/" + c.Slug + "/nothing", c.Writer, ctJSON, []byte(`{}`), 404, "not_found", ""},
			{"unknown method on a route", "DELETE", "/api/v1/me", c.Writer, "", nil, 404, "not_found", ""},
			{"article id not a number", "GET", "/api/v1/clinics/" + c.Slug + "/articles/abc", c.Writer, "", nil, 404, "not_found", ""},
			{"article id huge", "GET", "/api/v1/clinics/" + c.Slug + "/articles/99999999999999999999", c.Writer, "", nil, 404, "not_found", ""},
			{"revision not a number", "GET", one + "/revisions/x", c.Writer, "", nil, 404, "not_found", ""},
			{"unknown clinic", "GET", "/api/v1/clinics/no-such-clinic", c.Writer, "", nil, 404, "not_found", ""},
		}
		for _, k := range cases {
			before := rowCounts(t, d)
			var clinicBefore, clinicAfter struct {
				Name      string
				Version   int
				Hostnames []string
			}
			e.MustDo("GET", "/api/v1/clinics/"+c.Slug, c.Admin, nil, 200, &clinicBefore)
			r := rawDo(e, k.method, k.url, k.token, k.ctype, k.body)
			refused(t, k.name, r, k.status, k.code, k.field)
			if after := rowCounts(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("%s: half-written: rows %v, were %v", k.name, after, before)
			}
			e.MustDo("GET", "/api/v1/clinics/"+c.Slug, c.Admin, nil, 200, &clinicAfter)
			if fmt.Sprint(clinicAfter) != fmt.Sprint(clinicBefore) {
				t.Errorf("%s: clinic settings changed by a refused request: %+v, were %+v", k.name, clinicAfter, clinicBefore)
			}
		}
		// The refusals above changed nothing of the article either.
		var now art
		e.MustDo("GET", one, c.Writer, nil, 200, &now)
		if now.Version != a.Version || now.Revision != a.Revision || now.Title != a.Title {
			t.Fatalf("article changed by refused requests: %+v, was %+v", now, a)
		}
		// A body over the limit, through a real listener (the in-process
		// test transport reports the refusal as a transport error).
		before := rowCounts(t, d)
		refused(t, "body over 1 MiB", overLimit(t, e, articles, c.Writer), 413, "body_too_large", "")
		if after := rowCounts(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("body over 1 MiB: half-written: rows %v, were %v", after, before)
		}
		// Anonymous callers learn nothing about routes: 401 before 404.
		refused(t, "unknown API route, anonymous", rawDo(e, "GET", "/api/v1/nothing-here", "", "", nil), 401, "unauthenticated", "")
	})
}
