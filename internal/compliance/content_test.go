package compliance

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// demoDrafts reads the title, summary and body of every article.Draft in the
// demo content (internal/demo/content.go) without importing the package.
func demoDrafts(t *testing.T) []Input {
	t.Helper()
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, "../demo/content.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Input
	ast.Inspect(f, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel, ok := cl.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Draft" {
			return true
		}
		var in Input
		for _, e := range cl.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			lit, ok := kv.Value.(*ast.BasicLit)
			if !ok || lit.Kind != gotoken.STRING {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			switch kv.Key.(*ast.Ident).Name {
			case "Title":
				in.Title = v
			case "Summary":
				in.Summary = v
			case "Body":
				in.Body = v
			}
		}
		out = append(out, in)
		return true
	})
	if len(out) < 5 {
		t.Fatalf("found %d demo drafts", len(out))
	}
	return out
}

// TestDemoContentHasNoBlockingFinding: the demo articles are written to the
// rules, so the Singapore pack must not block any of them (links to the demo
// hosts and to public health authorities are allowed by default).
func TestDemoContentHasNoBlockingFinding(t *testing.T) {
	cfg := Config{Packs: []string{"sg-healthcare-ads"}, OwnHostnames: []string{"lumen.localhost", "harbour.localhost"}}
	for _, in := range demoDrafts(t) {
		for _, f := range Check(in, cfg) {
			if f.Severity == SeverityBlock {
				t.Errorf("%q: blocking %s on %q (%s)", in.Title, f.Rule, f.Match, f.Message)
			} else {
				t.Logf("%q: warning %s on %q", in.Title, f.Rule, f.Match)
			}
		}
	}
}

// TestRenderFixtureHasNoBlockingFinding checks internal/render's long
// sample article, the nearest thing in the tree to an imported real article.
func TestRenderFixtureHasNoBlockingFinding(t *testing.T) {
	body, err := os.ReadFile("../render/testdata/article.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Check(Input{Body: string(body)}, sg) {
		if f.Severity == SeverityBlock {
			t.Errorf("blocking %s on %q (line %d)", f.Rule, f.Match, f.Line)
		}
	}
}

// TestCredentialDecisions: which credential claims block and which warn,
// and that recognised bodies make a claim verifiable.
func TestCredentialDecisions(t *testing.T) {
	cases := []struct {
		text string
		want Severity // "" for no finding
	}{
		{"Our MOH-accredited doctors will assess your skin.", SeverityBlock},
		{"All our doctors are accredited by MOH.", SeverityBlock},
		{"Dr Lim is our aesthetic specialist.", SeverityBlock},
		{"Meet our skin specialist.", SeverityBlock},
		{"If the mole changes, see a skin specialist.", ""},
		{"Our injectors are certified by an international aesthetics academy.", SeverityWarn},
		{"Dr Goh was trained at Harvard.", SeverityWarn},
		{"Dr Tan is a board-certified cosmetic surgeon.", SeverityBlock},
		{"Dr Ong is registered with the Singapore Medical Council.", ""},
		{"Dr Tan is a dermatologist accredited by the Specialists Accreditation Board.", ""},
		{"The clinic is licensed by the Ministry of Health.", ""},
	}
	for _, c := range cases {
		var got Severity
		var msg string
		for _, f := range Check(Input{Body: c.text}, sg) {
			if f.Rule == RuleUnverifiedCredential && (got == "" || f.Severity == SeverityBlock) {
				got, msg = f.Severity, f.Message
			}
		}
		if got != c.want {
			t.Errorf("%q: credential severity %q, want %q", c.text, got, c.want)
		}
		if strings.Contains(c.text, "MOH-accredited") && !strings.Contains(msg, "Singapore Medical Council") {
			t.Errorf("%q: message should give the regulation's reason, got %q", c.text, msg)
		}
	}
	// An explicit override still wins over a blocking construction.
	cfg := Config{Packs: []string{"sg-healthcare-ads"}, Overrides: map[string]Severity{RuleUnverifiedCredential: SeverityWarn}}
	for _, f := range Check(Input{Body: "Our MOH-accredited doctors."}, cfg) {
		if f.Severity != SeverityWarn {
			t.Errorf("override: %+v", f)
		}
	}
}

// TestScope: negation over a list, reader questions, sentences about the
// rules, street names and hedges give no finding; the same claims without
// that scope do.
func TestScope(t *testing.T) {
	clean := []string{
		"We do not offer discounts, packages or free consultations.",
		"Is the laser painless?",
		"The regulations prohibit words such as \"best\", \"guaranteed\" and \"painless\".",
		"Be wary of clinics that promise painless, risk-free or instant results.",
		"Our clinic is at 1 Guarantee Road, #03-05.",
		"Follow the professional guidelines published by the Health Promotion Board.",
		"Results may last for years.",
		"Ask the pharmacist whether the cream is a prescription-only medicine.",
		"Large pores explained",
		"Some careful text about Are large pores permanent?.",
	}
	for _, s := range clean {
		if fs := Check(Input{Body: s}, sg); len(fs) != 0 {
			t.Errorf("%q: got %v", s, rulesOf(fs))
		}
	}
	flagged := []string{
		"We offer discounts, packages and free consultations.",
		"The laser is painless.",
		"Results are guaranteed.",
		"Results last forever.",
	}
	for _, s := range flagged {
		if fs := Check(Input{Body: s}, sg); len(fs) == 0 {
			t.Errorf("%q: no finding", s)
		}
	}
}
