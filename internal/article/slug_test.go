package article

import "testing"

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Are large pores permanent?":    "are-large-pores-permanent",
		"Café au lait spots, explained": "cafe-au-lait-spots-explained",
		"毛孔粗大是永久的吗？":                    "毛孔粗大是永久的吗",
		"激光治疗 FAQ 2026":                 "激光治疗-faq-2026",
		"Soalan Lazim tentang jerawat":  "soalan-lazim-tentang-jerawat",
		"முகப்பரு பற்றிய கேள்விகள்": "முகப்பரு-பற்றிய-கேள்விகள்",
		"  --  ": "",
	} {
		got := Slugify(in)
		if got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", in, got)
		}
	}
	for _, bad := range []string{"Upper", "a", "two--hyphens", "-lead", "trail-", "with space", "slash/x", "e\u0301cafe" /* not NFC */, "<script>"} {
		if ValidSlug(bad) {
			t.Errorf("ValidSlug(%q) = true", bad)
		}
	}
}
