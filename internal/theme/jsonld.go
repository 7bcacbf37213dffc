package theme

import (
	"bytes"
	"encoding/json"
	"html"
	"html/template"
	"strings"

	"github.com/clinicpress/clinicpress/internal/render"
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

// ArticleJSONLD describes a as a schema.org MedicalWebPage reviewed by its
// doctor and published by the clinic, followed by an FAQPage when a has
// questions (faq, the pairs render extracted from the body), using the
// render package's builders. Put the result in Page.JSONLD.
func ArticleJSONLD(site Site, a *ArticleView, faq []render.QA) []template.JS {
	kw := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		kw[i] = t.Name
	}
	page := render.MedicalPage{
		URL: absolute(site, a.URL), Headline: a.Title, Description: a.Summary, InLanguage: orDefault(site.Lang, "en"),
		Author: render.Person{Name: a.Author.Name},
		ReviewedBy: render.Person{Name: "Dr " + a.Reviewer.Name, Identifier: a.Reviewer.RegistrationNumber,
			Specialty: a.Reviewer.Specialty, URL: absolute(site, a.Reviewer.ProfileURL)},
		LastReviewed: a.ReviewedOn, DatePublished: a.PublishedAt, DateModified: a.ModifiedAt,
		Publisher: render.Organization{Name: site.Name, URL: site.BaseURL + "/", Logo: absolute(site, site.LogoURL), Telephone: site.Phone, Email: site.Email},
		Keywords:  kw,
	}
	out := []template.JS{render.MedicalWebPageJSONLD(page)}
	if js := render.FAQPageJSONLD(page.URL, faq); js != "" {
		out = append(out, js)
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
