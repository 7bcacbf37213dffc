package render

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"
	"testing"
	"time"
)

func samplePage() MedicalPage {
	return MedicalPage{
		URL:         "https://derm.example/articles/acne-scars",
		Headline:    "Acne scars: what helps and what does not",
		Description: "How dermatologists treat pitted and raised acne scars.",
		Author:      Person{Name: "Sam Writer", URL: "https://derm.example/people/sam"},
		ReviewedBy: Person{
			Name:       "Dr Ana Ruiz",
			Identifier: "GMC 7654321",
			Specialty:  "Dermatology",
			URL:        "https://derm.example/doctors/ana-ruiz",
		},
		LastReviewed:  time.Date(2025, 3, 14, 16, 30, 0, 0, time.UTC),
		DatePublished: time.Date(2024, 11, 2, 9, 0, 0, 0, time.UTC),
		DateModified:  time.Date(2025, 3, 15, 8, 5, 0, 0, time.FixedZone("CET", 3600)),
		Publisher: Organization{
			Name:      "Riverside Skin Clinic",
			URL:       "https://derm.example/",
			Logo:      "https://derm.example/logo.png",
			Telephone: "+44 20 7946 0000",
			Email:     "hello@derm.example",
		},
		InLanguage: "en-GB",
		Keywords:   []string{"acne scars", "", "laser"},
	}
}

func unmarshalObject(t *testing.T, js template.JS) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, js)
	}
	return m
}

func wantFields(t *testing.T, where string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: field %q missing", where, k)
			continue
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s.%s = %s, want %s", where, k, gj, wj)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected field %q = %v", where, k, got[k])
		}
	}
}

func TestMedicalWebPageJSONLD(t *testing.T) {
	m := unmarshalObject(t, MedicalWebPageJSONLD(samplePage()))
	wantFields(t, "page", m, map[string]any{
		"@context":         "https://schema.org",
		"@type":            "MedicalWebPage",
		"@id":              "https://derm.example/articles/acne-scars",
		"url":              "https://derm.example/articles/acne-scars",
		"mainEntityOfPage": map[string]any{"@type": "WebPage", "@id": "https://derm.example/articles/acne-scars"},
		"headline":         "Acne scars: what helps and what does not",
		"name":             "Acne scars: what helps and what does not",
		"description":      "How dermatologists treat pitted and raised acne scars.",
		"inLanguage":       "en-GB",
		"keywords":         []any{"acne scars", "laser"},
		"author":           map[string]any{"@type": "Person", "name": "Sam Writer", "url": "https://derm.example/people/sam"},
		"reviewedBy": map[string]any{
			"@type":            "Person",
			"name":             "Dr Ana Ruiz",
			"identifier":       "GMC 7654321",
			"medicalSpecialty": "Dermatology",
			"url":              "https://derm.example/doctors/ana-ruiz",
		},
		"lastReviewed":  "2025-03-14",
		"datePublished": "2024-11-02T09:00:00Z",
		"dateModified":  "2025-03-15T08:05:00+01:00",
		"publisher": map[string]any{
			"@type":     "MedicalOrganization",
			"name":      "Riverside Skin Clinic",
			"url":       "https://derm.example/",
			"logo":      "https://derm.example/logo.png",
			"telephone": "+44 20 7946 0000",
			"email":     "hello@derm.example",
		},
	})
}

func TestMedicalWebPageJSONLDOmitsEmpty(t *testing.T) {
	m := unmarshalObject(t, MedicalWebPageJSONLD(MedicalPage{Headline: "Pores"}))
	wantFields(t, "page", m, map[string]any{
		"@context": "https://schema.org",
		"@type":    "MedicalWebPage",
		"headline": "Pores",
		"name":     "Pores",
	})
}

const breakout = `</script><script>alert(1)</script><!--`

func TestJSONLDCannotCloseScript(t *testing.T) {
	p := samplePage()
	p.Headline = "Sunscreen " + breakout + " & more"
	p.ReviewedBy.Name = breakout
	p.Keywords = []string{breakout}
	faq := []QA{{Question: "Is " + breakout + "?", AnswerText: "No " + breakout + "\u2028 line"}}

	for name, js := range map[string]template.JS{
		"MedicalWebPage": MedicalWebPageJSONLD(p),
		"FAQPage":        FAQPageJSONLD("https://derm.example/a?x=1&y=</script>", faq),
	} {
		t.Run(name, func(t *testing.T) {
			if strings.ContainsAny(string(js), "<>&\u2028") {
				t.Fatalf("unescaped <, >, & or U+2028 in %s", js)
			}
			// Round trip: the value survives intact.
			m := unmarshalObject(t, js)
			if name == "MedicalWebPage" && m["headline"] != p.Headline {
				t.Errorf("headline = %q, want %q", m["headline"], p.Headline)
			}
			// In a real page: exactly one closing script tag, ours.
			tmpl := template.Must(template.New("p").Parse(`<head><script type="application/ld+json">{{.}}</script></head>`))
			var out strings.Builder
			if err := tmpl.Execute(&out, js); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(strings.ToLower(out.String()), "</script"); n != 1 {
				t.Errorf("%d closing script tags in %s", n, out.String())
			}
			if strings.Contains(out.String(), "<!--") {
				t.Errorf("comment opener in %s", out.String())
			}
		})
	}
}

func TestFAQPageJSONLD(t *testing.T) {
	d := mustRender(t, New(), "## FAQ\n\n- **Do pores open with steam?** No. Pores have no muscles, so heat cannot *open* them.\n- **Can I use sunscreen on scars?** Yes, it keeps them from darkening.\n- **Empty?**\n")
	js := FAQPageJSONLD("https://derm.example/articles/pores", d.FAQ)
	m := unmarshalObject(t, js)
	wantFields(t, "faq", m, map[string]any{
		"@context": "https://schema.org",
		"@type":    "FAQPage",
		"@id":      "https://derm.example/articles/pores#faq",
		"url":      "https://derm.example/articles/pores",
		"mainEntity": []any{
			map[string]any{
				"@type":          "Question",
				"name":           "Do pores open with steam?",
				"acceptedAnswer": map[string]any{"@type": "Answer", "text": "No. Pores have no muscles, so heat cannot open them."},
			},
			map[string]any{
				"@type":          "Question",
				"name":           "Can I use sunscreen on scars?",
				"acceptedAnswer": map[string]any{"@type": "Answer", "text": "Yes, it keeps them from darkening."},
			},
		},
	})
}

func TestFAQPageJSONLDEmpty(t *testing.T) {
	if js := FAQPageJSONLD("https://derm.example/a", nil); js != "" {
		t.Errorf("no questions gave %s, want empty", js)
	}
	if js := FAQPageJSONLD("https://derm.example/a", []QA{{Question: "Why?"}}); js != "" {
		t.Errorf("unanswered question gave %s, want empty", js)
	}
}
