package adminui

import (
	"strings"
	"unicode"
)

// Op is one piece of a diff: unchanged, inserted or deleted text.
type Op struct {
	Kind string // "eq", "ins" or "del"
	Text string
}

// maxCells bounds the LCS table; beyond it the changed middle is shown as
// one deletion and one insertion.
const maxCells = 4_000_000

// tokens splits s into words and the whitespace runs between them, so that
// joining the tokens gives s back.
func tokens(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if i > start && sp != inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// WordDiff compares a and b word by word (longest common subsequence) and
// returns the pieces in order, adjacent pieces of one kind merged.
func WordDiff(a, b string) []Op {
	return diffSeq(tokens(a), tokens(b), "")
}

// diffSeq is the LCS diff of two token sequences; sep joins tokens.
func diffSeq(a, b []string, sep string) []Op {
	var ops []Op
	emit := func(kind, text string) {
		if text == "" {
			return
		}
		if n := len(ops); n > 0 && ops[n-1].Kind == kind {
			ops[n-1].Text += sep + text
			return
		}
		ops = append(ops, Op{kind, text})
	}
	// Common prefix and suffix cost nothing.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	emit("eq", strings.Join(a[:p], sep))
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	if len(ma)*len(mb) > maxCells {
		emit("del", strings.Join(ma, sep))
		emit("ins", strings.Join(mb, sep))
	} else {
		n, m := len(ma), len(mb)
		// l[i][j] = LCS length of ma[i:] and mb[j:], in one flat slice.
		l := make([]int32, (n+1)*(m+1))
		at := func(i, j int) int32 { return l[i*(m+1)+j] }
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					l[i*(m+1)+j] = at(i+1, j+1) + 1
				} else {
					l[i*(m+1)+j] = max(at(i+1, j), at(i, j+1))
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				emit("eq", ma[i])
				i++
				j++
			case i < n && (j == m || at(i+1, j) >= at(i, j+1)):
				emit("del", ma[i])
				i++
			default:
				emit("ins", mb[j])
				j++
			}
		}
	}
	emit("eq", strings.Join(a[len(a)-s:], sep))
	return ops
}

// paragraphs splits Markdown into blocks separated by blank lines, keeping
// fenced code blocks whole.
func paragraphs(src string) []string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	var out []string
	var cur []string
	fenced := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		if t == "" && !fenced {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// MergeKeepingBoth merges two texts paragraph by paragraph: paragraphs both
// share appear once, in order; where they differ, mine come first and
// theirs follow. Nothing of either text is lost; the writer removes what
// they do not want.
func MergeKeepingBoth(mine, theirs string) string {
	ops := diffSeq(paragraphs(theirs), paragraphs(mine), "\n\n")
	var parts []string
	for i := 0; i < len(ops); i++ {
		o := ops[i]
		switch o.Kind {
		case "eq":
			parts = append(parts, o.Text)
		case "ins": // only in mine
			parts = append(parts, o.Text)
		case "del": // only in theirs: after my version of the same place
			if i+1 < len(ops) && ops[i+1].Kind == "ins" {
				parts = append(parts, ops[i+1].Text)
				i++
			}
			parts = append(parts, o.Text)
		}
	}
	return strings.Join(parts, "\n\n")
}
