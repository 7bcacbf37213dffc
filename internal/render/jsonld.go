package render

import (
	"encoding/json"
	"html/template"
	"time"
)

// Person is a named person in JSON-LD: an article's author or its medical
// reviewer.
type Person struct {
	Name       string // display name, e.g. "Dr Ana Ruiz"
	Identifier string // professional registration number
	Specialty  string // medical specialty, e.g. "Dermatology"
	URL        string // the person's profile page
}

// Organization is the clinic that publishes a page.
type Organization struct {
	Name      string // the clinic's public name
	URL       string // its home page
	Logo      string // absolute URL of the logo image
	Telephone string // as it should be dialled, e.g. "+44 20 7946 0000"
	Email     string // public contact address
}

// MedicalPage is what MedicalWebPageJSONLD needs to describe one article page.
type MedicalPage struct {
	URL           string
	Headline      string
	Description   string
	Author        Person
	ReviewedBy    Person
	LastReviewed  time.Time // written as a date (2006-01-02)
	DatePublished time.Time // written as RFC 3339
	DateModified  time.Time // written as RFC 3339
	Publisher     Organization
	InLanguage    string // BCP 47, e.g. "en-GB"
	Keywords      []string
}

const schemaContext = "https://schema.org"

type ldPerson struct {
	Type             string `json:"@type"`
	Name             string `json:"name"`
	Identifier       string `json:"identifier,omitempty"`
	MedicalSpecialty string `json:"medicalSpecialty,omitempty"`
	URL              string `json:"url,omitempty"`
}

type ldOrganization struct {
	Type      string `json:"@type"`
	Name      string `json:"name"`
	URL       string `json:"url,omitempty"`
	Logo      string `json:"logo,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	Email     string `json:"email,omitempty"`
}

type ldRef struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

type ldMedicalWebPage struct {
	Context          string          `json:"@context"`
	Type             string          `json:"@type"`
	ID               string          `json:"@id,omitempty"`
	URL              string          `json:"url,omitempty"`
	MainEntityOfPage *ldRef          `json:"mainEntityOfPage,omitempty"`
	Headline         string          `json:"headline,omitempty"`
	Name             string          `json:"name,omitempty"`
	Description      string          `json:"description,omitempty"`
	InLanguage       string          `json:"inLanguage,omitempty"`
	Keywords         []string        `json:"keywords,omitempty"`
	Author           *ldPerson       `json:"author,omitempty"`
	ReviewedBy       *ldPerson       `json:"reviewedBy,omitempty"`
	LastReviewed     string          `json:"lastReviewed,omitempty"`
	DatePublished    string          `json:"datePublished,omitempty"`
	DateModified     string          `json:"dateModified,omitempty"`
	Publisher        *ldOrganization `json:"publisher,omitempty"`
}

type ldAnswer struct {
	Type string `json:"@type"`
	Text string `json:"text"`
}

type ldQuestion struct {
	Type           string   `json:"@type"`
	Name           string   `json:"name"`
	AcceptedAnswer ldAnswer `json:"acceptedAnswer"`
}

type ldFAQPage struct {
	Context    string       `json:"@context"`
	Type       string       `json:"@type"`
	ID         string       `json:"@id,omitempty"`
	URL        string       `json:"url,omitempty"`
	MainEntity []ldQuestion `json:"mainEntity"`
}

// MedicalWebPageJSONLD returns a schema.org MedicalWebPage for p, ready to
// be the whole content of <script type="application/ld+json">. The reviewer
// carries the registration number as identifier and the specialty as
// medicalSpecialty; the publisher is a MedicalOrganization. Empty fields and
// zero times are left out. Every <, > and & is written as a \u escape, so no
// value can close the script element.
func MedicalWebPageJSONLD(p MedicalPage) template.JS {
	page := ldMedicalWebPage{
		Context:       schemaContext,
		Type:          "MedicalWebPage",
		ID:            p.URL,
		URL:           p.URL,
		Headline:      p.Headline,
		Name:          p.Headline,
		Description:   p.Description,
		InLanguage:    p.InLanguage,
		Keywords:      nonEmpty(p.Keywords),
		Author:        ldPersonOf(p.Author),
		ReviewedBy:    ldPersonOf(p.ReviewedBy),
		LastReviewed:  isoDate(p.LastReviewed),
		DatePublished: isoDateTime(p.DatePublished),
		DateModified:  isoDateTime(p.DateModified),
	}
	if p.URL != "" {
		page.MainEntityOfPage = &ldRef{Type: "WebPage", ID: p.URL}
	}
	if p.Publisher.Name != "" {
		page.Publisher = &ldOrganization{
			Type:      "MedicalOrganization",
			Name:      p.Publisher.Name,
			URL:       p.Publisher.URL,
			Logo:      p.Publisher.Logo,
			Telephone: p.Publisher.Telephone,
			Email:     p.Publisher.Email,
		}
	}
	return marshalJS(page)
}

// FAQPageJSONLD returns a schema.org FAQPage whose mainEntity lists each
// question with its plain-text answer. It returns "" when no pair has both a
// question and an answer; callers then omit the script element, because an
// FAQPage without questions is invalid. Escaping is as for
// MedicalWebPageJSONLD.
func FAQPageJSONLD(url string, faq []QA) template.JS {
	page := ldFAQPage{Context: schemaContext, Type: "FAQPage", URL: url}
	if url != "" {
		page.ID = url + "#faq"
	}
	for _, qa := range faq {
		if qa.Question == "" || qa.AnswerText == "" {
			continue
		}
		page.MainEntity = append(page.MainEntity, ldQuestion{
			Type:           "Question",
			Name:           qa.Question,
			AcceptedAnswer: ldAnswer{Type: "Answer", Text: qa.AnswerText},
		})
	}
	if len(page.MainEntity) == 0 {
		return ""
	}
	return marshalJS(page)
}

// marshalJS encodes v. encoding/json escapes <, >, &, U+2028 and U+2029, which
// is what makes the result safe inside a script element.
func marshalJS(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings, slices and pointers to such structs are encoded;
		// Marshal cannot fail on them.
		return ""
	}
	return template.JS(b)
}

func ldPersonOf(p Person) *ldPerson {
	if p.Name == "" {
		return nil
	}
	return &ldPerson{
		Type:             "Person",
		Name:             p.Name,
		Identifier:       p.Identifier,
		MedicalSpecialty: p.Specialty,
		URL:              p.URL,
	}
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func isoDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
