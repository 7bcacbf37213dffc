package adminui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestReviewScreenBounded: a 200 KB body of one-word paragraphs used to
// make the doctor's review screen 50 MB (a comment form per paragraph).
// The screen now holds at most MaxReviewBlocks comment forms and stays a
// small multiple of the text, and all the text is still there.
func TestReviewScreenBounded(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("bigreview")
		var words []string
		for i := 0; len(strings.Join(words, "\n\n")) < 200_000; i++ {
			words = append(words, fmt.Sprintf("w%d", i))
		}
		body := strings.Join(words, "\n\n")
		var a struct {
			ID int64 `json:"id"`
		}
		e.MustDo("POST", testenv.ArticlePath(c.Slug, 0, ""), c.Writer, map[string]any{"title": "Many paragraphs", "body": body}, 201, &a)
		r := do(t, e, "GET", fmt.Sprintf("/admin/c/%s/articles/%d/review", c.Slug, a.ID), c.Doctor, nil, nil)
		if r.Status != 200 {
			t.Fatalf("review screen: %d", r.Status)
		}
		if forms := strings.Count(r.Body, `name="paragraph"`); forms > adminui.MaxReviewBlocks {
			t.Errorf("%d comment forms, cap %d", forms, adminui.MaxReviewBlocks)
		}
		if len(r.Body) > 8*len(body) {
			t.Errorf("review screen is %d bytes for a %d-byte body", len(r.Body), len(body))
		}
		if last := words[len(words)-1]; !strings.Contains(r.Body, ">"+last+"<") {
			t.Errorf("the last paragraph %q is missing", last)
		}
	})
}
