package adminui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
)

// thread is a comment with its answers.
type thread struct {
	article.Comment
	Answers []article.Comment
}

func (u *UI) threads(c *fiber.Ctx, id int64) ([]thread, error) {
	sc, err := u.clinicOf(c)
	if err != nil {
		return nil, err
	}
	cs, err := u.articles.Comments(c.UserContext(), sc, id)
	if err != nil {
		return nil, err
	}
	var out []thread
	at := map[int64]int{}
	for _, cm := range cs {
		if cm.ParentID == nil {
			at[cm.ID] = len(out)
			out = append(out, thread{Comment: cm})
		} else if i, ok := at[*cm.ParentID]; ok {
			out[i].Answers = append(out[i].Answers, cm)
		}
	}
	return out, nil
}

// commentAdd stores a comment on a paragraph or an answer to a comment and
// goes back to the screen it came from.
func (u *UI) commentAdd(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	back := fmt.Sprintf("%s/articles/%d", base(c), id)
	if c.FormValue("return") == "review" {
		back += "/review"
	}
	parent, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	in := article.NewComment{Revision: formInt(c, "revision"), Paragraph: formInt(c, "paragraph"), ParentID: parent, Body: c.FormValue("body")}
	cm, err := u.articles.AddComment(c.UserContext(), sc, id, in)
	if err != nil {
		return u.failed(c, back, err)
	}
	msg := fmt.Sprintf("Comment added to paragraph %d.", cm.Paragraph+1)
	if cm.ParentID != nil {
		msg = "Answer posted."
	}
	u.flash(c, "ok", msg)
	return c.Redirect(back+"#p-"+strings.TrimSpace(strconv.Itoa(cm.Paragraph)), fiber.StatusSeeOther)
}
