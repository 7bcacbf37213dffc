package api_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

var fiberParam = regexp.MustCompile(`:(\w+)`)

// TestOpenAPICoversRoutes checks the served document: it parses as
// OpenAPI 3.1.0 JSON, documents every registered /api/v1 route (and no
// route that does not exist), declares every path parameter, and every
// $ref resolves inside the document.
func TestOpenAPICoversRoutes(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		r := e.MustDo("GET", "/api/v1/openapi.json", "", nil, 200, nil)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("content type %q", ct)
		}
		var doc map[string]any
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			t.Fatalf("openapi.json does not parse: %v", err)
		}
		if doc["openapi"] != "3.1.0" {
			t.Fatalf("openapi = %v, want 3.1.0", doc["openapi"])
		}
		paths, _ := doc["paths"].(map[string]any)
		if len(paths) == 0 {
			t.Fatal("no paths")
		}

		documented := map[string]bool{}
		for p, item := range paths {
			ops, _ := item.(map[string]any)
			for method, op := range ops {
				documented[strings.ToUpper(method)+" "+p] = true
				// Every {param} of the path is declared as a path parameter.
				declared := map[string]bool{}
				params, _ := op.(map[string]any)["parameters"].([]any)
				for _, prm := range params {
					pm, _ := prm.(map[string]any)
					if pm["in"] == "path" {
						declared[pm["name"].(string)] = true
					}
				}
				for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(p, -1) {
					if !declared[m[1]] {
						t.Errorf("%s %s: path parameter %s is not declared", method, p, m[1])
					}
				}
			}
		}
		registered := map[string]bool{}
		for _, rt := range e.App.HTTP.GetRoutes(true) {
			if rt.Method == "HEAD" || !strings.HasPrefix(rt.Path, "/api/v1/") {
				continue
			}
			registered[rt.Method+" "+fiberParam.ReplaceAllString(rt.Path, "{$1}")] = true
		}
		var problems []string
		for k := range registered {
			if !documented[k] {
				problems = append(problems, "registered but not documented: "+k)
			}
		}
		for k := range documented {
			if !registered[k] {
				problems = append(problems, "documented but not registered: "+k)
			}
		}
		sort.Strings(problems)
		for _, p := range problems {
			t.Error(p)
		}

		// Every $ref points at something that exists.
		var refs []string
		collectRefs(doc, &refs)
		if len(refs) == 0 {
			t.Fatal("no $ref found: the walk is broken")
		}
		for _, ref := range refs {
			if !resolves(doc, ref) {
				t.Errorf("$ref %q does not resolve", ref)
			}
		}
	})
}

func collectRefs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "$ref" {
				*out = append(*out, s)
				continue
			}
			collectRefs(val, out)
		}
	case []any:
		for _, val := range x {
			collectRefs(val, out)
		}
	}
}

// resolves follows a local JSON pointer ("#/a/b") through doc.
func resolves(doc map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	_, ok := cur.(map[string]any)
	return ok
}
