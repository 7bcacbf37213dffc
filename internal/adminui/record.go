package adminui

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/record"
)

type recordView struct {
	Base string
	A    article.View
	Body template.HTML // record.Body: the same record the API's HTML shows
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
	body, err := record.Body(rec)
	if err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "record", &Page{Title: "Sign-off record · " + a.Current.Title, Nav: "articles",
		D: recordView{Base: base(c), A: a, Body: body}})
}
