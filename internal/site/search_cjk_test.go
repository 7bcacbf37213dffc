package site_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestChineseSlug: a Chinese title gives a readable Unicode slug, and the
// page, links and sitemap carry it percent-encoded.
func TestChineseSlug(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("zh-slug")
		var a art
		e.MustDo("POST", apath(c.Slug, 0, ""), c.Writer, map[string]any{"title": "激光治疗后要注意什么？",
			"summary": "术后护理。", "body": "## 护理\n\n防晒。"}, 201, &a)
		if a.Slug != "激光治疗后要注意什么" {
			t.Fatalf("slug %q", a.Slug)
		}
		submit(e, c, &a)
		approve(e, c, &a)
		publish(e, c, &a)
		esc := url.PathEscape(a.Slug)
		if r := get(t, e, "example.com", "/sites/"+c.Slug+"/articles/"+esc); r.Status != 200 || !strings.Contains(string(r.Body), "激光治疗后要注意什么？") {
			t.Fatalf("article page: %d", r.Status)
		}
		home := string(get(t, e, "example.com", "/sites/"+c.Slug+"/").Body)
		if !strings.Contains(home, "/articles/"+esc) {
			t.Errorf("home page does not link the escaped slug")
		}
		sm := string(get(t, e, "example.com", "/sites/"+c.Slug+"/sitemap.xml").Body)
		if !strings.Contains(sm, "/articles/"+esc+"<") {
			t.Errorf("sitemap lacks the escaped slug: %s", sm)
		}
	})
}

// TestChineseSearch: words inside Chinese text, written without spaces,
// are found on both databases, with the same answers; English search is
// unchanged beside them.
func TestChineseSearch(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("zh-search")
		var a art
		e.MustDo("POST", apath(c.Slug, 0, ""), c.Writer, map[string]any{"title": "毛孔粗大是永久的吗？", "slug": "large-pores-zh",
			"summary": "关于毛孔的常见问题。", "body": "## 简介\n\n皮肤出油和年龄都会让毛孔看起来更明显。日常清洁和防晒有帮助。\n\nSebum plays a part too.",
			"tags": []string{"皮肤"}}, 201, &a)
		submit(e, c, &a)
		approve(e, c, &a)
		publish(e, c, &a)
		live(e, c, "Sunscreen basics", "sunscreen")
		for q, want := range map[string]int{
			"毛孔":        1, // a two-character word inside a run
			"毛孔粗大":      1, // a phrase of tokens
			"防晒":        1, // in the body
			"皮肤":        1, // title-less: body and tag
			"永久 防晒":     1, // two words, both present
			"激光":        0, // absent
			"粗大毛孔":      0, // the characters, but not in this order
			"sebum":     1, // English beside Chinese
			"sunscreen": 1,
		} {
			r := get(t, e, "example.com", "/sites/"+c.Slug+"/search?q="+url.QueryEscape(q))
			body := string(r.Body)
			if r.Status != 200 {
				t.Fatalf("search %q: %d", q, r.Status)
			}
			hit := strings.Contains(body, "毛孔粗大是永久的吗") || strings.Contains(body, "Sunscreen basics")
			if (want > 0) != hit {
				t.Errorf("search %q: hit=%v, want %d result(s)", q, hit, want)
			}
		}
	})
}
