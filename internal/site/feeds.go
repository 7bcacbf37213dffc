package site

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

const ctypeXML = "application/xml; charset=utf-8"

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemap lists the home page, the doctors and every live article.
func (s *Site) sitemap(ctx context.Context, r req) (result, error) {
	es, err := s.live.Sitemap(ctx, r.clinic.ID)
	if err != nil {
		return result{}, err
	}
	ms, err := s.clinics.Members(ctx, r.clinic.ID, "doctor")
	if err != nil {
		return result{}, err
	}
	set := urlset{URLs: make([]sitemapURL, 0, len(es)+len(ms)+2)}
	var newest time.Time
	for _, e := range es {
		newest = maxTime(newest, e.UpdatedAt)
	}
	home := sitemapURL{Loc: r.base + "/"}
	if !newest.IsZero() {
		home.LastMod = newest.Format(time.DateOnly)
	}
	set.URLs = append(set.URLs, home, sitemapURL{Loc: r.base + "/doctors"})
	for _, m := range ms {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.doctorURL(r, m.Name, m.UserID)})
	}
	for _, e := range es {
		set.URLs = append(set.URLs, sitemapURL{Loc: r.base + "/articles/" + url.PathEscape(e.Slug), LastMod: e.UpdatedAt.Format(time.DateOnly)})
	}
	return xmlResult(set, ctypeXML)
}

func xmlResult(v any, ctype string) (result, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return result{}, err
	}
	b.WriteByte('\n')
	return result{status: fiber.StatusOK, ctype: ctype, cacheControl: ccPublic, body: b.Bytes(), cacheable: true}, nil
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title       string       `xml:"title"`
	ID          string       `xml:"id"`
	Link        atomLink     `xml:"link"`
	Updated     string       `xml:"updated"`
	Published   string       `xml:"published"`
	Author      atomPerson   `xml:"author"`
	Contributor []atomPerson `xml:"contributor,omitempty"`
	Summary     atomText     `xml:"summary"`
	Categories  []atomCat    `xml:"category,omitempty"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

// feed is the Atom feed of the 20 newest live articles.
func (s *Site) feed(ctx context.Context, r req) (result, error) {
	cs, _, err := s.live.Latest(ctx, r.clinic.ID, nil, pageSize)
	if err != nil {
		return result{}, err
	}
	f := atomFeed{Title: r.clinic.Name, Subtitle: r.clinic.Branding.Tagline, ID: r.base + "/",
		Links:  []atomLink{{Href: r.base + "/feed.xml", Rel: "self", Type: "application/atom+xml"}, {Href: r.base + "/", Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: r.clinic.Name}}
	var updated time.Time
	for _, c := range cs {
		u := r.base + "/articles/" + url.PathEscape(c.Slug)
		e := atomEntry{Title: c.Title, ID: u, Link: atomLink{Href: u, Rel: "alternate", Type: "text/html"},
			Updated: c.UpdatedAt.Format(time.RFC3339), Published: c.PublishedAt.Format(time.RFC3339),
			Author: atomPerson{Name: c.AuthorName}, Summary: atomText{Type: "text", Body: c.Summary}}
		if c.ReviewerName != "" {
			e.Contributor = []atomPerson{{Name: "Dr " + c.ReviewerName + " (medical reviewer)"}}
		}
		for _, t := range c.Tags {
			e.Categories = append(e.Categories, atomCat{Term: t})
		}
		f.Entries = append(f.Entries, e)
		updated = maxTime(updated, c.UpdatedAt)
	}
	if updated.IsZero() {
		updated = r.clinic.UpdatedAt
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	return xmlResult(f, "application/atom+xml; charset=utf-8")
}

// robots allows everything but previews and names the sitemap.
func (s *Site) robots(r req) result {
	body := "User-agent: *\nDisallow: " + r.prefix + "/preview/\nAllow: /\n\nSitemap: " + r.base + "/sitemap.xml\n"
	return result{status: fiber.StatusOK, ctype: fiber.MIMETextPlainCharsetUTF8, cacheControl: ccPublic, body: []byte(body), cacheable: true}
}
