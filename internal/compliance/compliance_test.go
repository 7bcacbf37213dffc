package compliance

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var sg = Config{Packs: []string{"sg-healthcare-ads"}}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestOffsetsLineColumn(t *testing.T) {
	body := "# Pores\n\nIntro line.\nOur **laser** is *painless* — and \"guaranteed\"."
	fs := Check(Input{Body: body}, sg)
	if len(fs) != 2 {
		t.Fatalf("got %v, want 2 findings", fs)
	}
	for _, f := range fs {
		if body[f.Start:f.End] != f.Match {
			t.Errorf("match %q != body[%d:%d] %q", f.Match, f.Start, f.End, body[f.Start:f.End])
		}
		if f.Field != FieldBody || f.Line != 4 {
			t.Errorf("%+v: want body line 4", f)
		}
	}
	if fs[0].Match != "painless" || fs[0].Column != 19 {
		t.Errorf("first = %q col %d, want painless col 19", fs[0].Match, fs[0].Column)
	}
	// Columns count characters: the em dash is one column.
	if fs[1].Match != "guaranteed" || fs[1].Column != 36 {
		t.Errorf("second = %q col %d, want guaranteed col 36", fs[1].Match, fs[1].Column)
	}
}

func TestFieldsAndSorting(t *testing.T) {
	in := Input{
		Title:   "The best laser clinic",
		Summary: "Painless pore care.",
		Body:    "Results are guaranteed.",
		FAQ:     []QA{{Question: "Is it painless?", Answer: "Yes, totally painless."}},
		Images:  []Image{{Src: "/img/before-after.jpg", Alt: "Cheek", Caption: "After 3 sessions"}},
		Links:   []string{"https://other.example.com/x", "/relative"},
	}
	cfg := Config{Packs: []string{"sg-healthcare-ads"}, LinkAllowlist: []string{"ourclinic.sg"}}
	fs := Check(in, cfg)
	var got []string
	for _, f := range fs {
		got = append(got, string(f.Field)+"/"+f.Part+"/"+f.Rule)
	}
	want := []string{
		"title//laudatory", "summary//guarantee", "body//guarantee",
		"faq/answer/guarantee", // the reader's question "Is it painless?" is no claim
		"image/caption/before-after", "image/src/before-after",
		"link/url/external-link",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%v\nwant\n%v", got, want)
	}
	if again := Check(in, cfg); !reflect.DeepEqual(again, fs) {
		t.Fatal("Check is not deterministic")
	}
	src := fs[5]
	if in.Images[0].Src[src.Start:src.End] != src.Match || src.Match != "before-after" {
		t.Errorf("src finding %+v", src)
	}
}

func TestObfuscationAndInflection(t *testing.T) {
	cases := []string{
		"guarantee", "Guarantees", "GUARANTEED", "guaranteeing",
		"g u a r a n t e e d", "g.u.a.r.a.n.t.e.e.d", "g-u-a-r-a-n-t-e-e-d",
		"guar\u00adanteed", "100 %", "1OO%", "100%", "pain-free", "risk free", "cures", "cured",
	}
	for _, c := range cases {
		fs := Check(Input{Body: "Our laser is " + c + " for pores."}, sg)
		if len(fs) != 1 || fs[0].Rule != RuleGuarantee {
			t.Errorf("%q: got %v, want one guarantee finding", c, rulesOf(fs))
			continue
		}
		if !strings.Contains(strings.ToLower(fs[0].Match), strings.ToLower(c[:1])) {
			t.Errorf("%q: match %q", c, fs[0].Match)
		}
	}
	fs := Check(Input{Body: "Results are g.u.a.r.a.n.t.e.e.d!"}, sg)
	if len(fs) != 1 || !strings.HasSuffix(fs[0].Match, "g.u.a.r.a.n.t.e.e.d") {
		t.Errorf("spelled-out match = %+v", fs)
	}
}

func TestNegationAndHedges(t *testing.T) {
	clean := []string{
		"Results are not guaranteed.",
		"No treatment can guarantee clear skin.",
		"Pores will not disappear completely.",
		"We cannot promise permanent results.",
		"The laser is not painless for everyone.",
		"There is no cure for melasma.",
		"Beware of clinics that promise guaranteed results.",
		"Permanent results are unrealistic.",
		"It is never too late to use sunscreen.",
		"So-called miracle creams rarely help.",
		"Claims of painless, risk-free procedures deserve scepticism.",
	}
	for _, s := range clean {
		if fs := Check(Input{Body: s}, sg); len(fs) != 0 {
			t.Errorf("%q: got %v, want none", s, rulesOf(fs))
		}
	}
	flagged := []string{
		"It is not for everyone, but results are guaranteed.",
		"Not only painless but also fast.",
		"No downtime, no side effects.",
		"Painless.\nNot expensive either.",
	}
	for _, s := range flagged {
		if fs := Check(Input{Body: s}, sg); len(fs) == 0 {
			t.Errorf("%q: got no findings", s)
		}
	}
}

func TestMarkdownAwareness(t *testing.T) {
	body := "Use `best` in a code span.\n\nSee <https://best.example.com/guaranteed> and https://x.example.com/painless and [docs](/best-guaranteed \"Our docs\")."
	if fs := Check(Input{Body: body}, Config{Packs: sg.Packs, OwnHostnames: []string{"best.example.com", "x.example.com"}}); len(fs) != 0 {
		t.Errorf("got %v, want none", fs)
	}
	imgs, links := ExtractImagesAndLinks("![Before and after](/a/b.jpg \"Week 6\") [x](https://a.example/y) <http://b.example> https://c.example/z. <img src=\"/d.png\" alt=\"after laser\"> [r][]\n\n[r]: https://ref.example \"Ref\"\n[unused]: https://unused.example\n\n`https://code.example`")
	wantImgs := []Image{{Src: "/a/b.jpg", Alt: "Before and after", Caption: "Week 6"}, {Src: "/d.png", Alt: "after laser"}}
	if !reflect.DeepEqual(imgs, wantImgs) {
		t.Errorf("images = %+v", imgs)
	}
	wantLinks := []string{"https://a.example/y", "http://b.example", "https://c.example/z", "https://ref.example"}
	if !reflect.DeepEqual(links, wantLinks) {
		t.Errorf("links = %q", links)
	}
	// HTML image alt text is checked with the text rules too.
	fs := Check(Input{Body: `<img src="/x.png" alt="our painless laser">`}, sg)
	if len(fs) != 1 || fs[0].Match != "painless" {
		t.Errorf("html alt: %+v", fs)
	}
}

// TestCodeIsChecked: code spans and fenced or indented code blocks are shown
// on the public page, so they are checked like prose. The old hand-written
// parser only knew ``` fences and let a ~~~ fence hide a guarantee.
func TestCodeIsChecked(t *testing.T) {
	for _, body := range []string{
		"Intro.\n\n~~~\nResults guaranteed after one session\n~~~\n",
		"Intro.\n\n~~~~ text\nResults guaranteed after one session\n~~~~\n",
		"Intro.\n\n```\nResults guaranteed after one session\n```\n",
		"Intro.\n\n    Results guaranteed after one session\n",
		"Intro with `results guaranteed` in a code span.",
		"- item\n\n  ~~~\n  Results guaranteed after one session\n  ~~~\n",
	} {
		fs := Check(Input{Body: body}, sg)
		if len(fs) != 1 || fs[0].Rule != RuleGuarantee || fs[0].Match != "guaranteed" || body[fs[0].Start:fs[0].End] != "guaranteed" {
			t.Errorf("%q: got %+v, want one guarantee finding on \"guaranteed\"", body, fs)
		}
	}
	// A ``` line in the middle of a paragraph opens no fence for goldmark,
	// but a line starting with ``` does: everything after it is code, and is
	// checked (here a link text that is code, not a link).
	body := "Line one.\n``` in code\nThe best clinic [x](/y)"
	fs := Check(Input{Body: body}, sg)
	if len(fs) != 1 || fs[0].Rule != RuleLaudatory || fs[0].Line != 3 {
		t.Errorf("got %+v", fs)
	}
}

func TestAllowlist(t *testing.T) {
	body := "[a](https://www.ourclinic.sg/x) [b](https://evil.example/x) [c](/rel) [d](#faq) [e](mailto:a@b.c) [f](//cdn.other.example/y) https://moh.gov.sg/z https://notmoh.gov.sg.evil.example/"
	cfg := Config{Packs: []string{"general"}, LinkAllowlist: []string{"ourclinic.sg", "*.moh.gov.sg"}}
	var got []string
	for _, f := range Check(Input{Body: body}, cfg) {
		if f.Rule != RuleExternalLink || f.Severity != SeverityWarn || body[f.Start:f.End] != f.Match {
			t.Errorf("unexpected %+v", f)
		}
		got = append(got, f.Match)
	}
	want := []string{"https://evil.example/x", "//cdn.other.example/y", "https://notmoh.gov.sg.evil.example/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Without an allowlist, the clinic's own hostnames and the public health
	// authorities are still allowed; everything else is a warning.
	body = "[a](https://www.lumen.example/x) [b](https://blog.lumen.example) [c](https://www.healthhub.sg/a-z) [d](https://www.who.int/news) [e](https://pubmed.ncbi.nlm.nih.gov/1/) [f](https://www.nhs.uk/conditions/acne/) [g](https://shop.example/buy) [h](https://www.facebook.com/clinic)"
	got = nil
	for _, f := range Check(Input{Body: body}, Config{OwnHostnames: []string{"www.lumen.example:8080"}}) {
		if f.Rule != RuleExternalLink || f.Severity != SeverityWarn {
			t.Errorf("unexpected %+v", f)
		}
		got = append(got, f.Match)
	}
	want = []string{"https://shop.example/buy", "https://www.facebook.com/clinic"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults: got %q, want %q", got, want)
	}
	off := Config{Overrides: map[string]Severity{RuleExternalLink: SeverityOff}}
	if fs := Check(Input{Body: body}, off); len(fs) != 0 {
		t.Errorf("rule off: got %v", fs)
	}
	block := Config{Overrides: map[string]Severity{RuleExternalLink: SeverityBlock}}
	if fs := Check(Input{Body: body}, block); len(fs) != 4 || fs[0].Severity != SeverityBlock {
		t.Errorf("rule blocking: got %v", fs)
	}
}

func TestPacksAndOverrides(t *testing.T) {
	in := Input{Body: "Enjoy a free consultation with the best doctors. Results are guaranteed."}
	sev := func(fs []Finding) map[string]Severity {
		m := map[string]Severity{}
		for _, f := range fs {
			m[f.Rule] = f.Severity
		}
		return m
	}
	general := sev(Check(in, Config{}))
	if !reflect.DeepEqual(general, map[string]Severity{RuleLaudatory: SeverityWarn, RuleGuarantee: SeverityBlock}) {
		t.Errorf("general: %v", general)
	}
	sgs := sev(Check(in, sg))
	if !reflect.DeepEqual(sgs, map[string]Severity{RuleInducement: SeverityBlock, RuleLaudatory: SeverityBlock, RuleGuarantee: SeverityBlock}) {
		t.Errorf("sg: %v", sgs)
	}
	over := sev(Check(in, Config{Packs: []string{"sg-healthcare-ads"}, Overrides: map[string]Severity{RuleLaudatory: SeverityWarn, RuleGuarantee: SeverityOff}}))
	if !reflect.DeepEqual(over, map[string]Severity{RuleInducement: SeverityBlock, RuleLaudatory: SeverityWarn}) {
		t.Errorf("overrides: %v", over)
	}
	on := sev(Check(in, Config{Overrides: map[string]Severity{RuleInducement: SeverityWarn}}))
	if on[RuleInducement] != SeverityWarn {
		t.Errorf("override should switch a rule on: %v", on)
	}
	packs := Packs()
	if len(packs) != 2 || packs[0].ID != "general" || packs[1].ID != "sg-healthcare-ads" || len(packs[1].Rules) != 9 {
		t.Errorf("Packs() = %+v", packs)
	}
}

func TestExtraPhrases(t *testing.T) {
	cfg := Config{ExtraPhrases: []Phrase{
		{Text: "honey skin", Severity: SeverityBlock, Message: "Avoid trend slogans."},
		{Text: "Botox"},
	}}
	fs := Check(Input{Body: "Get HONEY-SKIN with botox. We do not promise honey skin."}, cfg)
	if len(fs) != 2 {
		t.Fatalf("got %+v", fs)
	}
	if fs[0].Rule != RuleExtraPhrase || fs[0].Match != "HONEY-SKIN" || fs[0].Severity != SeverityBlock || fs[0].Message != "Avoid trend slogans." {
		t.Errorf("first: %+v", fs[0])
	}
	if fs[1].Match != "botox" || fs[1].Severity != SeverityWarn || !strings.Contains(fs[1].Message, "Botox") {
		t.Errorf("second: %+v", fs[1])
	}
	cfg.Overrides = map[string]Severity{RuleExtraPhrase: SeverityOff}
	if fs := Check(Input{Body: "honey skin"}, cfg); len(fs) != 0 {
		t.Errorf("extra-phrase off: %+v", fs)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
	good := Config{Packs: []string{"general", "sg-healthcare-ads"}, Overrides: map[string]Severity{"guarantee": "warn", "extra-phrase": "off"},
		ExtraPhrases: []Phrase{{Text: "glass skin"}}, LinkAllowlist: []string{"ourclinic.sg", "*.moh.gov.sg"}}
	if err := good.Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	bad := Config{
		Packs:         []string{"general", "nope"},
		Overrides:     map[string]Severity{"guarantee": "hard", "nosuch": "warn"},
		ExtraPhrases:  []Phrase{{Text: " - "}, {Text: "ok", Severity: "off"}},
		LinkAllowlist: []string{"https://x.com"},
	}
	err := bad.Validate()
	var ce ConfigErrors
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want ConfigErrors", err)
	}
	var fields []string
	for _, e := range ce {
		fields = append(fields, e.Field)
	}
	want := []string{"packs[1]", "overrides.guarantee", "overrides.nosuch", "extra_phrases[0].text", "extra_phrases[1].severity", "link_allowlist[0]"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("fields = %v, want %v", fields, want)
	}
	if !strings.Contains(err.Error(), `packs[1]: unknown pack "nope"`) {
		t.Errorf("message: %v", err)
	}
}

func TestValidRegistration(t *testing.T) {
	cases := []struct {
		country, number string
		want            bool
	}{
		{"SG", "M12345A", true},
		{"sg", " M12345A ", true},
		{"SG", "M1234A", false},
		{"SG", "m12345a", false},
		{"SG", "12345A", false},
		{"SG", "M12345AB", false},
		{"SG", "D12345A", false},
		{"", "GMC-1234567", true},
		{"GB", "AB/12", true},
		{"US", "ab", false},
		{"US", "abc def", false},
		{"", strings.Repeat("a", 32), true},
		{"", strings.Repeat("a", 33), false},
	}
	for _, c := range cases {
		if got := ValidRegistration(c.country, c.number); got != c.want {
			t.Errorf("ValidRegistration(%q, %q) = %v, want %v", c.country, c.number, got, c.want)
		}
	}
}

func TestSuggestionsAndMessages(t *testing.T) {
	fs := Check(Input{Body: "Guaranteed results for every patient."}, sg)
	if len(fs) != 1 || fs[0].Suggestion != "results vary between patients" || fs[0].Message == "" {
		t.Errorf("%+v", fs)
	}
	for _, r := range rules {
		if r.message == "" || r.description == "" || r.name == "" {
			t.Errorf("rule %s lacks text", r.id)
		}
	}
}

func TestRegistrationRuleFreeInputs(t *testing.T) {
	// Empty and whitespace-only inputs produce nothing and do not panic.
	if fs := Check(Input{Body: "   \n\n", FAQ: []QA{{}}, Images: []Image{{}}, Links: []string{""}}, Config{LinkAllowlist: []string{"a.sg"}}); len(fs) != 0 {
		t.Errorf("%+v", fs)
	}
}

// "the top of a plug" is anatomy, not praise: a number-like word after a
// wildcard must not turn "top" into a ranking claim.
func TestTopOfIsNotLaudatory(t *testing.T) {
	for _, s := range []string{"They remove the top of a plug for a short while.", "Apply to the top of the head."} {
		if fs := Check(Input{Body: s}, Config{Packs: []string{"sg-healthcare-ads"}}); len(fs) != 0 {
			t.Errorf("%q: %+v", s, fs)
		}
	}
	if fs := Check(Input{Body: "We are a top 10 clinic."}, Config{Packs: []string{"sg-healthcare-ads"}}); len(fs) == 0 {
		t.Error("top 10 not flagged")
	}
}
