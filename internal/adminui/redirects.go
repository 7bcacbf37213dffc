package adminui

import (
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/redirects"
)

// maxCSVUpload bounds the redirect CSV a clinic admin uploads (the
// service also caps the number of lines).
const maxCSVUpload = 512 << 10

type redirectsView struct {
	Base      string
	Redirects []redirects.Redirect
	Form      redirects.Input
	Errors    map[string]string
	Skipped   []redirects.RowError
	Q         string
}

// redirectsPage lists the clinic's redirect table (old URLs from the
// import, CSV uploads and hand-made ones) with hit counts; clinic admins
// only (the service refuses others).
func (u *UI) redirectsPage(c *fiber.Ctx) error {
	return u.redirectsView(c, fiber.StatusOK, redirects.Input{Kind: redirects.KindPath}, nil, nil, nil)
}

func (u *UI) redirectsView(c *fiber.Ctx, status int, f redirects.Input, fieldErrs map[string]string, skipped []redirects.RowError, flash *Flash) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	if u.redirects == nil {
		return errs.NotFound("page")
	}
	rs, err := u.redirects.List(c.UserContext(), sc)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	if q != "" {
		kept := rs[:0]
		for _, r := range rs {
			if strings.Contains(strings.ToLower(r.FromPath+" "+r.TargetPath), q) {
				kept = append(kept, r)
			}
		}
		rs = kept
	}
	return u.view(c, status, "redirects", &Page{Title: "Redirects · " + sc.Clinic().Name, Nav: "redirects", Flash: flash,
		D: redirectsView{Base: base(c), Redirects: rs, Form: f, Errors: fieldErrs, Skipped: skipped, Q: c.Query("q")}})
}

// redirectInput reads the add/change form.
func redirectInput(c *fiber.Ctx) redirects.Input {
	in := redirects.Input{From: strings.TrimSpace(c.FormValue("from")), Kind: c.FormValue("kind"),
		Target: strings.TrimSpace(c.FormValue("target")), Version: formInt(c, "version")}
	if id := int64(formInt(c, "article_id")); id > 0 {
		in.ArticleID = &id
	}
	return in
}

// redirectAdd creates one redirect; invalid input shows the form again
// with the problems next to the fields.
func (u *UI) redirectAdd(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	in := redirectInput(c)
	r, err := u.redirects.Create(c.UserContext(), sc, in)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code == errs.CodeValidationFailed {
			return u.redirectsView(c, fiber.StatusUnprocessableEntity, in, fieldErrors(err), nil, &Flash{Kind: "error", Text: Message(e)})
		}
		return u.failed(c, base(c)+"/redirects", err)
	}
	u.flash(c, "ok", fmt.Sprintf("%s now %s.", r.FromPath, redirectWords(r)))
	return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
}

// redirectChange replaces one redirect's kind and target (version-checked).
func (u *UI) redirectChange(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := u.redirects.Update(c.UserContext(), sc, id, redirectInput(c))
	if err != nil {
		return u.failed(c, base(c)+"/redirects", err)
	}
	u.flash(c, "ok", fmt.Sprintf("%s now %s.", r.FromPath, redirectWords(r)))
	return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
}

// redirectDelete removes one redirect: the old URL answers 404 again.
func (u *UI) redirectDelete(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := u.redirects.Delete(c.UserContext(), sc, id); err != nil {
		return u.failed(c, base(c)+"/redirects", err)
	}
	u.flash(c, "ok", "The redirect was removed; that address now answers “not found”.")
	return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
}

// redirectsCSV imports "old path,new path" lines (or "old path,410");
// lines that cannot be used are listed, the rest are added.
func (u *UI) redirectsCSV(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("csv")
	if err != nil {
		u.flash(c, "error", "Choose a CSV file to upload.")
		return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
	}
	if fh.Size > maxCSVUpload {
		u.flash(c, "error", fmt.Sprintf("The CSV file is larger than %d KB. Split it and upload the parts.", maxCSVUpload>>10))
		return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := u.redirects.ImportCSV(c.UserContext(), sc, io.LimitReader(f, maxCSVUpload))
	if err != nil {
		return u.failed(c, base(c)+"/redirects", err)
	}
	if len(res.Skipped) > 0 {
		fl := &Flash{Kind: "error", Text: fmt.Sprintf("%d redirects added; %d lines were not used (listed below).", res.Created, len(res.Skipped))}
		return u.redirectsView(c, fiber.StatusOK, redirects.Input{Kind: redirects.KindPath}, nil, res.Skipped, fl)
	}
	u.flash(c, "ok", fmt.Sprintf("%d redirects added from the CSV file.", res.Created))
	return c.Redirect(base(c)+"/redirects", fiber.StatusSeeOther)
}

// redirectWords says what a redirect does, for the flash message.
func redirectWords(r redirects.Redirect) string {
	switch r.Kind {
	case redirects.KindGone:
		return "answers “gone” (410)"
	case redirects.KindArticle:
		return fmt.Sprintf("leads to article %d once it is live", *r.ArticleID)
	}
	return "leads to " + r.TargetPath
}
