package render

import (
	"errors"
	"fmt"
	"strings"
)

// Limits on the shape of a source. goldmark is fast on ordinary text, but
// two shapes make it (or its output) grow much faster than the input:
//
//   - GFM pads every table row to the width of the delimiter row, so a wide
//     delimiter row followed by many one-character rows builds
//     columns x rows cells from a few bytes per row;
//   - containers opened on one line ("- - - - ..." or "> > > ...") make the
//     block parser's work grow with depth x length.
//
// Real articles are nowhere near these limits.
const (
	maxTableColumns = 64
	maxTableCells   = 100_000
	maxNesting      = 32
)

// ErrTooComplex is returned by Markdown for sources whose tables or nesting
// exceed the renderer's limits; the wrapped message says which.
var ErrTooComplex = errors.New("render: markdown too complex")

// checkShape scans src line by line for the shapes above. It over-estimates
// (it does not know about code blocks), which only matters for sources that
// are absurd anyway.
func checkShape(src string) error {
	lines := strings.Split(src, "\n")
	cells := 0
	for i, line := range lines {
		rest, depth := stripContainers(line)
		if depth > maxNesting {
			return fmt.Errorf("%w: line %d nests %d lists or quotes (limit %d)", ErrTooComplex, i+1, depth, maxNesting)
		}
		cols := delimiterColumns(rest)
		if cols == 0 {
			continue
		}
		if cols > maxTableColumns {
			return fmt.Errorf("%w: line %d starts a table with %d columns (limit %d)", ErrTooComplex, i+1, cols, maxTableColumns)
		}
		rows := 1
		for _, l := range lines[i+1:] {
			if strings.TrimSpace(l) == "" {
				break
			}
			rows++
		}
		if cells += cols * rows; cells > maxTableCells {
			return fmt.Errorf("%w: tables would have more than %d cells", ErrTooComplex, maxTableCells)
		}
	}
	return nil
}

// stripContainers removes the block-quote markers and list markers that open
// a line and counts them.
func stripContainers(line string) (string, int) {
	depth := 0
	for {
		s := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(s, ">"):
			line = s[1:]
		case len(s) >= 2 && strings.ContainsRune("-*+", rune(s[0])) && (s[1] == ' ' || s[1] == '\t'):
			line = s[2:]
		default:
			n := 0
			for n < len(s) && n < 10 && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n == 0 || n+1 >= len(s) || (s[n] != '.' && s[n] != ')') || (s[n+1] != ' ' && s[n+1] != '\t') {
				return s, depth
			}
			line = s[n+2:]
		}
		depth++
	}
}

// delimiterColumns returns the number of columns if s looks like a GFM
// table delimiter row ("|:--|--:|"), else 0.
func delimiterColumns(s string) int {
	if !strings.Contains(s, "|") || !strings.Contains(s, "-") {
		return 0
	}
	if strings.Trim(s, " \t|:-") != "" {
		return 0
	}
	cols := 0
	for cell := range strings.SplitSeq(s, "|") {
		if strings.TrimSpace(cell) != "" {
			cols++
		}
	}
	return cols
}
