package compliance

import (
	"fmt"
	"strconv"
	"strings"
)

// A pattern is written as space-separated items:
//
//	word        the normalised token must equal word
//	word~       the token's stem must equal stem(word) (any inflection)
//	a|b~|c      alternatives
//	item?       optional
//	*N          skip 0..N words (never punctuation)
//	@class      expands to the alternatives of a word class
//	<num>       any number ("3", "10", "three")
//	% # $ & . ★ " ( )  punctuation tokens
type alt struct {
	w     string
	id    int32 // vocab id of w; 0 for clinic phrases whose word no built-in pattern uses
	stem  bool
	punct bool
	num   bool
	// strict: <n>, a number in digits or words, but not "a" or "few"
	strict bool
}

type item struct {
	alts     []alt
	optional bool
	gap      int
	// For items with many alternatives (word classes), after freeze: bit
	// sets over vocabulary ids of the exact and stem alternatives, and the
	// alternatives that are neither (numbers, punctuation, clinic words).
	exact, stems []uint64
	rest         []alt
}

// spec is how rules declare patterns.
type spec struct {
	e   string // expression
	s   string // suggested rewrite, overrides the rule's
	m   string // message, overrides the rule's
	nb  string // not before: "a|b" words that must not precede the match
	na  string // not after: words that must not follow the match
	q   bool   // only inside quotation marks
	img bool   // only in image alt text, captions, titles and file names
	neg bool   // true: do not apply negation/hedge suppression
	// block: the finding blocks whenever the rule is on, even in a pack
	// where the rule only warns (an explicit override still wins).
	block bool
}

type pattern struct {
	rule       *rule
	expr       string
	items      []item
	suggestion string
	message    string
	notBefore  map[string]bool
	notAfter   map[string]bool
	quotedOnly bool
	imageOnly  bool
	noNegation bool
	block      bool
	extraSev   Severity // for Config.ExtraPhrases patterns
}

var numberWords = map[string]bool{"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true, "nine": true, "ten": true, "twelve": true, "a": true, "few": true, "eleven": true, "fifteen": true, "twenty": true, "thirty": true, "forty": true, "fifty": true, "hundred": true, "thousand": true}

func isNumberTok(t *token) bool {
	if t.kind != kWord {
		return false
	}
	if c := t.text[0]; c >= '0' && c <= '9' {
		return true
	}
	if t.id != 0 && wordFlags != nil {
		return wordFlags[t.id]&fNumber != 0
	}
	return numberWords[t.text]
}

func (a *alt) match(t *token) bool {
	switch {
	case a.num && a.strict:
		return isNumberTok(t) && t.text != "a" && t.text != "few"
	case a.num:
		return isNumberTok(t)
	case a.punct:
		return t.kind == kPunct && t.text == a.w
	case t.kind != kWord:
		return false
	case a.id != 0 && a.stem:
		return t.sid == a.id
	case a.id != 0:
		return t.id == a.id
	case a.stem:
		return t.stem == a.w
	default:
		return t.text == a.w
	}
}

func bitOn(bs []uint64, id int32) bool {
	return id > 0 && int(id>>6) < len(bs) && bs[id>>6]&(1<<(uint(id)&63)) != 0
}

func (it *item) match(t *token) bool {
	if it.exact != nil {
		if t.kind == kWord && (bitOn(it.exact, t.id) || bitOn(it.stems, t.sid)) {
			return true
		}
		for k := range it.rest {
			if it.rest[k].match(t) {
				return true
			}
		}
		return false
	}
	for k := range it.alts {
		if it.alts[k].match(t) {
			return true
		}
	}
	return false
}

func compilePattern(expr string, classes map[string]string) ([]item, error) {
	var items []item
	for _, f := range strings.Fields(expr) {
		var it item
		if f[0] == '*' && len(f) > 1 {
			n, err := strconv.Atoi(f[1:])
			if err != nil {
				return nil, fmt.Errorf("pattern %q: bad gap %q", expr, f)
			}
			it.gap = n
			items = append(items, it)
			continue
		}
		if len(f) > 1 && strings.HasSuffix(f, "?") {
			it.optional = true
			f = f[:len(f)-1]
		}
		for _, a := range strings.Split(f, "|") {
			if a == "" {
				return nil, fmt.Errorf("pattern %q: empty alternative", expr)
			}
			if a[0] == '@' {
				cl, ok := classes[a[1:]]
				if !ok {
					return nil, fmt.Errorf("pattern %q: unknown class %s", expr, a)
				}
				sub, err := compilePattern(cl, classes)
				if err != nil || len(sub) != 1 {
					return nil, fmt.Errorf("pattern %q: class %s must be one item", expr, a)
				}
				it.alts = append(it.alts, sub[0].alts...)
				continue
			}
			switch {
			case a == "<num>":
				it.alts = append(it.alts, alt{num: true})
			case a == "<n>":
				it.alts = append(it.alts, alt{num: true, strict: true})
			case strings.HasSuffix(a, "~"):
				it.alts = append(it.alts, alt{w: stem(a[:len(a)-1]), stem: true})
			default:
				if _, ok := punctText([]rune(a)[0]); ok && len([]rune(a)) == 1 {
					it.alts = append(it.alts, alt{w: a, punct: true})
				} else {
					it.alts = append(it.alts, alt{w: a})
				}
			}
		}
		items = append(items, it)
	}
	if len(items) == 0 || items[0].optional || items[0].gap > 0 {
		return nil, fmt.Errorf("pattern %q must start with a required word", expr)
	}
	if last := items[len(items)-1]; last.gap > 0 {
		return nil, fmt.Errorf("pattern %q must not end with a gap", expr)
	}
	return items, nil
}

// matchItems matches items[k:] starting at toks[i] and returns the index after
// the last matched token, or -1.
func matchItems(items []item, k int, toks []token, i int) int {
	if k == len(items) {
		return i
	}
	it := &items[k]
	if it.gap > 0 {
		for g := 0; g <= it.gap; g++ {
			if e := matchItems(items, k+1, toks, i+g); e >= 0 {
				return e
			}
			if i+g >= len(toks) || toks[i+g].kind != kWord {
				break
			}
		}
		return -1
	}
	if i < len(toks) && it.match(&toks[i]) {
		if e := matchItems(items, k+1, toks, i+1); e >= 0 {
			return e
		}
	}
	if it.optional {
		return matchItems(items, k+1, toks, i)
	}
	return -1
}

// matcher is a set of patterns indexed by what their first token can be.
type matcher struct {
	index map[string]*firsts
	other []*pattern // first item has <num> alternatives
	all   []*pattern
	ids   []*firsts // after freeze: index by vocab id
}

// vocab numbers every word, stem and punctuation mark that a built-in
// pattern uses, so that matching compares integers. It is built once at
// init (freeze) and read-only afterwards.
var vocab = map[string]int32{}

// freeze assigns vocab ids to every alternative of m's patterns and builds
// the id index. Only the built-in matcher is frozen.
func (m *matcher) freeze() {
	for _, p := range m.all {
		for k := range p.items {
			for a := range p.items[k].alts {
				al := &p.items[k].alts[a]
				if al.num || al.w == "" {
					continue
				}
				id, ok := vocab[al.w]
				if !ok {
					id = int32(len(vocab) + 1)
					vocab[al.w] = id
				}
				al.id = id
			}
		}
	}
	n := (len(vocab) + 64) / 64
	for _, p := range m.all {
		for k := range p.items {
			it := &p.items[k]
			if len(it.alts) <= 6 {
				continue
			}
			it.exact, it.stems = make([]uint64, n), make([]uint64, n)
			for _, al := range it.alts {
				switch {
				case al.num || al.punct || al.id == 0:
					it.rest = append(it.rest, al)
				case al.stem:
					it.stems[al.id>>6] |= 1 << (uint(al.id) & 63)
				default:
					it.exact[al.id>>6] |= 1 << (uint(al.id) & 63)
				}
			}
		}
	}
	m.ids = make([]*firsts, len(vocab)+1)
	for w, f := range m.index {
		m.ids[vocab[w]] = f
	}
}

// firsts are the patterns whose first token is a word (exact) or has a stem.
type firsts struct{ exact, stems []*pattern }

func newMatcher() *matcher {
	return &matcher{index: map[string]*firsts{}}
}

func (m *matcher) slot(k string) *firsts {
	f := m.index[k]
	if f == nil {
		f = &firsts{}
		m.index[k] = f
	}
	return f
}

func (m *matcher) add(p *pattern) {
	m.all = append(m.all, p)
	seen := map[string]bool{}
	for _, a := range p.items[0].alts {
		switch {
		case a.num:
			m.other = append(m.other, p)
		case a.stem:
			if !seen["s:"+a.w] {
				f := m.slot(a.w)
				f.stems = append(f.stems, p)
				seen["s:"+a.w] = true
			}
		default:
			if !seen["e:"+a.w] {
				f := m.slot(a.w)
				f.exact = append(f.exact, p)
				seen["e:"+a.w] = true
			}
		}
	}
}

// hit is a raw pattern match over a token stream.
type hit struct {
	p      *pattern
	ti, tj int // token range
}

// scan runs every pattern at every token. keep filters patterns by context.
func (m *matcher) scan(toks []token, keep func(*pattern) bool, out []hit) []hit {
	// first: the index already guarantees that items[0] matches toks[i]
	try := func(ps []*pattern, i, first int) {
		for _, p := range ps {
			if !keep(p) {
				continue
			}
			if e := matchItems(p.items, first, toks, i+first); e > i {
				out = append(out, hit{p, i, e})
			}
		}
	}
	for i := range toks {
		t := &toks[i]
		if m.ids != nil {
			if t.id != 0 && int(t.id) < len(m.ids) {
				if f := m.ids[t.id]; f != nil {
					try(f.exact, i, 1)
				}
			}
			if t.kind == kWord {
				if t.sid != 0 && int(t.sid) < len(m.ids) {
					if f := m.ids[t.sid]; f != nil {
						try(f.stems, i, 1)
					}
				}
				if len(m.other) > 0 && isNumberTok(t) {
					try(m.other, i, 0)
				}
			}
			continue
		}
		f := m.index[t.text]
		if f != nil {
			try(f.exact, i, 0)
		}
		if t.kind == kWord {
			if t.stem != t.text {
				f = m.index[t.stem]
			}
			if f != nil {
				try(f.stems, i, 0)
			}
			if len(m.other) > 0 && isNumberTok(t) {
				try(m.other, i, 0)
			}
		}
	}
	return out
}

// Negation and hedging.

var negators = setOf("not no never none nothing nobody neither nor without cannot cant dont wont isnt arent doesnt didnt shouldnt wouldnt couldnt hardly rarely seldom unlikely beware wary avoid avoids avoiding sceptical skeptical claims claiming claimed advertise advertises myth myths misconception misconceptions misleading unrealistic untrue false exaggerated impossible nowhere whether")
var listNegators = setOf("no zero without")
var negExceptions = setOf("only just doubt matter wonder question longer")
var clauseConj = setOf("but however although though whereas yet unlike")
var fwdNegators = setOf("isnt isn't arent aren't wasnt wasn't werent weren't cannot can't myth myths unrealistic untrue impossible misleading")
var beForms = setOf("is are was were be been being can could will would does do should")

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func isClauseBoundary(t *token) bool {
	if t.kind == kBreak {
		return true
	}
	if t.kind == kPunct {
		switch t.text {
		case ".", "!", "?", ";", ":", ",", "|", "(", ")":
			return true
		}
	}
	return false
}

func isSentenceBoundary(t *token) bool {
	if t.kind == kBreak {
		return true
	}
	if t.kind == kPunct {
		switch t.text {
		case ".", "!", "?", ";", "|":
			return true
		}
	}
	return false
}

// negated reports whether toks[i:j] sits in a negated or hedged clause: a
// negator up to 8 words before it in the same clause, or a copular negation
// ("are not", "isn't", "is a myth") up to 4 words after it.
func negated(toks []token, i, j int) bool {
	return negatedDepth(toks, i, j, 0)
}

func negatedDepth(toks []token, i, j, depth int) bool {
	for k, n := i-1, 0; k >= 0 && n < 8; k-- {
		t := &toks[k]
		if isClauseBoundary(t) {
			// In a list ("claims of painless, risk-free procedures") a
			// negation reaches items after a comma, unless the previous item
			// carries its own "no"/"without"/"zero" ("no pain, no downtime").
			if t.text == "," && k == i-1 && k > 0 && depth < 4 && toks[k-1].kind == kWord {
				if p := k - 2; p < 0 || !listNegators[toks[p].text] {
					if negatedDepth(toks, k-1, k, depth+1) {
						return true
					}
				}
			}
			break
		}
		if t.kind != kWord {
			continue
		}
		if clauseConj[t.text] {
			break
		}
		n++
		if inSet(fNegator, t) || strings.HasSuffix(t.text, "n't") {
			if k+1 < len(toks) && negExceptions[toks[k+1].text] {
				continue
			}
			return true
		}
		if t.text == "than" && k > 0 && toks[k-1].text == "rather" || t.text == "of" && k > 0 && toks[k-1].text == "instead" {
			return true
		}
		if t.text == "called" && k > 0 && toks[k-1].text == "so" {
			return true
		}
		if t.text == "nothing" && k+1 < len(toks) && (toks[k+1].text == "more" || toks[k+1].text == "is" || toks[k+1].text == "beats" || toks[k+1].text == "compares") {
			continue
		}
		if t.text == "few" && (k == 0 || toks[k-1].text != "a" && toks[k-1].text != "quite" && toks[k-1].text != "the") {
			return true
		}
	}
	for k, n := j, 0; k < len(toks) && n < 4; k++ {
		t := &toks[k]
		if isClauseBoundary(t) {
			break
		}
		if t.kind != kWord {
			continue
		}
		n++
		if fwdNegators[t.text] {
			return true
		}
		if (t.text == "not" || t.text == "never") && k > j && beForms[toks[k-1].text] {
			return true
		}
		if t.text == "myth" || t.text == "myths" {
			return true
		}
	}
	return false
}
