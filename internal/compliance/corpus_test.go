package compliance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

type corpusEntry struct {
	Text  string   `json:"text"`
	Rules []string `json:"rules"`
	Set   string   `json:"set"` // "" (first batch), "heldout" (second), "heldout2" (third, never tuned on)
}

func loadCorpus(t *testing.T) []corpusEntry {
	t.Helper()
	f, err := os.Open("../../testdata/compliance/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var e corpusEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("corpus line %d: %v", n, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusConfig is the configuration the corpus labels assume: the Singapore
// pack (every rule) and an allowlist of the clinic's own and public-health
// domains.
var corpusConfig = Config{
	Packs:         []string{"sg-healthcare-ads"},
	LinkAllowlist: []string{"ourclinic.sg", "moh.gov.sg", "healthhub.sg"},
}

// TestCorpusPrecisionRecall measures the engine against the hand-labelled
// corpus: a predicted rule id that is also expected for the same sentence is
// a true positive.
func TestCorpusPrecisionRecall(t *testing.T) {
	corpus := loadCorpus(t)
	if len(corpus) < 170 {
		t.Fatalf("corpus has %d sentences, want at least 170", len(corpus))
	}
	type counts struct{ tp, fp, fn int }
	per := map[string]*counts{}
	for _, id := range RuleIDs() {
		per[id] = &counts{}
	}
	var total counts
	bySet := map[string]*counts{"": {}, "heldout": {}, "heldout2": {}}
	for _, e := range corpus {
		set := bySet[e.Set]
		want := map[string]bool{}
		for _, r := range e.Rules {
			if _, ok := per[r]; !ok {
				t.Fatalf("corpus uses unknown rule %q in %q", r, e.Text)
			}
			want[r] = true
		}
		got := map[string]bool{}
		for _, f := range Check(Input{Body: e.Text}, corpusConfig) {
			got[f.Rule] = true
		}
		for r := range got {
			if want[r] {
				per[r].tp++
				total.tp++
				set.tp++
			} else {
				per[r].fp++
				total.fp++
				set.fp++
				t.Logf("FP %-22s %q", r, e.Text)
			}
		}
		for r := range want {
			if !got[r] {
				per[r].fn++
				total.fn++
				set.fn++
				t.Logf("FN %-22s %q", r, e.Text)
			}
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 1
		}
		return float64(a) / float64(b)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-22s %4s %4s %4s %9s %7s\n", "rule", "TP", "FP", "FN", "precision", "recall")
	ids := RuleIDs()
	sort.Strings(ids)
	for _, id := range ids {
		c := per[id]
		if c.tp+c.fp+c.fn == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-22s %4d %4d %4d %9.3f %7.3f\n", id, c.tp, c.fp, c.fn, ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn))
	}
	p, r := ratio(total.tp, total.tp+total.fp), ratio(total.tp, total.tp+total.fn)
	fmt.Fprintf(&b, "%-22s %4d %4d %4d %9.3f %7.3f  (%d sentences)", "overall", total.tp, total.fp, total.fn, p, r, len(corpus))
	for _, name := range []string{"", "heldout", "heldout2"} {
		c := bySet[name]
		if name == "" {
			name = "first batch"
		}
		fmt.Fprintf(&b, "\n%-22s %4d %4d %4d %9.3f %7.3f", name, c.tp, c.fp, c.fn, ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn))
	}
	t.Log(b.String())
	if r < 0.95 {
		t.Errorf("overall recall %.3f < 0.95", r)
	}
	if p < 0.90 {
		t.Errorf("overall precision %.3f < 0.90", p)
	}
}
