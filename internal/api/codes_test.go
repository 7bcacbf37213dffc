package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// codeUse is one place in the source that answers with (or tests for) an
// error code.
type codeUse struct {
	code   errs.Code
	status int // 0 when the call does not fix one
	at     string
}

// codeUses finds, in every non-test Go file of the module, the string
// literals given as codes to errs.New/Forbidden/Conflict/BadRequest/
// HasCode and to Code fields of composite literals.
func codeUses(t *testing.T, root string) []codeUse {
	t.Helper()
	fixed := map[string]int{"Forbidden": 403, "Conflict": 409, "BadRequest": 400}
	args := map[string]int{"New": 1, "Forbidden": 0, "Conflict": 0, "BadRequest": 0, "HasCode": 1}
	var out []codeUse
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		inErrs := f.Name.Name == "errs"
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := x.Fun.(type) {
				case *ast.SelectorExpr:
					if id, ok := fn.X.(*ast.Ident); ok && id.Name == "errs" {
						name = fn.Sel.Name
					}
				case *ast.Ident:
					if inErrs {
						name = fn.Name
					}
				}
				i, ok := args[name]
				if !ok || len(x.Args) <= i {
					return true
				}
				bl, ok := x.Args[i].(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return true
				}
				code, _ := strconv.Unquote(bl.Value)
				u := codeUse{code: errs.Code(code), status: fixed[name], at: fset.Position(x.Pos()).String()}
				if name == "New" {
					u.status = statusArg(x.Args[0])
				}
				out = append(out, u)
			case *ast.KeyValueExpr:
				if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Code" {
					if bl, ok := x.Value.(*ast.BasicLit); ok && bl.Kind == token.STRING {
						code, _ := strconv.Unquote(bl.Value)
						out = append(out, codeUse{code: errs.Code(code), at: fset.Position(x.Pos()).String()})
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// statusArg reads a status given as a number or as http./fiber.StatusX.
func statusArg(e ast.Expr) int {
	switch v := e.(type) {
	case *ast.BasicLit:
		n, _ := strconv.Atoi(v.Value)
		return n
	case *ast.SelectorExpr:
		names := map[string]int{}
		for s := 100; s < 600; s++ {
			if txt := http.StatusText(s); txt != "" {
				names["Status"+strings.NewReplacer(" ", "", "-", "", "'", "").Replace(txt)] = s
			}
		}
		names["StatusRequestEntityTooLarge"] = 413
		return names[v.Sel.Name]
	}
	return 0
}

// TestCodes: every error code the product answers with is listed in
// errs.Codes, with the status each call site uses, a hint for people (the
// admin shows it), an entry in the README and in the OpenAPI document.
func TestCodes(t *testing.T) {
	uses := codeUses(t, filepath.Join("..", ".."))
	if len(uses) < 50 {
		t.Fatalf("found only %d code uses: the scan is broken", len(uses))
	}
	for _, u := range uses {
		info, ok := errs.Codes[u.code]
		if !ok {
			t.Errorf("%s: code %q is not listed in internal/errs/codes.go", u.at, u.code)
			continue
		}
		if u.status != 0 && u.status != info.Status {
			t.Errorf("%s: code %q built with status %d, but it is listed with %d", u.at, u.code, u.status, info.Status)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		if d.Dialect != db.SQLite {
			return // the document does not depend on the database
		}
		e := testenv.New(t, d)
		var doc struct {
			Components struct {
				Schemas struct {
					Problem struct {
						Properties struct {
							Code struct {
								Enum []errs.Code `json:"enum"`
							} `json:"code"`
						} `json:"properties"`
					}
				} `json:"schemas"`
			} `json:"components"`
		}
		e.MustDo("GET", "/api/v1/openapi.json", "", nil, 200, &doc)
		inDoc := map[errs.Code]bool{}
		for _, c := range doc.Components.Schemas.Problem.Properties.Code.Enum {
			inDoc[c] = true
		}
		for c, info := range errs.Codes {
			if info.Hint == "" {
				t.Errorf("code %q has no hint for the admin", c)
			}
			if !inDoc[c] {
				t.Errorf("code %q is missing from the OpenAPI document", c)
			}
			if !strings.Contains(string(readme), "`"+string(c)+"`") {
				t.Errorf("code %q is missing from the README's error-code table", c)
			}
		}
	})
}
