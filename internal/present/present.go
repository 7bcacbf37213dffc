// Package present owns the public article presenter: the one place that
// turns a revision into the theme's ArticleView. The public site, the
// preview link page and the admin's theme preview all build their article
// page here, so a reader, a preview recipient and the writer see the same
// article for the same revision.
package present

import (
	"net/url"
	"time"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/render"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// Article is one revision as the public article page shows it.
type Article struct {
	Slug          string
	Title         string
	Summary       string
	Tags          []string
	AuthorName    string
	Reviewer      *theme.Reviewer // nil: not (or no longer) reviewed; no reviewed-by line
	ReviewedOn    time.Time       // the approval's date, with Reviewer
	PublishedAt   time.Time       // first publication; zero for a preview
	ModifiedAt    time.Time       // last content change; zero hides it
	ReviewOverdue bool            // the re-review date has passed
}

// ArticleURL is the public URL of the article slug under the site's base.
func ArticleURL(base, slug string) string { return base + "/articles/" + url.PathEscape(slug) }

// TagURL is the public URL of a tag's listing under the site's base.
func TagURL(base, tag string) string { return base + "/tags/" + url.PathEscape(tag) }

// Tags links each tag to its listing under base.
func Tags(base string, ts []string) []theme.Tag {
	out := make([]theme.Tag, len(ts))
	for i, t := range ts {
		out[i] = theme.Tag{Name: t, URL: TagURL(base, t)}
	}
	return out
}

// Headings is the table of contents of a rendered body (h2 and h3).
func Headings(hs []render.Heading) []theme.Heading {
	var out []theme.Heading
	for _, h := range hs {
		if h.Level <= 3 {
			out = append(out, theme.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
		}
	}
	return out
}

// ArticleView builds the theme's view of a, whose body doc is already
// rendered, on the site at base.
func ArticleView(base string, a Article, doc render.Document) *theme.ArticleView {
	av := &theme.ArticleView{Slug: a.Slug, URL: ArticleURL(base, a.Slug), Title: a.Title, Summary: a.Summary,
		BodyHTML: doc.HTML, Headings: Headings(doc.Headings), Tags: Tags(base, a.Tags),
		Author: theme.Person{Name: a.AuthorName}, PublishedAt: a.PublishedAt, ModifiedAt: a.ModifiedAt,
		ReviewOverdue: a.ReviewOverdue, ReadingMinutes: (doc.Words + 199) / 200}
	if a.Reviewer != nil {
		av.Reviewer, av.ReviewedOn = *a.Reviewer, a.ReviewedOn
	}
	return av
}

// reviewer is the byline of an approval.
func reviewer(r *article.Review) (*theme.Reviewer, time.Time) {
	if r == nil {
		return nil, time.Time{}
	}
	return &theme.Reviewer{Name: r.DoctorName, Specialty: r.Specialty, RegistrationNumber: r.RegistrationNumber}, r.CreatedAt
}

// FromLive is the live article a as the public site shows it at now;
// profileURL is the reviewer's profile page ("" when the doctor has none).
func FromLive(a live.Article, now time.Time, profileURL string) Article {
	out := Article{Slug: a.Slug, Title: a.Title, Summary: a.Summary, Tags: a.Tags, AuthorName: a.AuthorName,
		Reviewer:   &theme.Reviewer{Name: a.ReviewerName, Specialty: a.Specialty, RegistrationNumber: a.RegistrationNumber, ProfileURL: profileURL},
		ReviewedOn: a.ReviewedAt, PublishedAt: a.FirstPublishedAt, ReviewOverdue: now.After(a.ReviewDueAt)}
	if a.PublishedAt.After(a.FirstPublishedAt) {
		out.ModifiedAt = a.PublishedAt
	}
	return out
}

// FromPreview is the revision a preview link names (never published: no
// dates, the approval's byline only when that exact revision is approved).
func FromPreview(d live.Draft) Article {
	out := Article{Slug: d.Slug, Title: d.Title, Summary: d.Summary, Tags: d.Tags, AuthorName: d.AuthorName}
	out.Reviewer, out.ReviewedOn = reviewer(d.Approval)
	return out
}

// FromView is the current revision of an article as its editor sees it;
// the reviewer is shown only when that revision carries the approval.
func FromView(a article.View) Article {
	out := Article{Slug: a.Slug, Title: a.Current.Title, Summary: a.Current.Summary, Tags: a.Current.Tags, AuthorName: a.Current.AuthorName}
	if r := a.Approval; r != nil && r.RevisionNumber == a.CurrentRevision && r.ContentHash == a.Current.ContentHash {
		out.Reviewer, out.ReviewedOn = reviewer(r)
	}
	return out
}

// Site is the clinic's identity and contact details for its theme, with
// base the site's base URL.
func Site(c *clinic.Clinic, base string) theme.Site {
	b := c.Branding
	return theme.Site{Name: c.Name, Tagline: b.Tagline, LogoURL: b.LogoURL, PrimaryColor: b.PrimaryColor, Phone: b.Phone,
		Email: b.Email, Address: b.Address, FooterNotice: b.FooterNotice, BaseURL: base, Lang: "en"}
}

// Nav is the site's main navigation; current names the entry of this page.
func Nav(base, current string) []theme.NavLink {
	nav := []theme.NavLink{
		{Label: "Articles", URL: base + "/"},
		{Label: "Our doctors", URL: base + "/doctors"},
		{Label: "Search", URL: base + "/search"},
	}
	for i := range nav {
		nav[i].Current = nav[i].Label == current
	}
	return nav
}
