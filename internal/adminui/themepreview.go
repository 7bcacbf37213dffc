package adminui

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/present"
	"github.com/clinicpress/clinicpress/internal/render"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// Themes renders pages with a clinic's public-site theme (*theme.Engine).
type Themes interface {
	// Validate reports whether a theme of that name can render.
	Validate(name string) error
	// Render writes page of theme for v to w.
	Render(w io.Writer, theme, page string, v *theme.View) error
	// Names lists the themes a clinic can choose, built-in and from the
	// themes directory.
	Names() []string
}

// themeNames lists the themes the settings screen offers.
func (u *UI) themeNames() []string {
	if u.themes == nil {
		return nil
	}
	return u.themes.Names()
}

// frameCSP is the Content-Security-Policy of the theme preview frame. Theme
// pages inline their stylesheet, which the admin's own policy forbids, so
// the frame gets a policy of its own: inline styles and images only, no
// script of any kind, no forms, and framing only by the admin itself.
const frameCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; " +
	"frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// What a request of the preview frame route has reached, for headers.
const (
	frameLocal = "adminui.frame"
	frameRoute = "route" // the route was matched: errors may show in the frame
	framePage  = "page"  // the themed page is answered: the frame's own headers
)

// inFrame marks a request of the preview frame route before the session
// and CSRF checks run, so that their error pages may show inside the
// admin's frame (same origin only) instead of being refused by the browser.
func (u *UI) inFrame(c *fiber.Ctx) error {
	c.Locals(frameLocal, frameRoute)
	return c.Next()
}

// previewFrame renders the editor's unsaved text (title, slug, summary,
// tags, body of a form POST) as the public article page in the clinic's
// theme, with the theme's preview banner and noindex, for the iframe
// beside the editor. It reads nothing it would not show in the editor:
// the article (when the URL names one) is fetched with the signed-in actor,
// so another clinic's article answers 404. Nothing is stored.
//
// The bylines stay honest: the text is "written by" the author of the
// current revision when it is unchanged, otherwise by the person typing;
// the reviewer is shown only when the text is exactly the current revision
// and that revision has a doctor's approval. Anything else is shown as not
// yet reviewed (the theme then shows no reviewed-by line, and the banner
// names the revision the text becomes when saved).
func (u *UI) previewFrame(c *fiber.Ctx) error {
	if u.themes == nil {
		return errs.NotFound("page")
	}
	var (
		sc  clinic.Scope
		a   *article.View
		err error
	)
	if c.Params("id") == "" {
		sc, err = u.clinicOf(c)
	} else {
		var v article.View
		sc, _, v, err = u.articleOf(c)
		a = &v
	}
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	usr, _ := currentUser(c)
	f := formDraft(c)
	d := f.draft()
	d.Title, d.Summary, d.Tags = strings.TrimSpace(d.Title), strings.TrimSpace(d.Summary), article.NormalizeTags(d.Tags)

	origin := c.Protocol() + "://" + c.Hostname()
	siteBase := origin + "/sites/" + url.PathEscape(cl.Slug)
	slug := d.Slug
	if slug == "" && a != nil {
		slug = a.Slug
	}
	if slug == "" {
		slug = article.Slugify(d.Title)
	}
	pa := present.Article{Slug: slug, Title: d.Title, Summary: d.Summary, Tags: d.Tags, AuthorName: usr.Name}
	revision := 1
	if a != nil {
		revision = a.CurrentRevision + 1
		if unchanged(*a, d) {
			revision = a.CurrentRevision
			pa = present.FromView(*a)
		}
	}
	doc, err := u.md.Markdown(d.Body)
	if err != nil {
		doc = render.Document{HTML: "<p><strong>This text cannot be previewed:</strong> it is too long or too deeply nested. Shorten it and try again.</p>"}
	}
	v := &theme.View{
		Site: present.Site(&cl, siteBase), Nav: present.Nav(siteBase, ""),
		Article: present.ArticleView(siteBase, pa, doc),
		Page: theme.Page{Title: d.Title, Description: d.Summary, NoIndex: true, OGType: "article",
			Preview: &theme.Preview{RevisionNumber: revision}},
	}
	name := cl.Theme
	if u.themes.Validate(name) != nil {
		name = theme.DefaultTheme // as the public site does for a theme removed since
	}
	var buf bytes.Buffer
	if err := u.themes.Render(&buf, name, theme.PageArticle, v); err != nil {
		return err
	}
	c.Locals(frameLocal, framePage)
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// unchanged reports whether d is exactly the article's current revision
// (the same content hash the service computes when saving).
func unchanged(a article.View, d article.Draft) bool {
	if d.Slug != "" && d.Slug != a.Slug {
		return false
	}
	return article.ContentHash(a.Slug, d.Title, d.Summary, d.Body, d.Tags) == a.Current.ContentHash
}
