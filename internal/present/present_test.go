package present_test

import (
	"context"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/present"
	"github.com/clinicpress/clinicpress/internal/render"
	"github.com/clinicpress/clinicpress/internal/testenv"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// The public site (live article), the preview link (the revision a token
// names) and the admin's theme preview (the editor's current revision) build
// the same article view of one revision; only what exists once a revision
// is live (dates, the overdue flag, the reviewer's profile link) differs.
func TestThreeSourcesOneArticleView(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("present")
		body := "## In short\n\nSunscreen helps.\n\n### Details\n\nDaily, with a wide brim hat.\n"
		var art testenv.Article
		e.MustDo("POST", testenv.ArticlePath(c.Slug, 0, ""), c.Writer, map[string]any{"title": "Sun and skin", "summary": "What sunscreen does.",
			"body": body, "tags": []string{"sun", "skin care"}}, 201, &art)
		e.MustDo("POST", testenv.ArticlePath(c.Slug, art.ID, "/submit"), c.Writer, nil, 200, &art)
		e.MustDo("POST", testenv.ArticlePath(c.Slug, art.ID, "/reviews"), c.Doctor, map[string]any{"decision": "approve",
			"revision": art.Revision, "content_hash": art.ContentHash, "attest": true, "signature": testenv.Sign}, 200, nil)
		e.MustDo("POST", testenv.ArticlePath(c.Slug, art.ID, "/publish"), c.Admin, nil, 200, &art)

		ctx := context.Background()
		sc, err := e.App.Clinics.Resolve(ctx, authz.Actor{UserID: c.AdminID, Name: "Admin"}, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		view, err := e.App.Articles.Get(ctx, sc, art.ID)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.App.Articles.MintPreview(ctx, sc, art.ID, 0, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		store := live.New(d)
		la, err := store.Article(ctx, c.ID, art.Slug)
		if err != nil {
			t.Fatal(err)
		}
		p, err := store.OpenPreview(ctx, c.ID, tok, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		draft, err := store.PreviewRevision(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		md := render.New()
		rendered := func(src string) render.Document {
			doc, err := md.Markdown(src)
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		const base = "https://present.test"
		public := present.ArticleView(base, present.FromLive(la, e.Clock.Now(), base+"/doctors/dr"), rendered(la.Body))
		preview := present.ArticleView(base, present.FromPreview(draft), rendered(draft.Body))
		editor := present.ArticleView(base, present.FromView(view), rendered(view.Current.Body))

		if public.Reviewer.Name == "" || public.Reviewer.RegistrationNumber == "" || public.ReviewedOn.IsZero() || len(public.Headings) != 2 ||
			len(public.Tags) != 2 || public.Author.Name == "" || public.PublishedAt.IsZero() {
			t.Fatalf("public view is incomplete: %+v", public)
		}
		// What only a live article has:
		shared := func(v theme.ArticleView) theme.ArticleView {
			v.PublishedAt, v.ModifiedAt, v.ReviewOverdue, v.Reviewer.ProfileURL = time.Time{}, time.Time{}, false, ""
			v.ReviewedOn = v.ReviewedOn.UTC()
			return v
		}
		want := shared(*public)
		for name, got := range map[string]*theme.ArticleView{"preview link": preview, "theme preview": editor} {
			if g := shared(*got); !equal(g, want) {
				t.Errorf("%s differs from the public article:\n got %+v\nwant %+v", name, g, want)
			}
		}
	})
}

func equal(a, b theme.ArticleView) bool {
	if a.Slug != b.Slug || a.URL != b.URL || a.Title != b.Title || a.Summary != b.Summary || a.BodyHTML != b.BodyHTML ||
		a.Author != b.Author || a.Reviewer != b.Reviewer || !a.ReviewedOn.Equal(b.ReviewedOn) || a.ReadingMinutes != b.ReadingMinutes ||
		len(a.Headings) != len(b.Headings) || len(a.Tags) != len(b.Tags) {
		return false
	}
	for i := range a.Headings {
		if a.Headings[i] != b.Headings[i] {
			return false
		}
	}
	for i := range a.Tags {
		if a.Tags[i] != b.Tags[i] {
			return false
		}
	}
	return true
}
