package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/importer"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func itemOf(t *testing.T, rep *importer.Report, wpID int64) importer.ItemReport {
	t.Helper()
	for _, it := range rep.Items {
		if it.WPID == wpID {
			return it
		}
	}
	t.Fatalf("item %d not in the report", wpID)
	return importer.ItemReport{}
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q", what, sub)
		}
	}
}

var mediaRef = regexp.MustCompile(`!\[([^\]]*)\]\(media:(\d+)(?: "([^"]*)")?\)`)

// images lists the media images of a body as "alt|caption" with their ids.
func images(body string) (ids []int64, labels []string) {
	for _, m := range mediaRef.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		ids = append(ids, id)
		labels = append(labels, m[1]+"|"+m[3])
	}
	return ids, labels
}

func TestImportFixture(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		var progress []string
		f.progress = func(done, total int, it importer.ItemReport) {
			progress = append(progress, fmt.Sprintf("%d/%d", done, total))
		}
		rep := f.run(t)

		// Nine posts and pages, all created, progress told for each.
		if rep.Total != 9 || rep.Created != 9 || rep.Failed != 0 || len(rep.Items) != 9 {
			t.Fatalf("report totals: %+v", rep)
		}
		if strings.Join(progress, " ") != "1/9 2/9 3/9 4/9 5/9 6/9 7/9 8/9 9/9" {
			t.Errorf("progress %v", progress)
		}

		// Titles and slugs, item by item; every one a draft.
		want := map[int64][2]string{
			1: {"Hello world!", "hello-world"},
			2: {"Sample Page", "sample-page"},
			3: {"Privacy Policy", "privacy-policy"},
			4: {"Are large pores permanent?", "are-large-pores-permanent"},
			5: {"What to expect after laser toning", "what-to-expect-after-laser-toning"},
			6: {"Choosing a sunscreen you will actually wear", "choosing-a-sunscreen"},
			7: {"Winter skin routine (draft)", "winter-skin-routine"},
			8: {"Treatments", "treatments"},
			9: {"Laser treatments", "laser-treatments"},
		}
		arts := map[int64]testenv.Article{}
		for id, w := range want {
			it := itemOf(t, rep, id)
			a := f.article(t, it.ArticleID)
			arts[id] = a
			if a.Title != w[0] || a.Slug != w[1] || a.Status != "draft" || a.LiveRevision != nil {
				t.Errorf("item %d: title %q slug %q status %s live %v; want %q %q draft", id, a.Title, a.Slug, a.Status, a.LiveRevision, w[0], w[1])
			}
		}

		// Pages carry the "page" tag and keep their parent in the bookkeeping.
		if !contains(arts[9].Tags, "page") || contains(arts[4].Tags, "page") {
			t.Errorf("tags: page 9 %v, post 4 %v", arts[9].Tags, arts[4].Tags)
		}
		if it := itemOf(t, rep, 9); it.Parent != 8 {
			t.Errorf("page 9 parent %d, want 8", it.Parent)
		}
		rows, err := f.im.Items(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var parentKept bool
		for _, r := range rows {
			if r.WPID == 9 && r.WPType == "page" && r.WPParent == 8 {
				parentKept = true
			}
		}
		if !parentKept {
			t.Error("imported_items does not keep page 9's parent")
		}
		// Categories and tags became tags; "Uncategorized" did not.
		if !contains(arts[5].Tags, "laser treatments") || contains(arts[1].Tags, "uncategorized") {
			t.Errorf("tags of 5 %v, of 1 %v", arts[5].Tags, arts[1].Tags)
		}

		// Structure of the block-editor post.
		b4 := arts[4].Body
		mustContain(t, "post 4", b4, "\n## Why pores look bigger\n", "\n### Genes set the starting point\n",
			"- Oil and dead skin cells", "1. Daily sunscreen", "| Chemical peel | 3 to 6",
			"> — Dr Hana Kim", "\n## Frequently Asked Questions\n", "\n### Can pores be closed for good?\n",
			"\n### Do pore strips make pores smaller?\n", "\n### Is it safe to squeeze blackheads at home?\n")
		// Internal links rewritten to the new URLs, in both directions and
		// from ?p= and ?page_id= links.
		mustContain(t, "post 4", b4, "](/articles/what-to-expect-after-laser-toning)")
		mustContain(t, "post 5", arts[5].Body, "](/articles/are-large-pores-permanent)", "\n## FAQs\n", "\n### How many sessions will I need?\n")
		mustContain(t, "page 8", arts[8].Body, "[Laser treatments](/articles/laser-treatments)", "[Laser treatments (short link)](/articles/laser-treatments)")
		for id, a := range arts {
			if strings.Contains(a.Body, "clinic.example/") && id != 2 && id != 3 && id != 6 && id != 9 {
				t.Errorf("item %d still links to the old site:\n%s", id, a.Body)
			}
		}

		// Images: media references with the attachment's alt and caption.
		ids4, l4 := images(b4)
		if len(ids4) != 1 || l4[0] != "Close-up of cheek skin with visible pores|Pores on the cheek, photographed in daylight." {
			t.Errorf("post 4 images %v", l4)
		}
		m4, err := f.media.Get(ctx, f.sc, ids4[0])
		if err != nil {
			t.Fatal(err)
		}
		if m4.Alt != "Close-up of cheek skin with visible pores" || m4.Caption != "Pores on the cheek, photographed in daylight." {
			t.Errorf("media %d alt %q caption %q", m4.ID, m4.Alt, m4.Caption)
		}
		_, l5 := images(arts[5].Body)
		wantGallery := []string{"A practitioner holding a laser handpiece over a patient's cheek|A laser toning session in our treatment room.",
			"Cheek one week after the first session|Week 1", "Cheek four weeks after the first session|Week 4", "|Week 8: individual results vary."}
		if strings.Join(l5, "\n") != strings.Join(wantGallery, "\n") {
			t.Errorf("post 5 images:\n%s\nwant\n%s", strings.Join(l5, "\n"), strings.Join(wantGallery, "\n"))
		}
		// Featured images: kept in the bookkeeping, their media has the alt text.
		it4, it5, it9 := itemOf(t, rep, 4), itemOf(t, rep, 5), itemOf(t, rep, 9)
		if it4.FeaturedMediaID == nil || *it4.FeaturedMediaID != ids4[0] {
			t.Errorf("post 4 featured %v, want media %d (attachment 10, the body image)", it4.FeaturedMediaID, ids4[0])
		}
		if it5.FeaturedMediaID == nil {
			t.Error("post 5 has no featured image")
		} else if m, err := f.media.Get(ctx, f.sc, *it5.FeaturedMediaID); err != nil || m.Alt != "A practitioner holding a laser handpiece over a patient's cheek" {
			t.Errorf("post 5 featured media %+v %v", m, err)
		}
		if it9.FeaturedMediaID != nil {
			t.Errorf("page 9's featured image is not in the uploads, yet got media %d", *it9.FeaturedMediaID)
		}
		for _, r := range rows {
			if r.WPID == 4 && r.WPType == "post" && (r.FeaturedMediaID == nil || *r.FeaturedMediaID != ids4[0]) {
				t.Errorf("imported_items row of post 4 featured %v", r.FeaturedMediaID)
			}
		}

		// The GPS-tagged JPEG (attachment 15) is stored without EXIF.
		ids6, l6 := images(arts[6].Body)
		var gps int64
		for i, l := range l6 {
			if strings.HasPrefix(l, "The clinic entrance on a sunny morning|Our entrance") {
				gps = ids6[i]
			}
		}
		if gps == 0 {
			t.Fatalf("post 6 has no GPS image: %v", l6)
		}
		gm, err := f.media.Get(ctx, f.sc, gps)
		if err != nil {
			t.Fatal(err)
		}
		rc, info, err := f.media.Open(ctx, f.c.ID, gm.SHA256, 0)
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(rc)
		rc.Close()
		if info.ContentType != "image/jpeg" || len(served) < 100 {
			t.Fatalf("served %s, %d bytes", info.ContentType, len(served))
		}
		if bytes.Contains(served, []byte("Exif\x00\x00")) || bytes.Contains(served, []byte("GPS")) || bytes.Contains(served, []byte{0xFF, 0xE1}) {
			t.Error("the served GPS-tagged image still carries EXIF")
		}
		if src := zipEntry(t, "2023/07/clinic-front.jpg"); !bytes.Contains(src, []byte("Exif\x00\x00")) {
			t.Error("the fixture's clinic-front.jpg has no EXIF: the check above proves nothing")
		}

		// The report: what was not converted, missing images, comments.
		if !hasIssue(it5, "shortcode", "contact-form-7") || !hasIssue(it5, "html", "iframe") {
			t.Errorf("post 5 issues %+v", it5.Issues)
		}
		it6 := itemOf(t, rep, 6)
		for _, k := range []string{"embed", "custom-html", "shortcode", "unknown-block", "html"} {
			if !hasIssue(it6, k, "") {
				t.Errorf("post 6 lacks a %s issue: %+v", k, it6.Issues)
			}
		}
		if len(it4.Issues) != 0 {
			t.Errorf("post 4 converted fully, yet issues %+v", it4.Issues)
		}
		if len(it6.MissingImages) != 1 || !strings.HasSuffix(it6.MissingImages[0], "2019/06/old-before-after.jpg") {
			t.Errorf("post 6 missing %v", it6.MissingImages)
		}
		if len(it9.MissingImages) == 0 || !strings.Contains(strings.Join(it9.MissingImages, " "), "missing-consultation-room") {
			t.Errorf("page 9 missing %v", it9.MissingImages)
		}
		if it4.Comments != 2 || itemOf(t, rep, 1).Comments != 1 || rep.Comments != 4 {
			t.Errorf("comments: post 4 %d, post 1 %d, total %d", it4.Comments, itemOf(t, rep, 1).Comments, rep.Comments)
		}
		if it4.Findings == 0 || it5.Findings == 0 {
			t.Errorf("advertising findings: post 4 %d, post 5 %d", it4.Findings, it5.Findings)
		}
		if len(rep.Authors) != 3 || rep.Authors[1].Login != "hana.kim" {
			t.Errorf("authors %+v", rep.Authors)
		}
		if it4.OriginalPublishedAt == nil || it4.OriginalPublishedAt.Year() < 2020 || itemOf(t, rep, 7).OriginalPublishedAt != nil {
			t.Errorf("original dates: post 4 %v, draft 7 %v", it4.OriginalPublishedAt, itemOf(t, rep, 7).OriginalPublishedAt)
		}
		var orig4 []string
		d.Raw(`SELECT original_published_at FROM articles WHERE clinic_id = ? AND id = ?`, f.c.ID, it4.ArticleID).Scan(&orig4)
		if len(orig4) != 1 || orig4[0] == "" {
			t.Errorf("original_published_at of post 4 = %v", orig4)
		}
		var text bytes.Buffer
		rep.Text(&text)
		mustContain(t, "text report", text.String(), "not converted (shortcode): [contact-form-7", "missing image: http://clinic.example/wp-content/uploads/2019/06/old-before-after.jpg",
			"4 comments not imported", "hana.kim")

		// Nothing is live before sign-off: the new URL and the old one are 404.
		site := "/sites/" + f.c.Slug
		for _, p := range []string{"/articles/are-large-pores-permanent", "/are-large-pores-permanent/", "/?p=4", "/2024/05/14/are-large-pores-permanent/"} {
			if r := f.e.Do("GET", site+p, "", nil); r.Status != http.StatusNotFound {
				t.Errorf("before sign-off GET %s = %d, want 404", p, r.Status)
			}
		}

		// Sign off and publish through the API: the old URLs answer 301.
		a := arts[4]
		for _, fd := range findingsOf(t, f, a.ID) {
			f.e.MustDo("POST", testenv.ArticlePath(f.c.Slug, a.ID, "/acknowledgements"), f.c.Doctor, map[string]any{"revision": a.Revision, "content_hash": a.ContentHash, "signature": testenv.Sign, "finding": fd, "reason": "Reviewed against the evidence; the claim will be reworded in the next revision."}, 200, nil)
		}
		f.e.MustDo("POST", testenv.ArticlePath(f.c.Slug, a.ID, "/submit"), f.c.Writer, nil, 200, &a)
		f.e.MustDo("GET", testenv.ArticlePath(f.c.Slug, a.ID, ""), f.c.Admin, nil, 200, &a)
		f.e.MustDo("POST", testenv.ArticlePath(f.c.Slug, a.ID, "/reviews"), f.c.Doctor, map[string]any{"decision": "approve",
			"revision": a.Revision, "content_hash": a.ContentHash, "attest": true, "signature": testenv.Sign}, 200, &a)
		f.e.MustDo("POST", testenv.ArticlePath(f.c.Slug, a.ID, "/publish"), f.c.Admin, nil, 200, &a)
		// The page shows the original WordPress date as first published.
		page := f.e.MustDo("GET", site+"/articles/are-large-pores-permanent", "", nil, 200, nil)
		if d := it4.OriginalPublishedAt.Format("2006-01-02"); !bytes.Contains(page.Body, []byte(`datetime="`+d)) {
			t.Errorf("the live page does not show the original publication date %s", d)
		}
		for _, p := range []string{"/are-large-pores-permanent/", "/are-large-pores-permanent", "/?p=4"} {
			r := f.e.Do("GET", site+p, "", nil)
			if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != site+"/articles/are-large-pores-permanent" {
				t.Errorf("after publish GET %s = %d Location %q", p, r.Status, r.Header.Get("Location"))
			}
		}
		// Another item, not signed off, still 404s.
		if r := f.e.Do("GET", site+"/what-to-expect-after-laser-toning/", "", nil); r.Status != http.StatusNotFound {
			t.Errorf("unsigned item's old URL = %d", r.Status)
		}
		// Hits are counted.
		var list struct {
			Redirects []struct {
				From      string `json:"from"`
				ArticleID *int64 `json:"article_id"`
				Hits      int64  `json:"hits"`
			} `json:"redirects"`
		}
		f.e.MustDo("GET", "/api/v1/clinics/"+f.c.Slug+"/redirects", f.c.Admin, nil, 200, &list)
		hits := map[string]int64{}
		for _, r := range list.Redirects {
			hits[r.From] = r.Hits
		}
		if hits["/are-large-pores-permanent"] != 2 || hits["/?p=4"] != 1 || hits["/what-to-expect-after-laser-toning"] != 0 {
			t.Errorf("hits %v", hits)
		}

		// Re-running the same import changes nothing.
		rep2 := f.run(t)
		if rep2.Unchanged != 9 || rep2.Created != 0 || rep2.Updated != 0 || rep2.MediaUploaded != 0 || rep2.Redirects != 0 {
			t.Errorf("re-run: %d created, %d updated, %d unchanged, %d media, %d redirects", rep2.Created, rep2.Updated, rep2.Unchanged, rep2.MediaUploaded, rep2.Redirects)
		}
		var n int64
		d.Raw(`SELECT COUNT(*) FROM articles WHERE clinic_id = ?`, f.c.ID).Scan(&n)
		if n != 9 {
			t.Errorf("%d articles after the re-run", n)
		}
		// An edited export: the changed post becomes a new draft revision,
		// the live revision stays live.
		raw, err := os.ReadFile(exportPath)
		if err != nil {
			t.Fatal(err)
		}
		edited := bytes.Replace(raw, []byte("Gentle cleansing rather than scrubbing"), []byte("Gentle cleansing, never scrubbing"), 1)
		if bytes.Equal(edited, raw) {
			t.Fatal("the edit did not apply")
		}
		f.export = filepath.Join(t.TempDir(), "export.xml")
		if err := os.WriteFile(f.export, edited, 0o600); err != nil {
			t.Fatal(err)
		}
		rep3 := f.run(t)
		if rep3.Updated != 1 || rep3.Unchanged != 8 || itemOf(t, rep3, 4).Action != importer.ActionUpdated {
			t.Errorf("edited re-run: %d updated, %d unchanged", rep3.Updated, rep3.Unchanged)
		}
		a4 := f.article(t, it4.ArticleID)
		if a4.Revision != a.Revision+1 || a4.Status != "draft" || a4.LiveRevision == nil || *a4.LiveRevision != a.Revision ||
			!strings.Contains(a4.Body, "Gentle cleansing, never scrubbing") {
			t.Errorf("after the edited re-run: revision %d (was %d) status %s live %v", a4.Revision, a.Revision, a4.Status, a4.LiveRevision)
		}

		// Unpublished: the article and its old URLs answer 410.
		f.e.MustDo("POST", testenv.ArticlePath(f.c.Slug, a.ID, "/unpublish"), f.c.Admin, nil, 200, nil)
		for _, p := range []string{"/articles/are-large-pores-permanent", "/are-large-pores-permanent/"} {
			if r := f.e.Do("GET", site+p, "", nil); r.Status != http.StatusGone {
				t.Errorf("after unpublish GET %s = %d, want 410", p, r.Status)
			}
		}
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func hasIssue(it importer.ItemReport, kind, detail string) bool {
	for _, is := range it.Issues {
		if is.Kind == kind && strings.Contains(is.Detail, detail) {
			return true
		}
	}
	return false
}

// findingsOf lists the blocking finding keys of an article's current revision.
func findingsOf(t *testing.T, f *fixture, id int64) []string {
	var a struct {
		Findings []struct{ Key, Severity string } `json:"findings"`
	}
	f.e.MustDo("GET", testenv.ArticlePath(f.c.Slug, id, ""), f.c.Admin, nil, 200, &a)
	var out []string
	for _, fd := range a.Findings {
		if fd.Severity == "block" {
			out = append(out, fd.Key)
		}
	}
	return out
}
