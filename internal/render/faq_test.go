package render

import (
	"strings"
	"testing"
)

func TestFAQ(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []QA
	}{
		"sub-headings": {
			src: "## Acne scars\n\nIntro.\n\n## Frequently Asked Questions\n\nQuick answers from our dermatologists.\n\n" +
				"### Do acne scars fade on their own?\n\nRed marks often fade within months.\n\nPitted scars usually do not.\n\n" +
				"### Is laser treatment painful?\n\nMost people describe it as a warm snap.\n\n#### Numbing\n\nA numbing cream helps.\n\n" +
				"## Sources\n\nNot part of the FAQ.",
			want: []QA{
				{Question: "Do acne scars fade on their own?", AnswerHTML: "<p>Red marks often fade within months.</p>\n<p>Pitted scars usually do not.</p>\n", AnswerText: "Red marks often fade within months.\nPitted scars usually do not."},
				{Question: "Is laser treatment painful?", AnswerHTML: "<p>Most people describe it as a warm snap.</p>\n<h4>Numbing</h4>\n<p>A numbing cream helps.</p>\n", AnswerText: "Most people describe it as a warm snap.\nNumbing\nA numbing cream helps."},
			},
		},
		"bold list": {
			src: "## FAQ\n\n1. **Can I shrink my pores?** Not permanently, but retinoids can make them look smaller.\n" +
				"2. **Do pore strips work?**: They remove the top of a blackhead, which comes back within days.\n" +
				"3. Just a note without a question.\n\nAfter the list.",
			want: []QA{
				{Question: "Can I shrink my pores?", AnswerHTML: "<p>Not permanently, but retinoids can make them look smaller.</p>\n", AnswerText: "Not permanently, but retinoids can make them look smaller."},
				{Question: "Do pore strips work?", AnswerHTML: "<p>They remove the top of a blackhead, which comes back within days.</p>\n", AnswerText: "They remove the top of a blackhead, which comes back within days."},
			},
		},
		"question line then paragraphs": {
			src: "## Common questions\n\n- How much sunscreen is enough?\n\n  About a teaspoon for the face and neck.\n\n  Most people use half that.\n\n" +
				"- Does make-up with SPF count?\n\n  Only as a top-up.\n",
			want: []QA{
				{Question: "How much sunscreen is enough?", AnswerHTML: "<p>About a teaspoon for the face and neck.</p>\n<p>Most people use half that.</p>\n", AnswerText: "About a teaspoon for the face and neck.\nMost people use half that."},
				{Question: "Does make-up with SPF count?", AnswerHTML: "<p>Only as a top-up.</p>\n", AnswerText: "Only as a top-up."},
			},
		},
		"question line, tight": {
			src: "## FAQs\n\n* Is sunscreen needed indoors?\n  Near a window, yes: UVA passes through glass.\n* Does it expire?\n  Yes, check the date on the tube.\n",
			want: []QA{
				{Question: "Is sunscreen needed indoors?", AnswerHTML: "<p>Near a window, yes: UVA passes through glass.</p>\n", AnswerText: "Near a window, yes: UVA passes through glass."},
				{Question: "Does it expire?", AnswerHTML: "<p>Yes, check the date on the tube.</p>\n", AnswerText: "Yes, check the date on the tube."},
			},
		},
		"bold paragraphs": {
			src: "## FAQ about sunscreen\n\n**Is SPF 100 twice as good as SPF 50?** No. SPF 50 blocks about 98% of UVB.\n\nThe difference is small.\n\n**Should children use it?** Yes, from six months.",
			want: []QA{
				{Question: "Is SPF 100 twice as good as SPF 50?", AnswerHTML: "<p>No. SPF 50 blocks about 98% of UVB.</p>\n<p>The difference is small.</p>\n", AnswerText: "No. SPF 50 blocks about 98% of UVB.\nThe difference is small."},
				{Question: "Should children use it?", AnswerHTML: "<p>Yes, from six months.</p>\n", AnswerText: "Yes, from six months."},
			},
		},
		"h1 FAQ with h2 questions": {
			src: "# FAQ\n\n## Are blackheads dirt?\n\nNo, they are oxidised sebum.\n",
			want: []QA{
				{Question: "Are blackheads dirt?", AnswerHTML: "<p>No, they are oxidised sebum.</p>\n", AnswerText: "No, they are oxidised sebum."},
			},
		},
		"answers sanitised": {
			src: "## FAQ\n\n- **Is it safe?** <script>alert(1)</script>Yes, see [this](javascript:alert(1)) and [the NHS](https://www.nhs.uk/).\n",
			want: []QA{
				{Question: "Is it safe?", AnswerHTML: "<p>alert(1)Yes, see this and <a href=\"https://www.nhs.uk/\" rel=\"noopener nofollow\">the NHS</a>.</p>\n", AnswerText: "alert(1)Yes, see this and the NHS."},
			},
		},
		"no FAQ": {
			src:  "## Sunscreen\n\n- **Is SPF 30 enough?** For most days.\n\n## Questions\n\n### Why?\n\nBecause.",
			want: nil,
		},
		"FAQ heading with nothing usable": {
			src:  "## FAQ\n\nWe are collecting your questions.\n\n## Next",
			want: nil,
		},
		"empty question heading skipped": {
			src:  "# FAQ\n##\nOrphan answer.",
			want: nil,
		},
		"question without answer skipped": {
			src: "## FAQ\n\n### Empty?\n\n### Full?\n\nYes.",
			want: []QA{
				{Question: "Full?", AnswerHTML: "<p>Yes.</p>\n", AnswerText: "Yes."},
			},
		},
	}
	r := New()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := mustRender(t, r, tc.src)
			if len(d.FAQ) != len(tc.want) {
				t.Fatalf("FAQ = %#v\nwant %#v", d.FAQ, tc.want)
			}
			for i, w := range tc.want {
				if d.FAQ[i] != w {
					t.Errorf("FAQ[%d] =\n%#v\nwant\n%#v", i, d.FAQ[i], w)
				}
			}
		})
	}
}

// The FAQ stays in the body: extraction must not change the page HTML.
func TestFAQLeavesBodyIntact(t *testing.T) {
	src := "## FAQ\n\n1. **Can pores shrink?** Not really.\n2. Do strips work?\n   Briefly.\n"
	r := New()
	d := mustRender(t, r, src)
	if len(d.FAQ) != 2 {
		t.Fatalf("FAQ = %+v", d.FAQ)
	}
	for _, w := range []string{"<strong>Can pores shrink?</strong> Not really.", "Do strips work?\nBriefly."} {
		if !strings.Contains(string(d.HTML), w) {
			t.Errorf("body lost %q:\n%s", w, d.HTML)
		}
	}
	if !strings.Contains(d.Text, "Can pores shrink? Not really.") {
		t.Errorf("Text lost the FAQ: %q", d.Text)
	}
}

func TestFAQTitle(t *testing.T) {
	for title, want := range map[string]bool{
		"FAQ": true, "faq": true, "FAQs": true, "Frequently Asked Questions": true,
		"frequently-asked questions": true, "Common questions": true,
		"Common questions about acne scars": true, "FAQ: sunscreen": true, "FAQs (2025)": true,
		"Questions": false, "Uncommon questions": false, "Frequently asked": false,
		"FAQtory tour": false, "Our FAQ": false,
	} {
		if got := reFAQTitle.MatchString(title); got != want {
			t.Errorf("FAQ title %q: match = %v, want %v", title, got, want)
		}
	}
}
