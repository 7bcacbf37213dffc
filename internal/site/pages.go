package site

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/present"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// pageSize is the number of articles on a home, tag or doctor page.
const pageSize = 20

// maxReviewed is the number of reviewed articles a doctor's page lists
// (the theme's doctor page has no pager; older ones are on the home and
// tag pages).
const maxReviewed = 50

// route builds the response for r.
func (s *Site) route(ctx context.Context, r req) (result, error) {
	p := r.path
	switch {
	case p == "/" && wpQuery(r):
		return s.fallback(ctx, r)
	case p == "/":
		return s.home(ctx, r)
	case strings.HasPrefix(p, "/articles/"):
		slug, ok := segment(p, "/articles/")
		if !ok {
			return s.notFound(r)
		}
		return s.articlePage(ctx, r, slug)
	case strings.HasPrefix(p, "/tags/"):
		tag, ok := segment(p, "/tags/")
		if !ok {
			return s.notFound(r)
		}
		return s.tagPage(ctx, r, tag)
	case p == "/doctors" || p == "/doctors/":
		return s.doctorsPage(ctx, r)
	case strings.HasPrefix(p, "/doctors/"):
		slug, ok := segment(p, "/doctors/")
		if !ok {
			return s.notFound(r)
		}
		return s.doctorPage(ctx, r, slug)
	case p == "/search":
		return s.searchPage(ctx, r)
	case p == "/sitemap.xml":
		return s.sitemap(ctx, r)
	case p == "/feed.xml":
		return s.feed(ctx, r)
	case p == "/robots.txt":
		return s.robots(r), nil
	case strings.HasPrefix(p, "/preview/"):
		tok, ok := segment(p, "/preview/")
		if !ok {
			return s.notFound(r)
		}
		return s.previewPage(ctx, r, tok)
	}
	return s.fallback(ctx, r)
}

// segment returns the one unescaped path segment after prefix.
func segment(p, prefix string) (string, bool) {
	raw := strings.TrimPrefix(p, prefix)
	if raw == "" || strings.Contains(raw, "/") || len(raw) > 300 {
		return "", false
	}
	v, err := url.PathUnescape(raw)
	if err != nil || v == "" {
		return "", false
	}
	return v, true
}

func (s *Site) view(r req, current string) *theme.View {
	return &theme.View{Site: present.Site(r.clinic, r.base), Nav: present.Nav(r.base, current)}
}

// html renders page with the clinic's theme into a cacheable 200 result.
func (s *Site) html(r req, page string, v *theme.View, status int) (result, error) {
	var b bytes.Buffer
	b.Grow(32 << 10)
	name := r.clinic.Theme
	if err := s.themes.Validate(name); err != nil {
		name = theme.DefaultTheme // a theme removed from disk since it was chosen
	}
	if err := s.themes.Render(&b, name, page, v); err != nil {
		return result{}, err
	}
	return result{status: status, ctype: fiber.MIMETextHTMLCharsetUTF8, cacheControl: ccPublic, body: b.Bytes(),
		cacheable: status == fiber.StatusOK}, nil
}

// notFound is the theme's 404 page; it is not cached (any path can ask).
func (s *Site) notFound(r req) (result, error) {
	v := s.view(r, "")
	v.Page = theme.Page{Title: "Page not found", Description: "The page you asked for is not on this site.", NoIndex: true}
	res, err := s.html(r, theme.PageNotFound, v, fiber.StatusNotFound)
	res.cacheControl = ccShort
	return res, err
}

func (s *Site) tagURL(r req, tag string) string { return present.TagURL(r.base, tag) }

func (s *Site) cards(r req, cs []live.Card) []theme.ArticleCard {
	out := make([]theme.ArticleCard, len(cs))
	for i, c := range cs {
		out[i] = theme.ArticleCard{Title: c.Title, URL: present.ArticleURL(r.base, c.Slug), Summary: c.Summary,
			PublishedAt: c.PublishedAt, ReviewerName: c.ReviewerName, Tags: present.Tags(r.base, c.Tags)}
	}
	return out
}

// cursorParam reads ?before=; ok is false for a malformed cursor.
func cursorParam(r req) (*live.Cursor, bool) {
	raw := r.query.Get("before")
	if raw == "" {
		return nil, true
	}
	c, ok := live.ParseCursor(raw)
	if !ok {
		return nil, false
	}
	return &c, true
}

// pager sets the list's links: older articles by cursor, newer by going
// back to the first page (keyset pages only run forwards).
func pager(l *theme.ListView, self string, before *live.Cursor, next *live.Cursor) {
	if next != nil {
		l.NextURL = self + "?before=" + next.String()
	}
	if before != nil {
		l.PrevURL = self
	}
}

func pageURL(self string, before *live.Cursor) string {
	if before == nil {
		return self
	}
	return self + "?before=" + before.String()
}

func (s *Site) home(ctx context.Context, r req) (result, error) {
	before, ok := cursorParam(r)
	if !ok {
		return s.notFound(r)
	}
	cs, next, err := s.live.Latest(ctx, r.clinic.ID, before, pageSize)
	if err != nil {
		return result{}, err
	}
	v := s.view(r, "Articles")
	v.List = &theme.ListView{Heading: "Health articles reviewed by our doctors",
		Intro:    "Every article on this site is checked by one of our doctors before it is published.",
		Articles: s.cards(r, cs)}
	if before != nil {
		v.List.Heading = "Older health articles"
	}
	pager(v.List, r.base+"/", before, next)
	v.Page = theme.Page{Title: r.clinic.Name, Description: r.clinic.Branding.Tagline, Canonical: pageURL(r.base+"/", before),
		JSONLD: theme.SiteJSONLD(v.Site)}
	return s.html(r, theme.PageHome, v, fiber.StatusOK)
}

func (s *Site) tagPage(ctx context.Context, r req, tag string) (result, error) {
	before, ok := cursorParam(r)
	if !ok {
		return s.notFound(r)
	}
	cs, next, err := s.live.Tagged(ctx, r.clinic.ID, tag, before, pageSize)
	if err != nil {
		return result{}, err
	}
	if len(cs) == 0 && before == nil {
		return s.notFound(r)
	}
	v := s.view(r, "")
	self := s.tagURL(r, tag)
	v.List = &theme.ListView{Heading: "Articles about " + tag, Articles: s.cards(r, cs)}
	pager(v.List, self, before, next)
	v.Page = theme.Page{Title: "Articles about " + tag, Description: "Doctor-reviewed articles about " + tag + " from " + r.clinic.Name + ".",
		Canonical: pageURL(self, before)}
	return s.html(r, theme.PageTag, v, fiber.StatusOK)
}

// doctorSlug is the stable URL slug of a doctor: name and user id.
func doctorSlug(name string, id int64) string {
	s := article.Slugify(name)
	if s == "" {
		s = "dr"
	}
	return s + "-" + strconv.FormatInt(id, 10)
}

// doctorID reads the user id at the end of a doctor slug.
func doctorID(slug string) (int64, bool) {
	i := strings.LastIndexByte(slug, '-')
	id, err := strconv.ParseInt(slug[i+1:], 10, 64)
	return id, err == nil && id > 0
}

func (s *Site) doctorURL(r req, name string, id int64) string {
	return r.base + "/doctors/" + doctorSlug(name, id)
}

func (s *Site) doctorsPage(ctx context.Context, r req) (result, error) {
	ms, err := s.clinics.Members(ctx, r.clinic.ID, "doctor")
	if err != nil {
		return result{}, err
	}
	v := s.view(r, "Our doctors")
	for _, m := range ms {
		v.Doctors = append(v.Doctors, theme.DoctorView{Name: m.Name, URL: s.doctorURL(r, m.Name, m.UserID),
			Specialty: m.Specialty, RegistrationNumber: m.RegistrationNumber})
	}
	v.Page = theme.Page{Title: "Our doctors", Description: "The doctors who medically review the health articles of " + r.clinic.Name + ".",
		Canonical: r.base + "/doctors"}
	res, err := s.html(r, theme.PageDoctors, v, fiber.StatusOK)
	if errors.Is(err, theme.ErrUnknownPage) {
		return s.notFound(r) // the doctors page is optional in a theme
	}
	return res, err
}

func (s *Site) doctorPage(ctx context.Context, r req, slug string) (result, error) {
	id, ok := doctorID(slug)
	if !ok {
		return s.notFound(r)
	}
	ms, err := s.clinics.Members(ctx, r.clinic.ID, "doctor")
	if err != nil {
		return result{}, err
	}
	var m *clinic.MemberView
	for i := range ms {
		if ms[i].UserID == id {
			m = &ms[i]
		}
	}
	if m == nil {
		return s.notFound(r)
	}
	self := s.doctorURL(r, m.Name, m.UserID)
	if want := doctorSlug(m.Name, m.UserID); want != slug {
		return result{status: fiber.StatusMovedPermanently, location: self}, nil
	}
	cs, _, err := s.live.ReviewedBy(ctx, r.clinic.ID, m.UserID, nil, maxReviewed)
	if err != nil {
		return result{}, err
	}
	v := s.view(r, "")
	v.Doctor = &theme.DoctorView{Name: m.Name, URL: self, Specialty: m.Specialty, RegistrationNumber: m.RegistrationNumber,
		Reviewed: s.cards(r, cs)}
	title := "Dr " + m.Name
	if m.Specialty != "" {
		title += ", " + m.Specialty
	}
	v.Page = theme.Page{Title: title, Description: "Profile of Dr " + m.Name + " of " + r.clinic.Name + " and the articles they have medically reviewed.",
		Canonical: self, OGType: "profile"}
	return s.html(r, theme.PageDoctor, v, fiber.StatusOK)
}

func (s *Site) searchPage(ctx context.Context, r req) (result, error) {
	q := strings.TrimSpace(r.query.Get("q"))
	if len([]rune(q)) > live.MaxQueryRunes {
		q = string([]rune(q)[:live.MaxQueryRunes])
	}
	v := s.view(r, "Search")
	v.Search = &theme.SearchView{Query: q}
	v.Page = theme.Page{Title: "Search", Description: "Search the doctor-reviewed health articles of " + r.clinic.Name + ".",
		Canonical: r.base + "/search"}
	if q != "" {
		cs, total, err := s.live.Search(ctx, r.clinic.ID, q)
		if err != nil {
			return result{}, err
		}
		v.Search.Results, v.Search.Total = s.cards(r, cs), total
		// Result pages stay indexable (Lighthouse counts noindex against a
		// page); their canonical URL is the bare search page.
		v.Page.Title = "Search results for " + q
	}
	res, err := s.html(r, theme.PageSearch, v, fiber.StatusOK)
	// Search results are not kept in the page cache: any query can be
	// asked, and caching them would let anyone flush the useful pages.
	res.cacheable = q == ""
	if q != "" {
		res.cacheControl = ccShort
	}
	return res, err
}

// articlePage renders a live article (present.ArticleView) with its JSON-LD.
func (s *Site) articlePage(ctx context.Context, r req, slug string) (result, error) {
	a, err := s.live.Article(ctx, r.clinic.ID, slug)
	if errors.Is(err, live.ErrNotFound) {
		return s.articleMissing(ctx, r, slug)
	}
	if err != nil {
		return result{}, err
	}
	// Safe, not Markdown: one bad paragraph must not turn a live page
	// into a 500 (issue 9).
	doc := s.md.Safe(a.Body)
	v := s.view(r, "")
	profile := ""
	if a.ReviewerListed {
		profile = s.doctorURL(r, a.ReviewerName, a.ReviewerID)
	}
	av := present.ArticleView(r.base, present.FromLive(a, s.now(), profile), doc)
	// The FAQ stays in the body where the writer put it; it is described
	// once more only in the FAQPage JSON-LD, not shown twice.
	v.Article = av
	// An overdue re-review shows a notice; under the "noindex" policy the
	// page also leaves search engines until a doctor re-reviews it.
	v.Page = theme.Page{Title: a.Title, Description: a.Summary, Canonical: av.URL, OGType: "article",
		NoIndex: av.ReviewOverdue && r.clinic.OverduePolicy == "noindex", JSONLD: theme.ArticleJSONLD(v.Site, av, doc.FAQ)}
	return s.html(r, theme.PageArticle, v, fiber.StatusOK)
}

// absURL makes a root-relative URL absolute on the request's origin.
func absURL(r req, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return strings.TrimSuffix(r.base, r.prefix) + u
	}
	return u
}

// date helpers shared by the feeds.
func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
