package compliance

import (
	"fmt"
	"strings"
	"testing"
)

// articleSections are paragraphs of a long patient-education article about
// acne scars and pigmentation, in the shape writers produce: headings, lists,
// links, images, the odd promotional slip.
var articleSections = []string{
	"Acne scars form when inflammation damages the deeper layers of the skin. As the wound heals, the body lays down collagen unevenly, which leaves either a depression or a raised mark. The type of scar you have shapes which treatments are worth considering, so your doctor will usually start by examining your skin under good light and asking how long the scars have been there.",
	"- **Ice-pick scars** are narrow and deep, like a puncture.\n- **Boxcar scars** are broader with sharp edges.\n- **Rolling scars** give the skin a wavy look because bands of tissue tether it to deeper structures.\n- **Hypertrophic scars** are raised and more common on the chest and back.",
	"Fractional lasers work by creating tiny columns of controlled injury, leaving bridges of untouched skin in between so that healing is quicker. Most people need several sessions spaced four to six weeks apart, and improvement continues for months as new collagen matures. Redness and swelling are common for a few days, and darker skin types carry a higher risk of temporary pigmentation, which is why settings are adjusted carefully.",
	"![Diagram of a fractional laser creating micro-columns in the skin](/media/fractional-diagram.png \"How fractional lasers work\")\n\nThe diagram above shows how energy is delivered in a grid pattern. You can read more about laser safety on the [HealthHub page](https://www.healthhub.sg/a-z/medical-and-care-facilities/laser-safety) or in our own [aftercare guide](/articles/laser-aftercare).",
	"Subcision is a minor procedure in which a fine needle is passed under a rolling scar to release the fibrous bands that pull it down. It is often combined with fillers or lasers. Bruising is expected and usually settles within one to two weeks. It is not painless for everyone, so a local anaesthetic is used.",
	"Pigmentation after acne, called post-inflammatory hyperpigmentation, is not a true scar and often fades on its own over months. Sunscreen, gentle skincare and sometimes prescription creams speed this up. Laser toning with low energy over several sessions can help, but results are not guaranteed and pigment may return with sun exposure.",
	"Chemical peels use acids such as glycolic or salicylic acid to remove the outer layers of skin. Superficial peels have little downtime, while medium-depth peels cause peeling for about a week. Your doctor will ask about medications like isotretinoin, which must be stopped well before a peel.",
	"Before any procedure, tell your doctor about cold sores, keloid scarring, pregnancy and any blood-thinning medicines. Ask how many similar procedures the doctor performs, what the realistic outcome is for your skin type, and what happens if you are unhappy with the result. A good consultation should leave you with written information to take home.",
	"Some advertisements promise instant results; be cautious. Our clinic offers the most advanced laser in town, and many patients enjoy our treatment packages. Treatment fees are listed at reception and explained during the consultation.",
	"Hyaluronic acid fillers can lift depressed scars for six to twelve months. They can be dissolved with an enzyme if needed. There is a small risk of a filler blocking a blood vessel, which needs urgent treatment; doctors trained in managing this complication keep the enzyme on hand.",
	"```\nSession log: laser 1064 nm, 2 J/cm2, best settings for type IV skin\n```\n\nThe settings above are an example only. Energy, spot size and the number of passes are tailored to you at each visit, and recorded in your notes.",
	"| Treatment | Sessions | Downtime |\n|---|---|---|\n| Fractional laser | 3 to 5 | 3 to 5 days |\n| Subcision | 1 to 3 | 1 to 2 weeks |\n| Chemical peel | 3 to 6 | 0 to 7 days |",
}

func benchArticle(words int) string {
	var b strings.Builder
	n := 0
	for i := 0; n < words; i++ {
		fmt.Fprintf(&b, "## Part %d\n\n", i+1)
		s := articleSections[i%len(articleSections)]
		b.WriteString(s)
		b.WriteString("\n\n")
		n += len(strings.Fields(s)) + 3
	}
	return b.String()
}

func TestBenchArticleIsRealistic(t *testing.T) {
	a := benchArticle(5000)
	if n := len(strings.Fields(a)); n < 5000 || n > 5300 {
		t.Fatalf("article has %d words", n)
	}
	fs := Check(Input{Body: a}, Config{Packs: []string{"sg-healthcare-ads"}, LinkAllowlist: []string{"ourclinic.sg", "healthhub.sg"}})
	rules := map[string]int{}
	for _, f := range fs {
		rules[f.Rule]++
		if a[f.Start:f.End] != f.Match {
			t.Fatalf("bad offsets %+v", f)
		}
	}
	// The promotional paragraph is flagged every time it appears; nothing else is.
	if rules[RuleLaudatory] == 0 || rules[RuleInducement] == 0 || len(rules) != 2 {
		t.Errorf("findings by rule: %v", rules)
	}
}

// BenchmarkCheck5000Words checks a realistic 5,000-word Markdown article with
// the Singapore pack and an allowlist.
func BenchmarkCheck5000Words(b *testing.B) {
	in := Input{Title: "Acne scars and pigmentation: what treatment can and cannot do", Summary: "A doctor's guide to acne scar treatments.", Body: benchArticle(5000)}
	cfg := Config{Packs: []string{"sg-healthcare-ads"}, LinkAllowlist: []string{"ourclinic.sg", "healthhub.sg"}}
	b.SetBytes(int64(len(in.Body)))
	b.ReportAllocs()
	for b.Loop() {
		Check(in, cfg)
	}
}
