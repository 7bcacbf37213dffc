package adminui

import (
	"strings"
	"testing"
)

func TestWordDiff(t *testing.T) {
	cases := map[string]struct {
		a, b string
		want []Op
	}{
		"same":     {"one two", "one two", []Op{{"eq", "one two"}}},
		"first":    {"", "new text", []Op{{"ins", "new text"}}},
		"changed":  {"the quick fox", "the slow fox", []Op{{"eq", "the "}, {"del", "quick"}, {"ins", "slow"}, {"eq", " fox"}}},
		"inserted": {"a c", "a b c", []Op{{"eq", "a "}, {"ins", "b "}, {"eq", "c"}}},
		"removed":  {"a b c", "a c", []Op{{"eq", "a "}, {"del", "b "}, {"eq", "c"}}},
	}
	for name, tc := range cases {
		got := WordDiff(tc.a, tc.b)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %q, want %q", name, got, tc.want)
				break
			}
		}
		// Both sides can be rebuilt from the pieces.
		var a, b strings.Builder
		for _, o := range got {
			if o.Kind != "ins" {
				a.WriteString(o.Text)
			}
			if o.Kind != "del" {
				b.WriteString(o.Text)
			}
		}
		if a.String() != tc.a || b.String() != tc.b {
			t.Errorf("%s: rebuilt %q / %q", name, a.String(), b.String())
		}
	}
}

func TestMergeKeepingBoth(t *testing.T) {
	base := "Intro.\n\nMiddle.\n\nEnd."
	mine := "Intro.\n\nMiddle, my edit.\n\nEnd."
	theirs := "Intro.\n\nMiddle.\n\nEnd.\n\nTheir new paragraph."
	got := MergeKeepingBoth(mine, theirs)
	for _, want := range []string{"Intro.", "Middle, my edit.", "Middle.", "End.", "Their new paragraph."} {
		if !strings.Contains(got, want) {
			t.Errorf("merge lost %q: %q", want, got)
		}
	}
	if strings.Count(got, "Intro.") != 1 || strings.Count(got, "End.") != 1 {
		t.Errorf("shared paragraphs repeated: %q", got)
	}
	if MergeKeepingBoth(base, base) != base {
		t.Errorf("merging equal texts changed them")
	}
}
