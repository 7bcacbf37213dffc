package site_test

import (
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/render"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestUnrenderableRefusedAndNeverA500: text the renderer would refuse is
// refused at save time with 422 naming the body (bytes, not characters:
// 95,000 "€" is 285,000 bytes; 40 nested quotes), tags with NUL or control
// characters are refused, and a live revision that cannot be rendered
// (stored before these limits) still answers 200 with the bad paragraph
// shown as text under a notice.
func TestUnrenderableRefusedAndNeverA500(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("unrender")
		for name, req := range map[string]map[string]any{
			"40 nested quotes": {"title": "Deep", "body": strings.Repeat("> ", 40) + "deep"},
			"95,000 euro":      {"title": "Euro", "body": strings.Repeat("€", 95_000)},
			"NUL in a tag":     {"title": "Tag", "body": "x", "tags": []string{"ok", "bad\x00tag"}},
			"control in a tag": {"title": "Tag2", "body": "x", "tags": []string{"bad\x01tag"}},
			"DEL in a tag":     {"title": "Tag3", "body": "x", "tags": []string{"bad\u007ftag"}},
		} {
			r := e.Do("POST", apath(c.Slug, 0, ""), c.Writer, req)
			if r.Status != 422 || r.Code() != "validation_failed" {
				t.Errorf("%s: %d %s, want 422 validation_failed", name, r.Status, r.Body)
				continue
			}
			field := "body"
			if strings.Contains(name, "tag") {
				field = "tags"
			}
			if !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: no error for %s: %s", name, field, r.Body)
			}
		}
		// The same on edit.
		a := write(e, c, "Editable", "colds")
		r := e.Do("PUT", apath(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": strings.Repeat("> ", 40) + "x", "version": a.Version})
		if r.Status != 422 {
			t.Errorf("edit to 40 quotes: %d %s", r.Status, r.Body)
		}

		// A live article whose stored body cannot be rendered.
		l := live(e, c, "Legacy text", "flu")
		bad := "Intro paragraph.\n\n" + strings.Repeat("> ", 40) + "<b>deep</b>\n\nClosing paragraph."
		if err := d.Exec(`UPDATE revisions SET body = ? WHERE article_id = ?`, bad, l.ID).Error; err != nil {
			t.Skipf("revisions cannot be altered here (%v); the renderer's Safe test covers the fallback", err)
		}
		e.App.Site.Changed(c.ID)
		page := get(t, e, c.Slug+".test", "/articles/"+l.Slug)
		if page.Status != 200 {
			t.Fatalf("live page with an unrenderable paragraph: %d %.300s", page.Status, page.Body)
		}
		for _, want := range []string{render.FallbackNotice, "Intro paragraph.", "Closing paragraph.", "&lt;b&gt;deep"} {
			if !strings.Contains(string(page.Body), want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
}
