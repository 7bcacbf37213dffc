package compliance

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The statistical layer: one logistic model per rule over the word stems
// and stem bigrams of a sentence, trained on the labelled corpus in
// testdata/compliance (go test -run TestTrainModel -train ./internal/compliance/
// rewrites model.tsv) and shipped in the binary. Where no rule of that id
// fires in a sentence but the model's probability passes the threshold, it
// adds a warning that names the words that weighed most, so the finding
// still explains itself.

//go:embed model.tsv
var modelData string

type model struct {
	bias      []float64            // by rule.idx
	weights   map[string][]float64 // feature -> weight by rule.idx
	hashed    map[uint64][]float64 // the same, keyed by featureHash
	bloom     []uint64             // 1<<17 bits over featureHash: most features are absent
	names     map[uint64]string
	threshold float64
}

// featureHash hashes a stem (b empty) or a stem bigram without allocating.
func featureHash(a, b string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * 1099511628211
	}
	if b != "" {
		h = (h ^ ' ') * 1099511628211
		for i := 0; i < len(b); i++ {
			h = (h ^ uint64(b[i])) * 1099511628211
		}
	}
	return h
}

var claimModel = parseModel(modelData)

func parseModel(data string) *model {
	m := &model{bias: make([]float64, len(rules)), weights: map[string][]float64{}, threshold: 1}
	idx := map[string]int{}
	for i, r := range rules {
		idx[r.id] = i
	}
	for _, line := range strings.Split(data, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		w, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			continue
		}
		if f[0] == "threshold" {
			m.threshold = w
			continue
		}
		ri, ok := idx[f[0]]
		if !ok {
			continue
		}
		if f[1] == "" {
			m.bias[ri] = w
			continue
		}
		ws := m.weights[f[1]]
		if ws == nil {
			ws = make([]float64, len(rules))
			m.weights[f[1]] = ws
		}
		ws[ri] = w
	}
	m.hashed = map[uint64][]float64{}
	m.names = map[uint64]string{}
	m.bloom = make([]uint64, (1<<17)/64)
	for f, ws := range m.weights {
		a, b, _ := strings.Cut(f, " ")
		h := featureHash(a, b)
		m.hashed[h], m.names[h] = ws, f
		k := h & (1<<17 - 1)
		m.bloom[k>>6] |= 1 << (k & 63)
	}
	return m
}

// sentenceHashes returns the feature hashes of toks[lo:hi] (see
// sentenceFeatures).
func sentenceHashes(toks []token, lo, hi int, out []uint64) []uint64 {
	prev := "^"
	for k := lo; k < hi; k++ {
		t := &toks[k]
		if t.kind != kWord {
			continue
		}
		w := t.stem
		if c := w[0]; c >= '0' && c <= '9' {
			w = "<n>"
		}
		out = append(out, featureHash(w, ""), featureHash(prev, w))
		prev = w
	}
	return out
}

// hashScores is scores over feature hashes.
func (m *model) hashScores(hs []uint64, out []float64) []float64 {
	out = append(out[:0], m.bias...)
	for _, h := range hs {
		if k := h & (1<<17 - 1); m.bloom[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		if ws := m.hashed[h]; ws != nil {
			for i, w := range ws {
				out[i] += w
			}
		}
	}
	for i, z := range out {
		out[i] = 1 / (1 + math.Exp(-z))
	}
	return out
}

// hashCues returns up to three feature names with the largest positive
// weight for rule ri.
func (m *model) hashCues(hs []uint64, ri int) []string {
	feats := make([]string, 0, len(hs))
	for _, h := range hs {
		if n, ok := m.names[h]; ok {
			feats = append(feats, n)
		}
	}
	return m.topCues(feats, ri)
}

// modelFindings adds the model's warnings for the sentences of toks in
// which no finding of the predicted rule exists.
func (st *settings) modelFindings(p part, toks []token, out []Finding, from int) []Finding {
	m := claimModel
	if m.threshold >= 1 || len(m.hashed) == 0 {
		return out
	}
	var hs []uint64
	var ps []float64
	for lo := 0; lo < len(toks); {
		hi := lo
		for hi < len(toks) && !isSentenceBoundary(&toks[hi]) {
			hi++
		}
		if hi > lo {
			hs = sentenceHashes(toks, lo, hi, hs[:0])
			ps = m.hashScores(hs, ps)
			above := false
			for _, pr := range ps {
				above = above || pr >= m.threshold
			}
			if !above || metaSentence(toks, lo, hi) || questionSentence(toks, lo, hi) {
				lo = hi + 1
				continue
			}
			neg := hasNegator(toks, lo, hi)
			for ri, pr := range ps {
				if pr < m.threshold || !st.on[ri] || rules[ri].id == RuleExternalLink {
					continue
				}
				if neg && rules[ri].id != RuleFear {
					continue // the model does not know negation scope; the rules do
				}
				if rules[ri].id == RuleUnverifiedCredential && namesRecognisedBody(toks, lo, hi) {
					continue
				}
				start, end := toks[lo].start, toks[hi-1].end
				dup := false
				for _, f := range out[from:] {
					if f.Rule == rules[ri].id && f.Start < end && f.End > start {
						dup = true
						break
					}
				}
				if dup {
					continue
				}
				r := rules[ri]
				msg := fmt.Sprintf("Possible %s (statistical model, p=%.2f; weighed most: %s). %s", strings.ToLower(r.name), pr, strings.Join(quoteAll(m.hashCues(hs, ri)), ", "), r.message)
				sev := SeverityWarn
				if st.sev[r.id] == SeverityOff {
					continue
				}
				out = append(out, finding(p, r.id, sev, msg, r.suggestion, start, end))
			}
		}
		lo = hi + 1
	}
	return out
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// sentenceFeatures returns the stems and stem bigrams of toks[lo:hi].
func sentenceFeatures(toks []token, lo, hi int, out []string) []string {
	prev := "^"
	for k := lo; k < hi; k++ {
		t := &toks[k]
		if t.kind != kWord {
			continue
		}
		w := t.stem
		if c := w[0]; c >= '0' && c <= '9' {
			w = "<n>"
		}
		out = append(out, w, prev+" "+w)
		prev = w
	}
	return out
}

// modelScores returns the probability per rule.idx for the sentence.
func (m *model) scores(feats []string, out []float64) []float64 {
	out = append(out[:0], m.bias...)
	for _, f := range feats {
		if ws := m.weights[f]; ws != nil {
			for i, w := range ws {
				out[i] += w
			}
		}
	}
	for i, z := range out {
		out[i] = 1 / (1 + math.Exp(-z))
	}
	return out
}

// topCues returns up to three features with the largest positive weight for rule ri.
func (m *model) topCues(feats []string, ri int) []string {
	var best []string
	var bw []float64
	seen := map[string]bool{}
	for _, f := range feats {
		ws := m.weights[f]
		if ws == nil || ws[ri] <= 0 || seen[f] {
			continue
		}
		seen[f] = true
		best = append(best, f)
		bw = append(bw, ws[ri])
		for k := len(best) - 1; k > 0 && bw[k] > bw[k-1]; k-- {
			best[k], best[k-1] = best[k-1], best[k]
			bw[k], bw[k-1] = bw[k-1], bw[k]
		}
		if len(best) > 3 {
			best, bw = best[:3], bw[:3]
		}
	}
	return best
}

func hasNegator(toks []token, lo, hi int) bool {
	for k := lo; k < hi; k++ {
		t := &toks[k]
		if t.kind == kWord && (inSet(fNegator, t) || strings.HasSuffix(t.text, "n't")) {
			return true
		}
	}
	return false
}
