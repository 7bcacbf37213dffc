package adminui

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
)

type articlesView struct {
	Base                 string
	Items                []article.Summary
	Q, Status, Sort, Dir string
	Page, Pages, Total   int
	PrevURL, NextURL     string
	Statuses             []string
	SortLinks            map[string]string
}

// articlesPage lists the clinic's articles: searchable by title or slug,
// filterable by state, sortable, paginated.
func (u *UI) articlesPage(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	v := articlesView{Base: base(c), Q: c.Query("q"), Status: c.Query("status"), Sort: c.Query("sort", "updated"),
		Dir: c.Query("dir", "desc"), Page: c.QueryInt("page", 1),
		Statuses: []string{"draft", "in_review", "changes_requested", "approved", "scheduled", "published", "unpublished", "archived"}}
	const per = 20
	q := article.Query{Text: v.Q, Status: v.Status, Sort: v.Sort, Asc: v.Dir == "asc", Page: v.Page, PerPage: per}
	v.Items, v.Total, err = u.articles.Find(c.UserContext(), sc, q)
	if err != nil {
		return err
	}
	v.Pages = (v.Total + per - 1) / per
	link := func(page int, sort, dir string) string {
		qs := url.Values{}
		if v.Q != "" {
			qs.Set("q", v.Q)
		}
		if v.Status != "" {
			qs.Set("status", v.Status)
		}
		qs.Set("sort", sort)
		qs.Set("dir", dir)
		qs.Set("page", strconv.Itoa(page))
		return v.Base + "/articles?" + qs.Encode()
	}
	if v.Page > 1 {
		v.PrevURL = link(v.Page-1, v.Sort, v.Dir)
	}
	if v.Page < v.Pages {
		v.NextURL = link(v.Page+1, v.Sort, v.Dir)
	}
	v.SortLinks = map[string]string{}
	for _, s := range []string{"title", "status", "updated", "created"} {
		d := "asc"
		if s == v.Sort && v.Dir == "asc" || s != v.Sort && (s == "updated" || s == "created") {
			d = "desc"
		}
		v.SortLinks[s] = link(1, s, d)
	}
	return u.view(c, fiber.StatusOK, "articles", &Page{Title: "Articles · " + cl.Name, Nav: "articles", D: v})
}
