package compliance

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// corpusDir holds the labelled sentences, one batch per file (see its README).
const corpusDir = "../../testdata/compliance"

type corpusEntry struct {
	batch string
	line  int
	bad   bool
	rules []string // expected rules for bad sentences; for ok ones the near-miss rule, if any
	text  string
}

func loadBatches(t *testing.T) (map[string][]corpusEntry, []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "batch-*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus batches in %s: %v", corpusDir, err)
	}
	known := map[string]bool{"-": true}
	for _, id := range RuleIDs() {
		known[id] = true
	}
	out := map[string][]corpusEntry{}
	var names []string
	for _, fn := range files {
		name := strings.TrimSuffix(filepath.Base(fn), ".tsv")
		names = append(names, name)
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cols := strings.SplitN(line, "\t", 3)
			if len(cols) != 3 || (cols[0] != "ok" && cols[0] != "bad") {
				t.Fatalf("%s:%d: want label<TAB>rules<TAB>sentence, got %q", fn, n, line)
			}
			e := corpusEntry{batch: name, line: n, bad: cols[0] == "bad", text: cols[2]}
			for _, r := range strings.Split(cols[1], ",") {
				r = strings.TrimSpace(r)
				if !known[r] {
					t.Fatalf("%s:%d: unknown rule %q", fn, n, r)
				}
				if r != "-" {
					e.rules = append(e.rules, r)
				}
			}
			if e.bad && len(e.rules) == 0 {
				t.Fatalf("%s:%d: a bad sentence needs a rule", fn, n)
			}
			out[name] = append(out[name], e)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(names)
	return out, names
}

// corpusConfig is the configuration the labels assume: the Singapore pack
// (every rule) and ourclinic.sg as the clinic's own hostname.
var corpusConfig = Config{Packs: []string{"sg-healthcare-ads"}, OwnHostnames: []string{"www.ourclinic.sg"}}

// batchScore is one batch's figures. A bad sentence counts as caught when
// its expected rule fires (per rule: when that rule fires); an ok sentence
// is a false positive when any rule fires at all, whatever its severity.
type batchScore struct {
	perRule       map[string][2]int // caught, total
	caught, bad   int
	clean, ok     int
	sentences     int
	falsePos, fns []string
}

func (s batchScore) recall() float64      { return ratio(s.caught, s.bad) }
func (s batchScore) specificity() float64 { return ratio(s.clean, s.ok) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func scoreBatch(es []corpusEntry) batchScore {
	s := batchScore{perRule: map[string][2]int{}}
	for _, e := range es {
		s.sentences++
		got := map[string]bool{}
		for _, f := range Check(Input{Body: e.text}, corpusConfig) {
			got[f.Rule] = true
		}
		if !e.bad {
			s.ok++
			if len(got) == 0 {
				s.clean++
			} else {
				s.falsePos = append(s.falsePos, fmt.Sprintf("%s:%d FP %v %q", e.batch, e.line, sortedKeys(got), e.text))
			}
			continue
		}
		s.bad++
		any := false
		for _, r := range e.rules {
			c := s.perRule[r]
			c[1]++
			if got[r] {
				c[0]++
				any = true
			}
			s.perRule[r] = c
		}
		if any {
			s.caught++
		} else {
			s.fns = append(s.fns, fmt.Sprintf("%s:%d FN %v got %v %q", e.batch, e.line, e.rules, sortedKeys(got), e.text))
		}
	}
	return s
}

// loadFloors reads floors.tsv: batch, minimum recall, minimum specificity.
func loadFloors(t *testing.T) map[string][2]float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "floors.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Fields(line)
		if len(cols) != 3 {
			t.Fatalf("floors.tsv:%d: want batch recall specificity", n+1)
		}
		r, err1 := strconv.ParseFloat(cols[1], 64)
		sp, err2 := strconv.ParseFloat(cols[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("floors.tsv:%d: bad number", n+1)
		}
		out[cols[0]] = [2]float64{r, sp}
	}
	return out
}

// TestCorpus prints per-rule recall, overall recall and specificity for
// every batch, and fails when a batch with a floor in floors.tsv (a batch
// the engine has been tuned on) falls below it. A batch without a floor is
// reported only: that is how a new, untuned batch is measured.
func TestCorpus(t *testing.T) {
	batches, names := loadBatches(t)
	floors := loadFloors(t)
	total := 0
	ids := RuleIDs()
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-10s %5s", "batch", "n")
	for _, id := range ids {
		if id != RuleExtraPhrase {
			fmt.Fprintf(&b, " %12.12s", id)
		}
	}
	fmt.Fprintf(&b, " %8s %8s\n", "recall", "specif.")
	for _, name := range names {
		s := scoreBatch(batches[name])
		total += s.sentences
		fmt.Fprintf(&b, "%-10s %5d", name, s.sentences)
		for _, id := range ids {
			if id == RuleExtraPhrase {
				continue
			}
			if c := s.perRule[id]; c[1] > 0 {
				fmt.Fprintf(&b, " %5.2f (%3d)", ratio(c[0], c[1]), c[1])
			} else {
				fmt.Fprintf(&b, " %12s", "-")
			}
		}
		fmt.Fprintf(&b, " %8.3f %8.3f\n", s.recall(), s.specificity())
		if testing.Verbose() {
			for _, m := range append(s.fns, s.falsePos...) {
				t.Log(m)
			}
		}
		if fl, ok := floors[name]; ok {
			if s.recall() < fl[0] {
				t.Errorf("%s: recall %.3f below floor %.3f", name, s.recall(), fl[0])
			}
			if s.specificity() < fl[1] {
				t.Errorf("%s: specificity %.3f below floor %.3f", name, s.specificity(), fl[1])
			}
		}
	}
	fmt.Fprintf(&b, "%d sentences", total)
	t.Log(b.String())
	if total < 1500 {
		t.Logf("corpus has %d sentences (target 1,500)", total)
	}
}
