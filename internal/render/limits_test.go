package render

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckShape(t *testing.T) {
	tests := map[string]struct {
		src     string
		tooMuch bool
	}{
		"prose":                {"Sunscreen every day.\n\n- a\n- b", false},
		"normal table":         {"| a | b |\n|:-|-:|\n| 1 | 2 |", false},
		"64 columns":           {strings.Repeat("|-", 64) + "|", false},
		"65 columns":           {strings.Repeat("|-", 65) + "|", true},
		"65 columns in quote":  {"> > " + strings.Repeat("| :-: ", 65), true},
		"65 columns in list":   {"1. " + strings.Repeat("|--", 65), true},
		"cells over budget":    {"|-|-|-|-|\n" + strings.Repeat("x\n", maxTableCells/4), true},
		"cells reset by blank": {strings.Repeat("|-|-|-|-|\nx\n\n", maxTableCells/8-1), false},
		"32 levels":            {strings.Repeat("> ", 16) + strings.Repeat("- ", 16) + "x", false},
		"33 levels":            {strings.Repeat("> ", 16) + strings.Repeat("1. ", 17) + "x", true},
		"33 quotes no spaces":  {strings.Repeat(">", 33) + "x", true},
		"thematic break":       {strings.Repeat("- ", 40), true},
		"dashes not a table":   {strings.Repeat("-", 500), false},
		"hyphenated text":      {"well-known | sun-safe", false},
	}
	for name, tc := range tests {
		err := checkShape(tc.src)
		if got := errors.Is(err, ErrTooComplex); got != tc.tooMuch {
			t.Errorf("%s: err = %v, want too complex = %v", name, err, tc.tooMuch)
		}
	}
}

// TestPathologicalInputs renders inputs of the largest accepted size built
// to trigger super-linear work: each is refused as too complex or renders
// safely. Their cost is logged, not asserted (timings belong in benchmarks:
// BenchmarkMarkdown); before the limits and fixes some took minutes, which
// the go test timeout would catch.
func TestPathologicalInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	n := MaxSourceBytes
	if raceEnabled {
		n /= 4 // same shapes, smaller, so -race stays quick
	}
	fill := func(unit string) string { return strings.Repeat(unit, n/len(unit)) }
	inputs := map[string]string{
		"duplicate headings":  fill("## a\n"),
		"FAQ headings":        fill("## FAQ\n"),
		"FAQ list":            "## FAQ\n" + strings.Repeat("- **q?** a\n", (n-8)/11),
		"reference defs":      strings.Repeat("[a]: /b\n", n/16) + strings.Repeat("[a] ", n/8),
		"emphasis":            fill("*_"),
		"brackets":            strings.Repeat("[", n/2) + strings.Repeat("](/a)", n/10),
		"angle brackets":      fill("<a "),
		"entities":            fill("&#x"),
		"links":               fill("[x](javascript:a) "),
		"deep lines":          fill(strings.Repeat("> - ", 16) + "x\n"),
		"indented nesting":    nestedList(360*n/MaxSourceBytes, "x"),
		"table at cell limit": "|a|b|c|d|\n|-|-|-|-|\n" + strings.Repeat("|x|y|z|w|\n", min(maxTableCells/4-2, n/10)),
		"backticks":           fill("`"),
	}
	r := New()
	for name, src := range inputs {
		if len(src) > MaxSourceBytes {
			src = src[:MaxSourceBytes]
		}
		start := time.Now()
		d, err := r.Markdown(src)
		elapsed := time.Since(start)
		if err != nil && !errors.Is(err, ErrTooComplex) {
			t.Errorf("%s: %v", name, err)
		}
		if err == nil {
			checkSafe(t, string(d.HTML))
		}
		t.Logf("%-20s %7d bytes %v (err=%v)", name, len(src), elapsed.Round(time.Millisecond), err)
	}
}
