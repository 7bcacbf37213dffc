package adminui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
)

type recordView struct {
	Base string
	A    article.View
	R    article.Record
}

// recordPage is the printable sign-off record of an article
// (article.Service.Record): every period a revision was live, who wrote it,
// which doctor approved it with the registration number held then, and the
// advertising-rule findings and acknowledgements of that revision. It is
// the same record as GET /api/v1/.../record, in the admin's own style and
// session.
func (u *UI) recordPage(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	rec, err := u.articles.Record(ctx, sc, id)
	if err != nil {
		return err
	}
	a, err := u.articles.Get(ctx, sc, id)
	if err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "record", &Page{Title: "Sign-off record · " + a.Current.Title, Nav: "articles",
		D: recordView{Base: base(c), A: a, R: rec}})
}
