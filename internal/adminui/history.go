package adminui

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
)

type historyView struct {
	Base      string
	A         article.View
	Revisions []article.Revision
	From, To  int
	Diff      []Op
	// CanArchive offers the Archive action (clinic admins and writers;
	// the service decides for real).
	CanArchive bool
}

// history lists every revision with a word diff between two of them
// (default: the previous and the current) and restore buttons.
func (u *UI) history(c *fiber.Ctx) error {
	sc, id, a, err := u.articleOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	revs, err := u.articles.Revisions(ctx, sc, id)
	if err != nil {
		return err
	}
	v := historyView{Base: base(c), A: a, Revisions: revs, To: c.QueryInt("to", a.CurrentRevision), From: c.QueryInt("from", a.CurrentRevision-1)}
	find := func(n int) (article.Revision, bool) {
		for _, r := range revs {
			if r.Number == n {
				return r, true
			}
		}
		return article.Revision{}, false
	}
	to, ok := find(v.To)
	if !ok {
		to, v.To = a.Current, a.CurrentRevision
	}
	old := ""
	if from, ok := find(v.From); ok {
		old = fullText(from)
	} else {
		v.From = 0
	}
	v.Diff = WordDiff(old, fullText(to))
	p := &Page{Title: "History · " + a.Current.Title, Nav: "articles"}
	u.fillPage(c, p)
	v.CanArchive = a.Status != article.StatusArchived && sc.Can(authz.ObjArticle, authz.ActPublish)
	p.D = v
	return u.view(c, fiber.StatusOK, "history", p)
}

// restore makes a new draft revision from an old one; it needs a new
// sign-off like any other edit.
func (u *UI) restore(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	n := formInt(c, "revision")
	ver := formInt(c, "version")
	v, err := u.articles.Restore(c.UserContext(), sc, id, n, &ver)
	if err != nil {
		return u.failed(c, path+"/history", err)
	}
	return u.done(c, path, "Revision "+strconv.Itoa(n)+" restored as new draft revision "+strconv.Itoa(v.CurrentRevision)+". It needs a doctor's review before it can go live.")
}
