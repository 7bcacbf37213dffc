package render

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckMatchesMarkdown: Check refuses exactly the sources Markdown
// refuses, counting bytes (95,000 "€" is 285,000 bytes) and nesting.
func TestCheckMatchesMarkdown(t *testing.T) {
	r := New()
	for name, src := range map[string]string{
		"40 nested quotes": strings.Repeat("> ", 40) + "deep",
		"95,000 euro":      strings.Repeat("€", 95_000),
		"ordinary":         "# Title\n\nSome *text*.\n\n> quoted",
		"32 nested quotes": strings.Repeat("> ", 32) + "ok",
	} {
		_, merr := r.Markdown(src)
		cerr := Check(src)
		if (merr == nil) != (cerr == nil) {
			t.Errorf("%s: Markdown %v, Check %v", name, merr, cerr)
		}
	}
	if !errors.Is(Check(strings.Repeat("€", 95_000)), ErrTooLarge) {
		t.Error("95,000 € is not ErrTooLarge")
	}
	if !errors.Is(Check(strings.Repeat("> ", 40)+"x"), ErrTooComplex) {
		t.Error("40 quotes is not ErrTooComplex")
	}
}

// TestSafeNeverFails: a bad block is shown escaped with the notice, the
// good blocks around it still render as Markdown.
func TestSafeNeverFails(t *testing.T) {
	r := New()
	src := "Good *one*.\n\n" + strings.Repeat("> ", 40) + "<script>alert(1)</script>\n\nGood **two**."
	doc := r.Safe(src)
	h := string(doc.HTML)
	for _, want := range []string{"<em>one</em>", "<strong>two</strong>", FallbackNotice, "&lt;script&gt;"} {
		if !strings.Contains(h, want) {
			t.Errorf("Safe output lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<script") {
		t.Errorf("script survived: %s", h)
	}
	big := r.Safe(strings.Repeat("€", 95_000))
	if !strings.Contains(string(big.HTML), FallbackNotice) {
		t.Error("95,000 € did not fall back")
	}
}
