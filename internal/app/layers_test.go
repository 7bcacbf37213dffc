package app_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/clinicpress/clinicpress/"

// TestPackageTable: the README's "package → owns → may import" table
// lists every package of the module, and no package imports one of ours
// that its row does not allow.
func TestPackageTable(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z/]+)` \\| [^|]+ \\| ([^|]+) \\|$")
	allowed := map[string]map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		set := map[string]bool{}
		for _, name := range regexp.MustCompile("`([a-z/]+)`").FindAllStringSubmatch(m[2], -1) {
			set[name[1]] = true
		}
		allowed[m[1]] = set
	}
	if len(allowed) < 20 {
		t.Fatalf("read only %d rows of the package table", len(allowed))
	}
	actual := map[string]map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if actual[pkg] == nil {
			actual[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if dep, ok := strings.CutPrefix(path, module); ok {
				actual[pkg][strings.TrimPrefix(dep, "internal/")] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for p := range actual {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		may, ok := allowed[p]
		if !ok {
			t.Errorf("package %s has no row in the README's package table", p)
			continue
		}
		for dep := range actual[p] {
			if !may[dep] {
				t.Errorf("%s imports %s, which its README row does not allow", p, dep)
			}
		}
	}
}
