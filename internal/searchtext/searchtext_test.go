package searchtext

import (
	"reflect"
	"strings"
	"testing"
)

func TestPhrase(t *testing.T) {
	for in, want := range map[string][]string{
		"pores":    {"pores"},
		"毛孔":       {"毛孔"},
		"毛孔粗大":     {"毛孔", "孔粗", "粗大"},
		"痘":        {"痘"},
		"激光laser":  {"激光", "laser"},
		"ニキビ":      {"ニキビ"[:6], "キビ"},
		"皮秒激光2026": {"皮秒", "秒激", "激光", "2026"},
	} {
		if got := Phrase(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Phrase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIndex(t *testing.T) {
	if got := Index("Large pores, explained."); got != "Large pores, explained." {
		t.Fatalf("English text changed: %q", got)
	}
	got := Index("毛孔粗大是永久的吗？Pores")
	for _, tok := range []string{"毛孔", "孔粗", "粗大", "永久"} {
		if !strings.Contains(got, " "+tok+" ") && !strings.Contains(got, "\n"+tok+" ") {
			t.Errorf("token %q missing from %q", tok, got)
		}
	}
}
