package compliance

import (
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

var train = flag.Bool("train", false, "retrain model.tsv from the tuned corpus batches")

type example struct {
	feats []string
	y     []bool // by rule idx
	batch string
	bad   bool
	rules []string
}

func examples(t *testing.T) []example {
	batches, names := loadBatches(t)
	var out []example
	for _, n := range names {
		for _, e := range batches[n] {
			toks := tokenize(e.text, 0, len(e.text), nil)
			ex := example{feats: sentenceFeatures(toks, 0, len(toks), nil), y: make([]bool, len(rules)), batch: n, bad: e.bad, rules: e.rules}
			if e.bad {
				for _, r := range e.rules {
					ex.y[ruleByID[r].idx] = true
				}
			}
			out = append(out, ex)
		}
	}
	return out
}

// fit trains one-vs-rest logistic regression with L2 by SGD.
func fit(exs []example, epochs int, lr, l2 float64) (map[string][]float64, []float64) {
	w := map[string][]float64{}
	b := make([]float64, len(rules))
	for ep := 0; ep < epochs; ep++ {
		for _, ex := range exs {
			for ri := range rules {
				z := b[ri]
				for _, f := range ex.feats {
					if ws := w[f]; ws != nil {
						z += ws[ri]
					}
				}
				p := 1 / (1 + math.Exp(-z))
				y := 0.0
				if ex.y[ri] {
					y = 1
				}
				g := p - y
				b[ri] -= lr * g
				for _, f := range ex.feats {
					ws := w[f]
					if ws == nil {
						ws = make([]float64, len(rules))
						w[f] = ws
					}
					ws[ri] -= lr * (g + l2*ws[ri])
				}
			}
		}
	}
	return w, b
}

// TestTrainModel retrains model.tsv on the batches listed in floors.tsv
// (the tuned ones) when run with -train; otherwise it only checks that the
// shipped model parses.
func TestTrainModel(t *testing.T) {
	if !*train {
		if claimModel.threshold <= 0 || claimModel.threshold > 1 {
			t.Fatalf("model threshold %v", claimModel.threshold)
		}
		return
	}
	floors := loadFloors(t)
	var tr []example
	for _, ex := range examples(t) {
		if _, ok := floors[ex.batch]; ok {
			tr = append(tr, ex)
		}
	}
	w, b := fit(tr, 30, 0.05, 0.001)
	var sb strings.Builder
	sb.WriteString("# rule\tfeature\tweight (empty feature: bias); threshold line sets the probability cut\n")
	fmt.Fprintf(&sb, "threshold\t\t%s\n", os.Getenv("MODEL_THRESHOLD"))
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for ri, r := range rules {
		fmt.Fprintf(&sb, "%s\t\t%.4f\n", r.id, b[ri])
		for _, k := range keys {
			if v := w[k][ri]; v > 0.1 || v < -0.1 {
				fmt.Fprintf(&sb, "%s\t%s\t%.4f\n", r.id, k, v)
			}
		}
	}
	if err := os.WriteFile("model.tsv", []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("trained on %d sentences", len(tr))
}
