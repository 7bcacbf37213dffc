package compliance

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// settings is a Config resolved for one Check call.
type settings struct {
	sev       map[string]Severity // enabled rules only
	overrode  map[string]bool     // rules whose severity Config.Overrides sets
	on        []bool              // by rule.idx: enabled
	extra     *matcher
	allowlist []string
}

func (c Config) resolve() *settings {
	st := &settings{sev: map[string]Severity{}, overrode: map[string]bool{}}
	packs := c.Packs
	if len(packs) == 0 {
		packs = []string{"general"}
	}
	for _, id := range packs {
		p, ok := packByID[id]
		if !ok {
			continue
		}
		for rid, sev := range p.rules {
			if cur, ok := st.sev[rid]; !ok || sev == SeverityBlock && cur != SeverityBlock {
				st.sev[rid] = sev
			}
		}
	}
	for rid, sev := range c.Overrides {
		if _, ok := ruleByID[rid]; !ok && rid != extraPhraseRule {
			continue
		}
		switch sev {
		case SeverityOff:
			delete(st.sev, rid)
		case SeverityBlock, SeverityWarn:
			st.sev[rid] = sev
			st.overrode[rid] = true
		}
	}
	st.on = make([]bool, len(rules))
	for i, r := range rules {
		_, st.on[i] = st.sev[r.id]
	}
	if len(c.ExtraPhrases) > 0 {
		extraSev, overridden := c.Overrides[extraPhraseRule]
		if extraSev != SeverityOff {
			st.extra = newMatcher()
			for _, ph := range c.ExtraPhrases {
				items := phraseItems(ph.Text)
				if len(items) == 0 {
					continue
				}
				sev := ph.Severity
				if sev != SeverityBlock && sev != SeverityWarn {
					sev = SeverityWarn
				}
				if overridden && (extraSev == SeverityBlock || extraSev == SeverityWarn) {
					sev = extraSev
				}
				msg := ph.Message
				if msg == "" {
					msg = fmt.Sprintf("Your clinic has flagged the phrase %q.", strings.TrimSpace(ph.Text))
				}
				r := &rule{id: extraPhraseRule, message: msg}
				st.extra.add(&pattern{rule: r, expr: ph.Text, items: items, message: msg, extraSev: sev})
			}
		}
	}
	if _, ok := st.sev[RuleExternalLink]; ok {
		st.allowlist = append(st.allowlist, defaultLinkAllowlist...)
		for _, d := range c.LinkAllowlist {
			if d = normDomain(d); d != "" {
				st.allowlist = append(st.allowlist, d)
			}
		}
		for _, h := range c.OwnHostnames {
			if k := strings.LastIndexByte(h, ':'); k >= 0 && !strings.Contains(h[k:], "]") {
				h = h[:k]
			}
			h = strings.TrimPrefix(normDomain(h), "www.")
			if h != "" {
				st.allowlist = append(st.allowlist, h)
			}
		}
	}
	return st
}

// phraseItems turns a clinic phrase into pattern items: each word matches any
// inflection of itself, punctuation matches itself.
func phraseItems(text string) []item {
	var items []item
	for _, t := range tokenize(text, 0, len(text), nil) {
		switch t.kind {
		case kWord:
			if t.stem != t.text {
				items = append(items, item{alts: []alt{{w: t.stem, stem: true}}})
			} else {
				items = append(items, item{alts: []alt{{w: t.text}, {w: t.text, stem: true}}})
			}
		case kPunct:
			if len(items) > 0 {
				items = append(items, item{alts: []alt{{w: t.text, punct: true}}})
			}
		}
	}
	for len(items) > 0 && items[len(items)-1].alts[0].punct {
		items = items[:len(items)-1]
	}
	return items
}

var tokenPool = sync.Pool{New: func() any { b := make([]token, 0, 256); return &b }}

// part is one string of the input that is scanned on its own.
type part struct {
	field Field
	index int
	name  string
	text  string
}

var fieldOrder = map[Field]int{FieldTitle: 0, FieldSummary: 1, FieldBody: 2, FieldFAQ: 3, FieldImage: 4, FieldLink: 5}
var partOrder = map[string]int{"": 0, "question": 0, "answer": 1, "alt": 0, "caption": 1, "src": 2, "url": 0}

// Check runs the configured rules over the input and returns the findings,
// sorted by field (title, summary, body, faq, image, link), item index, part,
// then Start. The result is deterministic. Check does not validate cfg:
// unknown packs and bad severities are ignored (call Config.Validate first).
func Check(in Input, cfg Config) []Finding {
	st := cfg.resolve()
	var out []Finding
	md := func(p part) { out = st.checkMarkdown(p, out) }
	md(part{field: FieldTitle, text: in.Title})
	md(part{field: FieldSummary, text: in.Summary})
	md(part{field: FieldBody, text: in.Body})
	for i, qa := range in.FAQ {
		md(part{field: FieldFAQ, index: i, name: "question", text: qa.Question})
		md(part{field: FieldFAQ, index: i, name: "answer", text: qa.Answer})
	}
	for i, im := range in.Images {
		alt := part{field: FieldImage, index: i, name: "alt", text: im.Alt}
		out = st.checkText(alt, 0, len(alt.text), nil, true, true, out)
		capt := part{field: FieldImage, index: i, name: "caption", text: im.Caption}
		out = st.checkText(capt, 0, len(capt.text), nil, true, true, out)
		src := part{field: FieldImage, index: i, name: "src", text: im.Src}
		lo, hi := fileNameRange(im.Src)
		out = st.checkText(src, lo, hi, nil, false, true, out)
	}
	for i, l := range in.Links {
		p := part{field: FieldLink, index: i, name: "url", text: l}
		out = st.checkLink(p, span{0, len(l)}, out)
	}
	out = dedupe(out)
	sort.SliceStable(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if x.Field != y.Field {
			return fieldOrder[x.Field] < fieldOrder[y.Field]
		}
		if x.Index != y.Index {
			return x.Index < y.Index
		}
		if x.Part != y.Part {
			return partOrder[x.Part] < partOrder[y.Part]
		}
		if x.Start != y.Start {
			return x.Start < y.Start
		}
		if x.End != y.End {
			return x.End < y.End
		}
		return x.Rule < y.Rule
	})
	return out
}

func (st *settings) checkMarkdown(p part, out []Finding) []Finding {
	if p.text == "" {
		return out
	}
	d := parseMarkdown(p.text)
	buf := tokenPool.Get().(*[]token)
	toks := tokenizeSegs(*buf, p.text, d.segs)
	out = st.checkTokens(p, toks, true, false, out)
	clear(toks)
	*buf = toks[:0]
	tokenPool.Put(buf)
	for _, t := range d.titles {
		out = st.checkText(p, t.start, t.end, nil, true, false, out)
	}
	for _, im := range d.images {
		if !im.altIsText {
			out = st.checkText(p, im.alt.start, im.alt.end, nil, true, true, out)
		} else {
			out = st.checkText(p, im.alt.start, im.alt.end, nil, false, true, out)
		}
		if im.title.end > im.title.start {
			out = st.checkText(p, im.title.start, im.title.end, nil, false, true, out)
		}
		lo, hi := fileNameRange(p.text[im.src.start:im.src.end])
		out = st.checkText(p, im.src.start+lo, im.src.start+hi, nil, false, true, out)
	}
	for _, l := range d.links {
		out = st.checkLink(p, l, out)
	}
	return out
}

// fileNameRange returns the byte range of the file name in a URL or path,
// without directories, query, fragment or extension.
func fileNameRange(src string) (int, int) {
	end := len(src)
	if k := strings.IndexAny(src, "?#"); k >= 0 {
		end = k
	}
	start := strings.LastIndexByte(src[:end], '/') + 1
	if dot := strings.LastIndexByte(src[start:end], '.'); dot > 0 {
		end = start + dot
	}
	return start, end
}

// checkText scans p.text[lo:hi]. text selects the general rules, image the
// image-only patterns (plus the before-after rule as a whole).
func (st *settings) checkText(p part, lo, hi int, mask []span, text, image bool, out []Finding) []Finding {
	if hi <= lo {
		return out
	}
	buf := tokenPool.Get().(*[]token)
	toks := tokenizeInto(*buf, p.text, lo, hi, mask)
	defer func() {
		clear(toks) // drop references into the caller's strings
		*buf = toks[:0]
		tokenPool.Put(buf)
	}()
	return st.checkTokens(p, toks, text, image, out)
}

// checkTokens runs the rules over one token stream of part p.
func (st *settings) checkTokens(p part, toks []token, text, image bool, out []Finding) []Finding {
	from := len(out)
	out = st.ruleFindings(p, toks, text, image, out)
	if text {
		out = st.modelFindings(p, toks, out, from)
	}
	return out
}

func (st *settings) ruleFindings(p part, toks []token, text, image bool, out []Finding) []Finding {
	keep := func(pt *pattern) bool {
		if !st.on[pt.rule.idx] {
			return false
		}
		if pt.imageOnly {
			return image
		}
		if !text {
			return image && pt.rule.id == RuleBeforeAfter
		}
		return true
	}
	var hitsBuf [16]hit
	hits := allPatterns.scan(toks, keep, hitsBuf[:0])
	if text {
		hits = constructionHits(p.text, toks, st.on, hits)
	}
	if st.extra != nil && text {
		hits = st.extra.scan(toks, func(*pattern) bool { return true }, hits)
	}
	for _, h := range hits {
		pt := h.p
		if !st.accept(toks, h) {
			continue
		}
		sev := pt.extraSev
		if sev == "" {
			sev = st.sev[pt.rule.id]
			if pt.block && !st.overrode[pt.rule.id] {
				sev = SeverityBlock
			}
		}
		msg := pt.message
		if msg == "" {
			msg = pt.rule.message
		}
		sug := pt.suggestion
		if sug == "" {
			sug = pt.rule.suggestion
		}
		start, end := toks[h.ti].start, toks[h.tj-1].end
		out = append(out, finding(p, pt.rule.id, sev, msg, sug, start, end))
	}
	return out
}

func (st *settings) accept(toks []token, h hit) bool {
	pt := h.p
	if pt.quotedOnly && !toks[h.ti].quoted {
		return false
	}
	if pt.notBefore != nil && h.ti > 0 && toks[h.ti-1].kind == kWord && pt.notBefore[toks[h.ti-1].text] {
		return false
	}
	if pt.notAfter != nil && h.tj < len(toks) && toks[h.tj].kind == kWord && pt.notAfter[toks[h.tj].text] {
		return false
	}
	if !pt.noNegation && (negated(toks, h.ti, h.tj) || listNegated(toks, h.ti)) {
		return false
	}
	if falseFriend(toks, h.ti) || inProperName(toks, h.ti, h.tj) {
		return false
	}
	lo, hi := sentenceBounds(toks, h.ti, h.tj)
	if metaSentence(toks, lo, hi) {
		return false
	}
	id := pt.rule.id
	if id != RuleFear && id != RuleComparison && questionSentence(toks, lo, hi) {
		return false
	}
	if id == RuleTestimonial && containsWord(toks, h.ti, h.tj, "star", "stars", "rating", "ratings") && containsWord(toks, lo, hi, "uva", "spf", "sunscreen", "sunscreens", "hotel", "hotels", "energy") {
		return false // a UVA star rating is not a review
	}
	if certaintyRules[id] && hedged(toks, lo, h.ti) {
		return false
	}
	if pt.message == credTitle && h.ti > 1 && toks[h.ti-1].text == "a" && seeVerbs[toks[h.ti-2].text] {
		return false // "see a skin specialist" is advice, not a title
	}
	if id == RuleUnverifiedCredential && !pt.block && namesRecognisedBody(toks, lo, hi) {
		return false
	}
	if pt.rule.notInQuestions && inQuestion(toks, h.tj) {
		return false
	}
	return true
}

var seeVerbs = setOf("see consult visit ask find choose seeing consulting visiting")

// hedged reports a hedge word up to five words before toks[i] in its
// sentence: "may last for years", "can help keep acne under control".
func hedged(toks []token, lo, i int) bool {
	for k, n := i-1, 0; k >= lo && n < 5; k-- {
		if toks[k].kind != kWord {
			continue
		}
		n++
		if hedges[toks[k].text] {
			return true
		}
	}
	return false
}

// inQuestion reports whether the sentence containing toks[j-1] ends with "?".
func inQuestion(toks []token, j int) bool {
	for k := j; k < len(toks); k++ {
		if isSentenceBoundary(&toks[k]) {
			return toks[k].text == "?"
		}
	}
	return false
}

func finding(p part, rule string, sev Severity, msg, sug string, start, end int) Finding {
	line, col := lineCol(p.text, start)
	return Finding{
		Rule: rule, Severity: sev, Message: msg, Field: p.field, Index: p.index, Part: p.name,
		Start: start, End: end, Line: line, Column: col, Match: p.text[start:end], Suggestion: sug,
	}
}

// lineCol returns the 1-based line and character column of byte offset off.
func lineCol(s string, off int) (int, int) {
	line := 1 + strings.Count(s[:off], "\n")
	ls := strings.LastIndexByte(s[:off], '\n') + 1
	return line, 1 + utf8.RuneCountInString(s[ls:off])
}

// dedupe removes findings of the same rule, field, item and part whose ranges
// overlap an earlier one, keeping the earlier and longer match.
func dedupe(out []Finding) []Finding {
	if len(out) < 2 {
		return out
	}
	sort.SliceStable(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if x.Field != y.Field {
			return fieldOrder[x.Field] < fieldOrder[y.Field]
		}
		if x.Index != y.Index {
			return x.Index < y.Index
		}
		if x.Part != y.Part {
			return partOrder[x.Part] < partOrder[y.Part]
		}
		if x.Start != y.Start {
			return x.Start < y.Start
		}
		return x.End > y.End
	})
	res := out[:0]
	lastEnd := map[string]int{}
	for _, f := range out {
		key := fmt.Sprintf("%s|%d|%s|%s|%s", f.Field, f.Index, f.Part, f.Rule, f.Message)
		if f.Rule != extraPhraseRule {
			key = fmt.Sprintf("%s|%d|%s|%s", f.Field, f.Index, f.Part, f.Rule)
		}
		if e, ok := lastEnd[key]; ok && f.Start < e {
			continue
		}
		lastEnd[key] = f.End
		res = append(res, f)
	}
	return res
}

// Links.

func (st *settings) checkLink(p part, l span, out []Finding) []Finding {
	if _, on := st.sev[RuleExternalLink]; !on {
		return out
	}
	raw := strings.TrimSpace(p.text[l.start:l.end])
	host, external := linkHost(raw)
	if !external || hostAllowed(host, st.allowlist) {
		return out
	}
	r := ruleByID[RuleExternalLink]
	msg := fmt.Sprintf("%s (%s)", r.message, host)
	return append(out, finding(p, RuleExternalLink, st.sev[RuleExternalLink], msg, r.suggestion, l.start, l.end))
}

// linkHost returns the lower-case host of an absolute http(s),
// protocol-relative or bare www. link; external is false for relative,
// fragment, mailto: and tel: links.
func linkHost(raw string) (host string, external bool) {
	switch {
	case hasPrefixFold(raw, "www."):
		raw = "http://" + raw
	case strings.HasPrefix(raw, "//"):
		raw = "http:" + raw
	}
	if !hasPrefixFold(raw, "http://") && !hasPrefixFold(raw, "https://") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		// Unparseable absolute URL: treat the text after the scheme as host.
		rest := raw[strings.Index(raw, "//")+2:]
		if k := strings.IndexAny(rest, "/?#"); k >= 0 {
			rest = rest[:k]
		}
		return strings.ToLower(rest), true
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), true
}

func hostAllowed(host string, allow []string) bool {
	for _, d := range allow {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// normDomain lower-cases an allowlist entry and strips a leading "*." or ".".
func normDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	d = strings.TrimPrefix(d, "*.")
	d = strings.TrimPrefix(d, ".")
	return strings.TrimSuffix(d, ".")
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
