package adminui

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/render"
)

// draftForm is the editor's text as typed.
type draftForm struct {
	Title, Slug, Summary, Tags, Body string
}

func formDraft(c *fiber.Ctx) draftForm {
	return draftForm{Title: c.FormValue("title"), Slug: strings.TrimSpace(c.FormValue("slug")), Summary: c.FormValue("summary"),
		Tags: c.FormValue("tags"), Body: strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")}
}

func (f draftForm) draft() article.Draft {
	return article.Draft{Title: f.Title, Slug: f.Slug, Summary: f.Summary, Body: f.Body, Tags: lines(f.Tags)}
}

func revForm(r article.Revision, slug string) draftForm {
	return draftForm{Title: r.Title, Slug: slug, Summary: r.Summary, Tags: strings.Join(r.Tags, ", "), Body: r.Body}
}

// previewView is the server-rendered preview of a text.
type previewView struct {
	Title, Summary string
	HTML           template.HTML
	FAQ            []render.QA
	Words          int
	Error          string
}

func (u *UI) previewOf(f draftForm) previewView {
	doc, err := u.md.Markdown(f.Body)
	if err != nil {
		return previewView{Error: "The text is too long to preview."}
	}
	return previewView{Title: f.Title, Summary: f.Summary, HTML: doc.HTML, FAQ: doc.FAQ, Words: doc.Words}
}

type editorView struct {
	Base     string
	A        article.View
	Form     draftForm
	Version  int
	Restored *time.Time
	Errors   map[string]string
	Preview  previewView
	Threads  []thread
	Reviews  []article.Review
	Now      time.Time
	// Findings are the advertising-rule findings of the text shown: the
	// saved revision's (with acknowledgements), or the unsaved text's.
	Findings findingsView
	// Which workflow buttons to offer (the services decide for real).
	CanSubmit, CanPublish, CanUnpublish, CanCancelSchedule bool
	IsNew                                                  bool
}

// articleNew shows an empty editor.
func (u *UI) articleNew(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	return u.view(c, fiber.StatusOK, "new", &Page{Title: "New article · " + cl.Name, Nav: "new",
		D: editorView{Base: base(c), IsNew: true, Errors: map[string]string{}}})
}

// articleCreate stores a new article as a draft and opens its editor.
func (u *UI) articleCreate(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	f := formDraft(c)
	v, err := u.articles.Create(c.UserContext(), sc, f.draft())
	if err != nil {
		e, ok := isUserError(err)
		if !ok {
			return err
		}
		v := editorView{Base: base(c), IsNew: true, Form: f, Errors: fieldErrors(err), Preview: u.previewOf(f)}
		if fs, lerr := u.articles.Lint(c.UserContext(), sc, f.draft()); lerr == nil {
			v.Findings = buildFindings(fs, formTexts(f), nil)
			v.Findings.Live = true
		}
		p := &Page{Title: "New article · " + cl.Name, Nav: "new", Flash: &Flash{Kind: "error", Text: Message(e)}, D: v}
		return u.view(c, e.Status, "new", p)
	}
	return u.done(c, fmt.Sprintf("%s/articles/%d", base(c), v.ID), "Draft created (revision 1). Keep writing; your changes are saved automatically as you type.")
}

// editor shows an article's editor with its workflow panel. If the person
// has autosaved text that was never saved, that text is restored, based on
// the version it started from, so a save detects anyone else's change.
func (u *UI) editor(c *fiber.Ctx) error {
	sc, id, a, err := u.articleOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v := editorView{A: a, Form: revForm(a.Current, a.Slug), Version: a.Version}
	w, err := u.articles.WorkingDraftOf(ctx, sc, id)
	if err != nil {
		return err
	}
	if w != nil {
		wf := draftForm{Title: w.Title, Slug: w.Slug, Summary: w.Summary, Tags: strings.Join(w.Tags, ", "), Body: w.Body}
		if wf != v.Form {
			v.Form, v.Version, v.Restored = wf, w.BaseVersion, &w.SavedAt
		}
	}
	return u.editorPage(c, fiber.StatusOK, v, nil)
}

func (u *UI) editorPage(c *fiber.Ctx, status int, v editorView, flash *Flash) error {
	ctx := c.UserContext()
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	v.Base, v.Now = base(c), u.now()
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	v.Preview = u.previewOf(v.Form)
	if v.Threads, err = u.threads(c, v.A.ID); err != nil {
		return err
	}
	if v.Reviews, err = u.articles.Reviews(ctx, sc, v.A.ID); err != nil {
		return err
	}
	v.Findings = revisionFindings(v.A)
	if v.Form != revForm(v.A.Current, v.A.Slug) {
		// The editor shows unsaved text (restored, or refused by a save):
		// check that text, as admin.js would.
		if fs, lerr := u.articles.Lint(ctx, sc, v.Form.draft()); lerr == nil {
			v.Findings = buildFindings(fs, formTexts(v.Form), nil)
			v.Findings.Live = true
		}
	}
	v.CanSubmit = article.Can(sc, v.A.Article, article.ActionSubmit)
	v.CanPublish = article.Can(sc, v.A.Article, article.ActionPublish)
	v.CanUnpublish = article.Can(sc, v.A.Article, article.ActionUnpublish)
	v.CanCancelSchedule = article.Can(sc, v.A.Article, article.ActionCancelSchedule)
	return u.view(c, status, "editor", &Page{Title: v.Form.Title + " · Editor", Nav: "articles", Flash: flash, D: v})
}

type conflictView struct {
	Base           string
	A              article.View // the version saved in between
	Mine           draftForm
	Merged         draftForm
	TitleDiffers   bool
	SummaryDiffers bool
	TagsDiffers    bool
	Theirs         draftForm
	TheirsBy       string
}

// articleSave saves the editor's text as a new revision. A save based on an
// outdated version (someone else saved in between) shows both texts side by
// side with a merge that keeps both; nothing typed is lost (the text is also
// kept as the person's working draft).
func (u *UI) articleSave(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f := formDraft(c)
	version := formInt(c, "version")
	path := fmt.Sprintf("%s/articles/%d", base(c), id)
	if c.FormValue("then") == "preview" {
		a, err := u.articles.Get(ctx, sc, id)
		if err != nil {
			return err
		}
		return u.editorPage(c, fiber.StatusOK, editorView{A: a, Form: f, Version: version}, &Flash{Kind: "ok", Text: "Preview updated below. Nothing is saved yet."})
	}
	v, err := u.articles.Update(ctx, sc, id, article.Edit{Draft: f.draft(), Version: version})
	if err != nil {
		e, ok := isUserError(err)
		if !ok {
			return err
		}
		// Keep what was typed whatever happens next.
		if _, werr := u.articles.SaveWorkingDraft(ctx, sc, id, version, f.draft()); werr != nil && !errs.HasCode(werr, "validation_failed") {
			return werr
		}
		cur, gerr := u.articles.Get(ctx, sc, id)
		if gerr != nil {
			return gerr
		}
		if e.Code == "version_conflict" {
			return u.conflictPage(c, cur, f)
		}
		return u.editorPage(c, e.Status, editorView{A: cur, Form: f, Version: version, Errors: fieldErrors(err)},
			&Flash{Kind: "error", Text: Message(e)})
	}
	if err := u.articles.DiscardWorkingDraft(ctx, sc, id); err != nil {
		return err
	}
	msg := fmt.Sprintf("Saved as revision %d.", v.CurrentRevision)
	if v.Version == version {
		msg = "No changes to save: the text is the same as revision " + fmt.Sprint(v.CurrentRevision) + "."
	}
	if v.LiveRevision != nil && *v.LiveRevision != v.CurrentRevision && v.Version != version {
		msg += fmt.Sprintf(" The public page keeps showing revision %d until this one is approved and published.", *v.LiveRevision)
	}
	if c.FormValue("then") == "submit" {
		if _, err := u.articles.Submit(ctx, sc, id, &v.Version); err != nil {
			return u.failed(c, path, err)
		}
		msg += " Submitted for medical review; the clinic's doctors see it in their queue."
	}
	return u.done(c, path, msg)
}

func (u *UI) conflictPage(c *fiber.Ctx, cur article.View, mine draftForm) error {
	theirs := revForm(cur.Current, cur.Slug)
	merged := mine
	merged.Body = MergeKeepingBoth(mine.Body, theirs.Body)
	if strings.TrimSpace(mine.Summary) != strings.TrimSpace(theirs.Summary) {
		merged.Summary = MergeKeepingBoth(mine.Summary, theirs.Summary)
	}
	if strings.Join(lines(mine.Tags), ",") != strings.Join(lines(theirs.Tags), ",") {
		merged.Tags = strings.Join(append(lines(mine.Tags), lines(theirs.Tags)...), ", ")
	}
	v := conflictView{Base: base(c), A: cur, Mine: mine, Merged: merged, Theirs: theirs, TheirsBy: cur.Current.AuthorName,
		TitleDiffers:   strings.TrimSpace(mine.Title) != strings.TrimSpace(theirs.Title),
		SummaryDiffers: strings.TrimSpace(mine.Summary) != strings.TrimSpace(theirs.Summary),
		TagsDiffers:    strings.Join(lines(mine.Tags), ",") != strings.Join(lines(theirs.Tags), ",")}
	return u.view(c, fiber.StatusConflict, "conflict", &Page{Title: "Someone else saved · " + theirs.Title, Nav: "articles",
		Flash: &Flash{Kind: "error", Text: fmt.Sprintf("%s saved revision %d while you were editing. Both texts are below; nothing you typed is lost. Check the merged text and save it, or keep only one version.", cur.Current.AuthorName, cur.CurrentRevision)},
		D:     v})
}

// autosave keeps the editor's text as the person's working draft (called
// by admin.js; JSON answer, errors as problem+json).
func (u *UI) autosave(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	at, err := u.articles.SaveWorkingDraft(c.UserContext(), sc, id, formInt(c, "version"), formDraft(c).draft())
	if err != nil {
		return err // problem+json (answersJSON)
	}
	return c.JSON(fiber.Map{"saved_at": at.UTC().Format(time.RFC3339), "message": "Saved " + at.UTC().Format("15:04:05") + " UTC (draft copy; press Save to make a revision)"})
}

// discardDraft throws away the person's autosaved text.
func (u *UI) discardDraft(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := u.articles.DiscardWorkingDraft(c.UserContext(), sc, id); err != nil {
		return err
	}
	return u.done(c, fmt.Sprintf("%s/articles/%d", base(c), id), "Your unsaved changes were discarded; the editor shows the saved revision.")
}

// preview renders Markdown to safe HTML for the live preview (admin.js).
func (u *UI) preview(c *fiber.Ctx) error {
	if _, err := u.clinicOf(c); err != nil {
		return err
	}
	var buf strings.Builder
	if err := u.views.Render(&buf, "preview", u.previewOf(formDraft(c))); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.SendString(buf.String())
}

// submit sends the current revision to review.
func (u *UI) submit(c *fiber.Ctx) error {
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
	v, err := u.articles.Submit(c.UserContext(), sc, id, &ver)
	if err != nil {
		return u.failed(c, path, err)
	}
	return u.done(c, path, fmt.Sprintf("Revision %d submitted for medical review; the clinic's doctors see it in their queue.", v.CurrentRevision))
}
