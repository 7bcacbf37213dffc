package render

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestZZScale(t *testing.T) {
	r := New()
	pats := map[string]func(n int) string{
		"list":   func(n int) string { return strings.Repeat("- ", n/2) + "x" },
		"quote":  func(n int) string { return strings.Repeat(">", n) + "x" },
		"brack":  func(n int) string { return strings.Repeat("[", n/2) + strings.Repeat("](/a)", n/10) },
		"emph":   func(n int) string { return strings.Repeat("*_", n/2) },
		"link":   func(n int) string { return strings.Repeat("[x](javascript:a) ", n/18) },
		"table":  func(n int) string { return "|a|b|\n|-|-|\n" + strings.Repeat("|x|y|\n", n/6) },
		"cols":   func(n int) string { return strings.Repeat("|a", n/4) + "\n" + strings.Repeat("|-", n/4) + "\n" + strings.Repeat("|x\n", n/6) },
		"heads":  func(n int) string { return strings.Repeat("## FAQ\n", n/7) },
		"faqlst": func(n int) string { return "## FAQ\n" + strings.Repeat("- **q?** a\n", n/11) },
		"ltgt":   func(n int) string { return strings.Repeat("<a ", n/3) },
		"ents":   func(n int) string { return strings.Repeat("&#x", n/3) },
		"backt":  func(n int) string { return strings.Repeat("`", n) },
		"refs":   func(n int) string { return strings.Repeat("[a]: /b\n", n/8) + strings.Repeat("[a] ", n/8) },
		"dupes":  func(n int) string { return strings.Repeat("## a\n", n/5) },
	}
	for name, f := range pats {
		for _, n := range []int{16 << 10, 64 << 10, 256 << 10, 1 << 20} {
			src := f(n)
			if len(src) > MaxSourceBytes {
				src = src[:MaxSourceBytes]
			}
			st := time.Now()
			r.Markdown(src)
			fmt.Printf("%-7s %8d %v\n", name, len(src), time.Since(st))
			if time.Since(st) > 5*time.Second {
				break
			}
		}
	}
}
