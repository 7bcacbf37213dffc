// Package searchtext decides how text is cut into search tokens, the same
// way for SQLite FTS5 and PostgreSQL full-text search. Both engines split
// words at spaces and punctuation, which works for English and Malay but
// not for Chinese or Japanese, written without spaces: a whole sentence
// becomes one "word" and no search for a word inside it matches. So the
// indexed text gets an extra line where every run of CJK characters is
// spelled out as overlapping two-character tokens (毛孔粗大 -> 毛孔 孔粗
// 粗大), and a query's CJK words become phrases of the same tokens. A
// two-character Chinese word is then one token, a longer one a phrase of
// adjacent tokens, and both engines give the same answers for the same data.
package searchtext

import (
	"strings"
	"unicode"
)

// IsCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana or Hangul.
func IsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// tokens cuts s into the expansion tokens: each CJK run as overlapping
// pairs (a lone character as itself), and the letters or digits next to
// it as words of their own.
func tokens(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		switch r := rs[i]; {
		case IsCJK(r):
			j := i
			for j < len(rs) && IsCJK(rs[j]) {
				j++
			}
			if j-i == 1 {
				out = append(out, string(rs[i]))
			}
			for k := i; k+1 < j; k++ {
				out = append(out, string(rs[k:k+2]))
			}
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(rs) && !IsCJK(rs[j]) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		default:
			i++
		}
	}
	return out
}

func hasCJK(s string) bool { return strings.IndexFunc(s, IsCJK) >= 0 }

// Index returns text as it should be indexed: unchanged when it holds no
// CJK characters, else followed by a line of the expansion tokens of every
// word that contains CJK characters.
func Index(text string) string {
	if !hasCJK(text) {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n")
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if hasCJK(w) {
			b.WriteString(strings.Join(tokens(w), " "))
			b.WriteString(" \n")
		}
	}
	return b.String()
}

// Phrase returns the tokens a query word matches as a phrase: the word
// itself when it has no CJK characters, else its expansion tokens.
func Phrase(word string) []string {
	if !hasCJK(word) {
		return []string{word}
	}
	return tokens(word)
}
