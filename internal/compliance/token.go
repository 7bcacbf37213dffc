package compliance

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	kWord  tokKind = iota // a run of letters and digits (apostrophes and decimal points inside)
	kPunct                // one significant punctuation character
	kBreak                // a block break: blank line, heading, list item, table row
)

// token is one unit of the normalised stream. start and end are byte offsets
// into the raw field text, so findings can point back at the source.
type token struct {
	text       string // normalised: lower case, ’ folded to '
	stem       string // light stem of text, for inflection-insensitive matching
	id, sid    int32  // vocabulary ids of text and stem (0: no built-in pattern uses it)
	start, end int
	kind       tokKind
	cap        bool // first character was upper case in the source
	quoted     bool // inside "..." or “...”
}

// span is a half-open byte range.
type span struct{ start, end int }

// punctTokens are the punctuation characters that become tokens; every other
// non-word character only separates words.
func punctText(r rune) (string, bool) {
	switch r {
	case '.', '…':
		return ".", true
	case '!':
		return "!", true
	case '?':
		return "?", true
	case ';':
		return ";", true
	case ':':
		return ":", true
	case ',':
		return ",", true
	case '%', '％':
		return "%", true
	case '#':
		return "#", true
	case '$':
		return "$", true
	case '&':
		return "&", true
	case '|':
		return "|", true
	case '/':
		return "/", true
	case '(', '[':
		return "(", true
	case ')', ']':
		return ")", true
	case '"', '“', '”', '„':
		return "\"", true
	case '★', '⭐':
		return "★", true
	}
	return "", false
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isIgnorable reports invisible characters sometimes inserted to dodge
// filters; inside a word they are skipped.
func isIgnorable(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

// tokenize turns s[lo:hi] into tokens, skipping the masked byte ranges (which
// must be sorted and non-overlapping). Offsets are into s.
func tokenize(s string, lo, hi int, mask []span) []token {
	return tokenizeInto(make([]token, 0, (hi-lo)/5+4), s, lo, hi, mask)
}

// tokenizeInto is tokenize appending to toks[:0], so callers can reuse buffers.
func tokenizeInto(toks []token, s string, lo, hi int, mask []span) []token {
	quoted := false
	toks = scanRange(toks[:0], s, lo, hi, mask, &quoted, true)
	return finishTokens(s, toks)
}

// tokenizeSegs tokenizes the visible text segments of a Markdown part, with
// a break token where a new block starts.
func tokenizeSegs(toks []token, s string, segs []seg) []token {
	toks = toks[:0]
	quoted := false
	for _, sg := range segs {
		if sg.brk {
			quoted = false
			if n := len(toks); n > 0 && toks[n-1].kind != kBreak {
				toks = append(toks, token{text: "\n", start: sg.start, end: sg.start, kind: kBreak})
			}
		}
		toks = scanRange(toks, s, sg.start, sg.end, nil, &quoted, false)
	}
	return finishTokens(s, toks)
}

// scanRange appends the tokens of s[lo:hi] outside mask. lineBreaks: decide
// from the raw text where a newline ends a block (plain-text parts).
func scanRange(toks []token, s string, lo, hi int, mask []span, quotedp *bool, lineBreaks bool) []token {
	quoted := *quotedp
	defer func() { *quotedp = quoted }()
	mi := 0
	for mi < len(mask) && mask[mi].end <= lo {
		mi++
	}
	nextMask := func(i int) (int, int) { // returns start,end of the next mask at or after i
		for mi < len(mask) && mask[mi].end <= i {
			mi++
		}
		if mi < len(mask) {
			return mask[mi].start, mask[mi].end
		}
		return hi, hi
	}
	lineStart := lo
	i := lo
	for i < hi {
		ms, me := nextMask(i)
		if i >= ms {
			i = me
			continue
		}
		limit := min(ms, hi)
		if c := s[i]; c == ' ' {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWordRune(r):
			start := i
			j := i + size
			plain := r < utf8.RuneSelf && !('A' <= r && r <= 'Z')
			prev := r
			for j < limit {
				// ASCII fast path: lower-case letters and digits
				if c := s[j]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
					prev = rune(c)
					j++
					continue
				}
				r2, sz2 := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r2) {
					if r2 >= utf8.RuneSelf || ('A' <= r2 && r2 <= 'Z') {
						plain = false
					}
					prev = r2
					j += sz2
					continue
				}
				if j+sz2 < limit {
					r3, _ := utf8.DecodeRuneInString(s[j+sz2:])
					switch {
					case isIgnorable(r2) && isWordRune(r3),
						(r2 == '\'' || r2 == '’') && unicode.IsLetter(r3) && unicode.IsLetter(prev):
						if r2 != '\'' {
							plain = false
						}
						j += sz2
						continue
					case (r2 == '.' || r2 == ',') && unicode.IsDigit(prev) && unicode.IsDigit(r3):
						j += sz2
						continue
					}
				}
				break
			}
			text := s[start:j]
			if !plain {
				text = normWord(text)
			}
			toks = append(toks, token{text: text, start: start, end: j, kind: kWord, cap: unicode.IsUpper(r), quoted: quoted})
			i = j
			continue
		case r == '\n' && lineBreaks:
			// Decide whether this newline ends a block.
			isBreak := lineStart < len(s) && strings.HasPrefix(strings.TrimLeft(s[lineStart:i], " \t"), "#")
			k := i + 1
			for k < hi && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r') {
				k++
			}
			if k >= hi {
				isBreak = true
			} else {
				switch c := s[k]; {
				case c == '\n', c == '#', c == '>', c == '|', c == '-', c == '*', c == '+':
					isBreak = true
				case c >= '0' && c <= '9':
					d := k
					for d < hi && s[d] >= '0' && s[d] <= '9' {
						d++
					}
					isBreak = d < hi && (s[d] == '.' || s[d] == ')')
				}
			}
			if isBreak {
				toks = append(toks, token{text: "\n", start: i, end: i + 1, kind: kBreak})
				quoted = false
			}
			lineStart = i + 1
		default:
			if p, ok := punctText(r); ok {
				if p == "\"" {
					switch r {
					case '“', '„':
						quoted = true
					case '”':
						quoted = false
					default:
						quoted = !quoted
					}
				}
				toks = append(toks, token{text: p, start: i, end: i + size, kind: kPunct, quoted: quoted})
			}
		}
		i += size
	}
	return toks
}

func finishTokens(s string, toks []token) []token {
	toks = joinSpelledOut(s, toks)
	for k := range toks {
		t := &toks[k]
		if t.kind != kWord {
			t.id = vocab[t.text]
			continue
		}
		t.text = fixDigitLookalikes(t.text)
		t.stem = stem(t.text)
		t.id = vocab[t.text]
		if t.stem == t.text {
			t.sid = t.id
		} else {
			t.sid = vocab[t.stem]
		}
	}
	return toks
}

// normWord lower-cases a word, folds ’ to ' and drops invisible characters.
func normWord(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		switch {
		case isIgnorable(r):
		case r == '’':
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// joinSpelledOut merges three or more single letters separated only by
// spaces, dots, hyphens, underscores or asterisks ("g u a r a n t e e d",
// "g.u.a.r.a.n.t.e.e.d") into one word token.
func joinSpelledOut(s string, toks []token) []token {
	isLetter := func(t *token) bool {
		if t.kind != kWord {
			return false
		}
		r, n := utf8.DecodeRuneInString(t.text)
		return n == len(t.text) && unicode.IsLetter(r)
	}
	gapOK := func(a, b int) bool {
		if b-a > 3 || b <= a {
			return false
		}
		for k := a; k < b; k++ {
			switch s[k] {
			case ' ', '.', '-', '_', '*':
			default:
				return false
			}
		}
		return true
	}
	// Fast path: most texts have no run of single letters at all.
	found := false
	for i := 0; i+2 < len(toks); i++ {
		if isLetter(&toks[i]) && (isLetter(&toks[i+1]) || toks[i+1].text == "." && isLetter(&toks[i+2])) {
			found = true
			break
		}
	}
	if !found {
		return toks
	}
	out := toks[:0]
	for i := 0; i < len(toks); {
		if !isLetter(&toks[i]) {
			out = append(out, toks[i])
			i++
			continue
		}
		// Collect a run of single letters.
		last := i
		n := 1
		for {
			k := last + 1
			if k < len(toks) && toks[k].kind == kPunct && toks[k].text == "." {
				k++
			}
			if k < len(toks) && isLetter(&toks[k]) && gapOK(toks[last].end, toks[k].start) {
				last = k
				n++
				continue
			}
			break
		}
		if n < 3 {
			out = append(out, toks[i])
			i++
			continue
		}
		var b strings.Builder
		for k := i; k <= last; k++ {
			if toks[k].kind == kWord {
				b.WriteString(strings.ToLower(toks[k].text))
			}
		}
		merged := toks[i]
		merged.text = b.String()
		merged.end = toks[last].end
		out = append(out, merged)
		i = last + 1
	}
	return out
}

// fixDigitLookalikes reads letters that stand in for digits ("1OO" -> "100")
// in tokens that already contain a digit.
func fixDigitLookalikes(w string) string {
	hasDigit, hasLook := false, false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			hasDigit = true
		case c == 'o' || c == 'l' || c == 'i':
			hasLook = true
		default:
			return w
		}
	}
	if !hasDigit || !hasLook {
		return w
	}
	b := []byte(w)
	for i, c := range b {
		switch c {
		case 'o':
			b[i] = '0'
		case 'l', 'i':
			b[i] = '1'
		}
	}
	return string(b)
}

// stem strips common English inflections so that "guarantee", "guarantees",
// "guaranteed" and "guaranteeing" share one stem ("guarant"). It is
// deliberately crude: it is only ever compared with stems made the same way.
func stem(w string) string {
	n := len(w)
	if n < 4 || w[0] >= '0' && w[0] <= '9' {
		return w
	}
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "i"
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = undouble(w[:n-2])
	case n > 4 && strings.HasSuffix(w, "es") && !strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	for len(w) > 3 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	if len(w) > 3 && w[len(w)-1] == 'y' {
		w = w[:len(w)-1] + "i"
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] {
		switch w[n-1] {
		case 'l', 's', 'z', 'a', 'e', 'i', 'o', 'u':
			return w
		}
		return w[:n-1]
	}
	return w
}
