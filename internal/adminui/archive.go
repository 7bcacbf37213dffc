package adminui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
)

// confirmView is a confirmation step before an action that cannot be
// undone from the screen: what will happen, one POST form, and a way back.
type confirmView struct {
	Heading  string
	Lines    []string
	Action   string            // form action
	Fields   map[string]string // hidden fields besides _csrf
	Button   string
	Cancel   string // where "Cancel" goes
	ButtonID string
}

// archiveConfirm asks before archiving an article (clinic admins and
// writers; article.Service.Archive decides).
func (u *UI) archiveConfirm(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := u.articles.Get(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	if a.Status == article.StatusArchived {
		u.flash(c, "error", "This article is already archived.")
		return c.Redirect(path+"/history", fiber.StatusSeeOther)
	}
	lines := []string{"Archiving retires the article for good: it leaves the public site, any schedule and approval are cancelled, and it can no longer be edited or restored.",
		"Its revisions, reviews, findings and audit trail stay, and its sign-off record can still be printed."}
	if a.LiveRevision != nil {
		lines[0] = fmt.Sprintf("Revision %d is live now; archiving takes it off the public site at once. ", *a.LiveRevision) + lines[0]
	}
	return u.view(c, fiber.StatusOK, "confirm", &Page{Title: "Archive · " + a.Current.Title, Nav: "articles",
		D: confirmView{Heading: "Archive “" + a.Current.Title + "”?", Lines: lines, Action: path + "/archive",
			Fields: map[string]string{"version": fmt.Sprint(a.Version)}, Button: "Archive this article", ButtonID: "confirm-archive",
			Cancel: path + "/history"}})
}

// archive retires the article (after the confirmation step).
func (u *UI) archive(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	ver := formInt(c, "version")
	if _, err := u.articles.Archive(c.UserContext(), sc, id, &ver); err != nil {
		return u.failed(c, path+"/history", err)
	}
	return u.done(c, path+"/history", "The article is archived: it is off the public site and can no longer be edited. Its history and sign-off record stay.")
}
