package theme

import (
	"bytes"
	"encoding/json"
	"html"
	"html/template"
	"strings"
	"time"
)

// JSONLD marshals v for a <script type="application/ld+json"> element. The
// encoder escapes <, > and &, so no value can close the script element.
func JSONLD(v any) (template.JS, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // SetEscapeHTML is on by default
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return template.JS(bytes.TrimSpace(b.Bytes())), nil
}

type ldThing = map[string]any

// ArticleJSONLD describes a as a schema.org MedicalWebPage, reviewed by its
// doctor and published by the clinic, followed by an FAQPage when a has
// questions. Put the result in Page.JSONLD.
func ArticleJSONLD(site Site, a *ArticleView) []template.JS {
	page := ldThing{
		"@context":      "https://schema.org",
		"@type":         "MedicalWebPage",
		"headline":      a.Title,
		"name":          a.Title,
		"description":   a.Summary,
		"url":           absolute(site, a.URL),
		"inLanguage":    orDefault(site.Lang, "en"),
		"author":        ldThing{"@type": "Person", "name": a.Author.Name},
		"publisher":     clinicLD(site),
		"datePublished": ldDate(a.PublishedAt),
	}
	if !a.ModifiedAt.IsZero() {
		page["dateModified"] = ldDate(a.ModifiedAt)
	}
	if !a.ReviewedOn.IsZero() {
		page["lastReviewed"] = ldDate(a.ReviewedOn)
	}
	if a.Reviewer.Name != "" {
		r := ldThing{"@type": "Person", "name": a.Reviewer.Name, "honorificPrefix": "Dr"}
		if a.Reviewer.ProfileURL != "" {
			r["url"] = absolute(site, a.Reviewer.ProfileURL)
		}
		if a.Reviewer.Specialty != "" {
			r["jobTitle"] = a.Reviewer.Specialty
		}
		page["reviewedBy"] = r
	}
	if len(a.Tags) > 0 {
		kw := make([]string, len(a.Tags))
		for i, t := range a.Tags {
			kw[i] = t.Name
		}
		page["keywords"] = strings.Join(kw, ", ")
	}
	out := []template.JS{mustJSONLD(page)}
	if len(a.FAQ) > 0 {
		qs := make([]ldThing, len(a.FAQ))
		for i, q := range a.FAQ {
			qs[i] = ldThing{
				"@type":          "Question",
				"name":           q.Question,
				"acceptedAnswer": ldThing{"@type": "Answer", "text": plainText(q.AnswerHTML)},
			}
		}
		out = append(out, mustJSONLD(ldThing{"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": qs}))
	}
	return out
}

// SiteJSONLD describes the clinic as a schema.org MedicalClinic, for the home page.
func SiteJSONLD(site Site) []template.JS {
	c := clinicLD(site)
	c["@context"] = "https://schema.org"
	if site.Tagline != "" {
		c["description"] = site.Tagline
	}
	return []template.JS{mustJSONLD(c)}
}

func clinicLD(site Site) ldThing {
	c := ldThing{"@type": "MedicalClinic", "name": site.Name, "url": site.BaseURL + "/"}
	if site.Phone != "" {
		c["telephone"] = site.Phone
	}
	if site.Email != "" {
		c["email"] = site.Email
	}
	if site.Address != "" {
		c["address"] = strings.Join(lines(site.Address), ", ")
	}
	return c
}

// mustJSONLD encodes maps of strings, which cannot fail.
func mustJSONLD(v any) template.JS {
	js, err := JSONLD(v)
	if err != nil {
		panic(err)
	}
	return js
}

func ldDate(t time.Time) string { return t.Format("2006-01-02") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// absolute prefixes root-relative URLs with the site's base URL.
func absolute(site Site, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return site.BaseURL + u
	}
	return u
}

// plainText drops the tags of sanitised HTML and decodes its entities.
func plainText(h template.HTML) string {
	var b strings.Builder
	in := false
	for _, r := range string(h) {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}
