package compliance

import (
	"testing"
	"unicode/utf8"
)

// FuzzCheck makes sure Check never panics and that every finding points at
// valid bytes of the text it names.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Results are g.u.a.r.a.n.t.e.e.d!", "![a](b \"c\") [x](<y>) `z` <img src='q' alt=\"after 3 sessions\">",
		"```\nbest\n", "[a]: http://x", "1OO % painless, risk-free", "\u200bguar\u00adanteed ’s “best” clinic", "[[[](((", "<!-- x",
	} {
		f.Add(s)
	}
	cfg := Config{Packs: []string{"general", "sg-healthcare-ads"}, LinkAllowlist: []string{"a.sg"}, ExtraPhrases: []Phrase{{Text: "glass skin"}}}
	f.Fuzz(func(t *testing.T, s string) {
		in := Input{Title: s, Body: s, FAQ: []QA{{s, s}}, Images: []Image{{s, s, s}}, Links: []string{s}}
		for _, fd := range Check(in, cfg) {
			if fd.Start < 0 || fd.End > len(s) || fd.Start >= fd.End || s[fd.Start:fd.End] != fd.Match {
				t.Fatalf("bad finding %+v for %q", fd, s)
			}
			if utf8.ValidString(s) && (fd.Line < 1 || fd.Column < 1) {
				t.Fatalf("bad line/column %+v", fd)
			}
		}
	})
}
