package wxr

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/render"
)

var (
	fixtureXML     = filepath.Join("..", "..", "testdata", "wordpress", "export.xml")
	fixtureUploads = filepath.Join("..", "..", "testdata", "wordpress", "uploads.zip")
)

// readFixture streams the committed export and returns its items by id.
func readFixture(t *testing.T) (Site, map[int64]*Item, []int64) {
	t.Helper()
	f, err := os.Open(fixtureXML)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f)
	items := map[int64]*Item{}
	var order []int64
	for {
		it, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		items[it.ID] = it
		order = append(order, it.ID)
	}
	return rd.Site(), items, order
}

func fixtureIndex(t *testing.T) *Index {
	t.Helper()
	f, err := os.Open(fixtureXML)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ix, err := BuildIndex(f)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestReaderSiteAndAuthors(t *testing.T) {
	site, items, order := readFixture(t)
	if site.Title != "Lumen Skin Clinic" || site.BaseSiteURL != "http://clinic.example" || site.WXRVersion != "1.2" {
		t.Fatalf("site = %+v", site)
	}
	var logins []string
	for _, a := range site.Authors {
		logins = append(logins, a.Login+"|"+a.DisplayName+"|"+a.Email)
	}
	want := []string{
		"clinicadmin|Clinic Admin|admin@clinic.example",
		"hana.kim|Dr Hana Kim|hana.kim@clinic.example",
		"sarah.lee|Sarah Lee|sarah.lee@clinic.example",
	}
	if !slices.Equal(logins, want) {
		t.Fatalf("authors = %v, want %v", logins, want)
	}
	if len(items) != 17 || !slices.IsSorted(order) {
		t.Fatalf("items %v", order)
	}
	if a := items[5].Author; a == nil || a.Login != "sarah.lee" || a.FirstName != "Sarah" {
		t.Fatalf("item 5 author = %+v", a)
	}
}

func TestReaderItems(t *testing.T) {
	_, items, _ := readFixture(t)
	type want struct {
		typ, status, title, slug, link string
		date, dateGMT                  string
		parent                         int64
		menuOrder                      int
		thumb                          int64
		creator                        string
		comments, approved             int
	}
	cases := map[int64]want{
		1: {"post", "publish", "Hello world!", "hello-world", "http://clinic.example/hello-world/", "", "", 0, 0, 0, "clinicadmin", 1, 1},
		4: {"post", "publish", "Are large pores permanent?", "are-large-pores-permanent", "http://clinic.example/are-large-pores-permanent/",
			"2024-03-12 09:30:00", "2024-03-12 09:30:00", 0, 0, 10, "hana.kim", 2, 2},
		5: {"post", "publish", "What to expect after laser toning", "what-to-expect-after-laser-toning", "http://clinic.example/what-to-expect-after-laser-toning/",
			"2024-05-20 14:05:00", "2024-05-20 13:05:00", 0, 0, 11, "sarah.lee", 1, 0},
		6: {"post", "publish", "Choosing a sunscreen you will actually wear", "choosing-a-sunscreen", "http://clinic.example/choosing-a-sunscreen/",
			"2023-07-04 08:00:00", "2023-07-04 07:00:00", 0, 0, 0, "hana.kim", 0, 0},
		7: {"post", "draft", "Winter skin routine (draft)", "winter-skin-routine", "http://clinic.example/?p=7", "", "", 0, 0, 0, "sarah.lee", 0, 0},
		8: {"page", "publish", "Treatments", "treatments", "http://clinic.example/treatments/", "2023-01-10 12:00:00", "2023-01-10 12:00:00", 0, 1, 0, "clinicadmin", 0, 0},
		9: {"page", "publish", "Laser treatments", "laser-treatments", "http://clinic.example/treatments/laser-treatments/",
			"2023-01-11 12:00:00", "2023-01-11 12:00:00", 8, 2, 17, "clinicadmin", 0, 0},
		15: {"attachment", "inherit", "Clinic front", "clinic-front", "http://clinic.example/choosing-a-sunscreen/clinic-front/", "", "", 6, 0, 0, "clinicadmin", 0, 0},
	}
	for id, w := range cases {
		it := items[id]
		if it == nil {
			t.Fatalf("item %d missing", id)
		}
		if it.Type != w.typ || it.Status != w.status || it.Title != w.title || it.Slug != w.slug || it.Link != w.link {
			t.Errorf("item %d = %s %s %q %q %q", id, it.Type, it.Status, it.Title, it.Slug, it.Link)
		}
		if w.date != "" && (it.Date.Format(time.DateTime) != w.date || it.DateGMT.Format(time.DateTime) != w.dateGMT) {
			t.Errorf("item %d dates %v / %v, want %s / %s", id, it.Date, it.DateGMT, w.date, w.dateGMT)
		}
		if it.Parent != w.parent || it.MenuOrder != w.menuOrder || it.ThumbnailID() != w.thumb || it.CreatorLogin != w.creator {
			t.Errorf("item %d parent %d order %d thumb %d creator %q", id, it.Parent, it.MenuOrder, it.ThumbnailID(), it.CreatorLogin)
		}
		if it.Comments != w.comments || it.ApprovedComments != w.approved {
			t.Errorf("item %d comments %d/%d, want %d/%d", id, it.Comments, it.ApprovedComments, w.comments, w.approved)
		}
	}
	if !items[7].DateGMT.IsZero() {
		t.Errorf("draft's post_date_gmt should be zero, got %v", items[7].DateGMT)
	}
	if got := items[5].Excerpt; got != "A day-by-day guide to the first week after a laser toning session." {
		t.Errorf("excerpt = %q", got)
	}
	termNames := func(ts []Term) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	if got := termNames(items[5].Categories()); !slices.Equal(got, []string{"Laser treatments", "Skin concerns"}) {
		t.Errorf("categories = %v", got)
	}
	if got := termNames(items[5].Tags()); !slices.Equal(got, []string{"aftercare", "laser", "pigmentation"}) {
		t.Errorf("tags = %v", got)
	}
	if got := items[4].Categories(); len(got) != 1 || got[0].Slug != "skin-concerns" {
		t.Errorf("item 4 categories = %+v", got)
	}
	if v, ok := items[4].MetaValue("_yoast_wpseo_metadesc"); !ok || !strings.HasPrefix(v, "Why pores look larger") {
		t.Errorf("yoast meta = %q %v", v, ok)
	}
	a := items[15]
	if a.AttachmentURL != "http://clinic.example/wp-content/uploads/2023/07/clinic-front.jpg" ||
		a.AttachedFile() != "2023/07/clinic-front.jpg" ||
		a.AltText() != "The clinic entrance on a sunny morning" ||
		a.Caption() != "Our entrance, where the sunscreen samples are." {
		t.Errorf("attachment 15 = %q %q %q %q", a.AttachmentURL, a.AttachedFile(), a.AltText(), a.Caption())
	}
	if items[14].AltText() != "" || items[14].Caption() != "Week 8: individual results vary." {
		t.Errorf("attachment 14 alt %q caption %q", items[14].AltText(), items[14].Caption())
	}
	if !strings.Contains(items[4].Content, "<!-- wp:heading -->") || strings.Contains(items[5].Content, "<!-- wp:") {
		t.Error("content:encoded not told apart from excerpt:encoded, or editors mixed up")
	}
}

func TestIndexResolveAndComments(t *testing.T) {
	ix := fixtureIndex(t)
	if ix.Comments != 4 {
		t.Errorf("comments = %d, want 4 (1 sample + 2 + 1)", ix.Comments)
	}
	if len(ix.Attachments) != 8 {
		t.Errorf("attachments = %d", len(ix.Attachments))
	}
	cases := map[string]int64{
		"http://clinic.example/what-to-expect-after-laser-toning/":            5,
		"https://www.clinic.example/what-to-expect-after-laser-toning":        5,
		"/what-to-expect-after-laser-toning/":                                 5,
		"http://clinic.example/2024/05/20/what-to-expect-after-laser-toning/": 5,
		"http://clinic.example/?p=4":                                          4,
		"/?page_id=9":                                                         9,
		"http://clinic.example/treatments/laser-treatments/":                  9,
		"http://clinic.example/?attachment_id=15":                             15,
		"http://clinic.example/choosing-a-sunscreen/clinic-front/":            15,
	}
	for u, want := range cases {
		ref, ok := ix.Resolve(u)
		if !ok || ref.ID != want {
			t.Errorf("Resolve(%q) = %d %v, want %d", u, ref.ID, ok, want)
		}
	}
	for _, u := range []string{
		"https://other.example/what-to-expect-after-laser-toning/",
		"http://clinic.example/no-such-post/",
		"http://clinic.example/?p=999",
		"mailto:hana.kim@clinic.example",
		"http://clinic.example/winter-skin-routine/", // a draft never had this URL
	} {
		if ref, ok := ix.Resolve(u); ok {
			t.Errorf("Resolve(%q) = %+v, want nothing", u, ref)
		}
	}
	for src, want := range map[string]int64{
		"http://clinic.example/wp-content/uploads/2024/05/laser-toning-session-300x200.jpg":      11,
		"http://clinic.example/wp-content/uploads/2024/05/laser-toning-session.jpg":              11,
		"http://clinic.example/wp-content/uploads/2023/01/missing-consultation-room-150x150.jpg": 17,
	} {
		if id, ok := ix.AttachmentBySrc(src); !ok || id != want {
			t.Errorf("AttachmentBySrc(%q) = %d %v", src, id, ok)
		}
	}
	if _, ok := ix.AttachmentBySrc("http://clinic.example/wp-content/uploads/2019/06/old-before-after.jpg"); ok {
		t.Error("an image with no attachment resolved")
	}
}

func TestOldPaths(t *testing.T) {
	ix := fixtureIndex(t)
	cases := map[int64][]string{
		5:  {"/what-to-expect-after-laser-toning/", "/2024/05/20/what-to-expect-after-laser-toning/", "/?p=5"},
		9:  {"/treatments/laser-treatments/", "/?page_id=9", "/?p=9"},
		15: {"/choosing-a-sunscreen/clinic-front/", "/?attachment_id=15"},
		7:  nil,
		3:  nil, // WordPress's draft privacy page
	}
	for id, want := range cases {
		if got := OldPaths(ix.Items[id], ix.Site); !slices.Equal(got, want) {
			t.Errorf("OldPaths(%d) = %q, want %q", id, got, want)
		}
	}
	sub := Site{BaseBlogURL: "https://clinic.example/blog"}
	ref := ItemRef{ID: 12, Type: "post", Status: "publish", Slug: "peels", Link: "https://clinic.example/blog/2022/01/02/peels/",
		Date: time.Date(2022, 1, 2, 23, 30, 0, 0, time.UTC)}
	want := []string{"/blog/2022/01/02/peels/", "/blog/peels/", "/blog/?p=12"}
	if got := OldPaths(ref, sub); !slices.Equal(got, want) {
		t.Errorf("sub-folder OldPaths = %q, want %q", got, want)
	}
}

// converted converts one fixture item with callbacks that record what they
// were asked, as the importer will use them.
type converted struct {
	*Result
	imageCalls []string
	linkCalls  []string
}

func convertFixture(t *testing.T, ix *Index, it *Item) converted {
	t.Helper()
	var out converted
	c := NewConverter(ix)
	c.ImageRef = func(src string, id int64) string {
		out.imageCalls = append(out.imageCalls, src+"#"+itoa64(id))
		if id == 0 {
			return "/missing/" + filepath.Base(src)
		}
		return "/media/wp-" + itoa64(id)
	}
	c.LinkRef = func(u string) (string, bool) {
		out.linkCalls = append(out.linkCalls, u)
		ref, ok := ix.Resolve(u)
		if !ok || ref.Type == "attachment" {
			return "", false
		}
		return "/" + ref.Type + "s/" + ref.Slug, true
	}
	res, err := c.Convert(it)
	if err != nil {
		t.Fatal(err)
	}
	out.Result = res
	return out
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

var reHeading = regexp.MustCompile(`(?m)^(#{1,6}) (.+)$`)

func headings(md string) []string {
	var out []string
	for _, m := range reHeading.FindAllStringSubmatch(md, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

func kinds(is []Issue) []string {
	var out []string
	for _, i := range is {
		out = append(out, i.Kind+": "+i.Detail)
	}
	return out
}

// renderedFAQ runs the Markdown through the site renderer and returns the
// questions it recognises: proof the FAQ has the shape render expects.
func renderedFAQ(t *testing.T, md string) []string {
	t.Helper()
	doc, err := render.New().Markdown(md)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, qa := range doc.FAQ {
		qs = append(qs, qa.Question)
	}
	return qs
}

func mustContain(t *testing.T, md string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(md, p) {
			t.Errorf("Markdown lacks %q\n----\n%s", p, md)
		}
	}
}

func mustNotContain(t *testing.T, md string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(md, p) {
			t.Errorf("Markdown has %q\n----\n%s", p, md)
		}
	}
}

func TestConvertBlockEditorPost(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	r := convertFixture(t, ix, items[4])
	if r.Editor != "block" {
		t.Errorf("editor = %s", r.Editor)
	}
	wantH := []string{"## Why pores look bigger", "### Genes set the starting point", "## What helps",
		"## Frequently Asked Questions", "### Can pores be closed for good?", "### Do pore strips make pores smaller?",
		"### Is it safe to squeeze blackheads at home?"}
	if got := headings(r.Markdown); !slices.Equal(got, wantH) {
		t.Errorf("headings = %q", got)
	}
	mustContain(t, r.Markdown,
		"- Oil and dead skin cells that collect at the opening\n- Loss of collagen",
		"1. Daily sunscreen, so collagen is not broken down further\n2. A retinoid at night",
		"| Treatment ", "| Laser toning  | 5 to 10  | Usually none |",
		"*Typical courses; your doctor will suggest what suits your skin.*",
		"> Pores are part of healthy skin.", "> — Dr Hana Kim",
		"**wider**",
		`![Close-up of cheek skin with visible pores](/media/wp-10 "Pores on the cheek, photographed in daylight.")`,
		"[what to expect after laser toning](/posts/what-to-expect-after-laser-toning)",
		"guaranteed to shrink your pores permanently",
	)
	mustNotContain(t, r.Markdown, "<!--", "wp:", "clinic.example")
	if len(r.Issues) != 0 {
		t.Errorf("issues = %q", kinds(r.Issues))
	}
	if !slices.Equal(r.imageCalls, []string{"http://clinic.example/wp-content/uploads/2024/03/pores-closeup.jpg#10"}) {
		t.Errorf("ImageRef calls = %q", r.imageCalls)
	}
	if !slices.Equal(r.linkCalls, []string{"http://clinic.example/what-to-expect-after-laser-toning/"}) {
		t.Errorf("LinkRef calls = %q", r.linkCalls)
	}
	wantQ := []string{"Can pores be closed for good?", "Do pore strips make pores smaller?", "Is it safe to squeeze blackheads at home?"}
	var gotQ []string
	for _, f := range r.FAQ {
		gotQ = append(gotQ, f.Question)
		if f.Answer == "" {
			t.Errorf("FAQ %q has no answer", f.Question)
		}
	}
	if !slices.Equal(gotQ, wantQ) {
		t.Errorf("FAQ = %q", gotQ)
	}
	if got := renderedFAQ(t, r.Markdown); !slices.Equal(got, wantQ) {
		t.Errorf("render sees FAQ %q", got)
	}
	// A table row count proves the table plugin converted the whole table.
	if n := strings.Count(r.Markdown, "\n|"); n != 5 {
		t.Errorf("table lines = %d, want header, rule and 3 rows", n)
	}
}

func TestConvertClassicPost(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	r := convertFixture(t, ix, items[5])
	if r.Editor != "classic" {
		t.Errorf("editor = %s", r.Editor)
	}
	wantH := []string{"## The first 48 hours", "## Aftercare checklist", "### When to call us",
		"## FAQs", "### How many sessions will I need?", "### Can I wear make-up afterwards?"}
	if got := headings(r.Markdown); !slices.Equal(got, wantH) {
		t.Errorf("headings = %q", got)
	}
	paras := strings.Split(r.Markdown, "\n\n")
	// wpautop: the first two lines are one paragraph with a line break.
	if !strings.HasPrefix(paras[0], "Laser toning uses a low-energy laser") || !strings.Contains(paras[0], "same day.  \nStill, it helps") {
		t.Errorf("first paragraph = %q", paras[0])
	}
	mustContain(t, r.Markdown,
		"\n\n"+`![A practitioner holding a laser handpiece over a patient's cheek](/media/wp-11 "A laser toning session in our treatment room.")`+"\n\n",
		"- Use a gentle cleanser and a plain moisturiser\n- Apply SPF 30",
		`![Cheek one week after the first session](/media/wp-12 "Week 1")`,
		`![Cheek four weeks after the first session](/media/wp-13 "Week 4")`,
		`![](/media/wp-14 "Week 8: individual results vary.")`,
		"[our article on large pores](/posts/are-large-pores-permanent)",
		"100% painless and completely risk-free",
	)
	mustNotContain(t, r.Markdown, "[caption", "[gallery", "[contact-form-7", "iframe", "youtube", "[![", "<p>")
	wantIssues := []string{
		`shortcode: [contact-form-7 id="42" title="Book a consultation"]: left out`,
		`html: <iframe src="https://www.youtube.com/embed/abc123XYZ">: left out`,
	}
	if got := kinds(r.Issues); !slices.Equal(got, wantIssues) {
		t.Errorf("issues = %q", got)
	}
	var gallery []int64
	for _, im := range r.Images {
		if im.Gallery {
			gallery = append(gallery, im.AttachmentID)
		}
	}
	if !slices.Equal(gallery, []int64{12, 13, 14}) || r.Images[0].AttachmentID != 11 || r.Images[0].Gallery {
		t.Errorf("images = %+v", r.Images)
	}
	if !slices.Equal(r.linkCalls, []string{"http://clinic.example/?p=4"}) {
		t.Errorf("LinkRef calls = %q", r.linkCalls)
	}
	wantQ := []string{"How many sessions will I need?", "Can I wear make-up afterwards?"}
	if got := renderedFAQ(t, r.Markdown); !slices.Equal(got, wantQ) {
		t.Errorf("render sees FAQ %q", got)
	}
	if len(r.FAQ) != 2 || r.FAQ[1].Answer != "Mineral make-up is fine the next day. Wait 24 hours if your skin feels warm." {
		t.Errorf("FAQ = %+v", r.FAQ)
	}
}

func TestConvertBlocksThatDoNotConvert(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	r := convertFixture(t, ix, items[6])
	want := []string{
		"embed: core/embed https://www.youtube.com/watch?v=sunSafe01: kept as a link",
		"custom-html: core/html: plain HTML converted, anything else listed separately",
		`shortcode: [booking_widget clinic="main"]: left out`,
		"unknown-block: core/latest-posts: dynamic block with no saved content, left out",
		`html: <form action="/newsletter">: left out`,
		`html: <script> console.log("newsletter");: left out`,
	}
	if got := kinds(r.Issues); !slices.Equal(got, want) {
		t.Errorf("issues =\n%s", strings.Join(got, "\n"))
	}
	mustNotContain(t, r.Markdown, "<form", "<script", "console.log", "booking_widget", "Sign up")
	mustContain(t, r.Markdown,
		"[https://www.youtube.com/watch?v=sunSafe01](https://www.youtube.com/watch?v=sunSafe01)",
		`![Chart comparing how much UVB SPF 15, 30 and 50 block](/media/wp-16 "SPF 30 blocks about 97% of UVB; SPF 50 about 98%.")`,
		`![The clinic entrance on a sunny morning](/media/wp-15 "Our entrance, where the sunscreen samples are.")`,
		"![Before and after a course of peels](/missing/old-before-after.jpg)",
		"*Pigmentation fading with daily SPF and laser toning.*",
		"[See our laser treatments](/pages/laser-treatments)",
		"\n\nSun safety starts at the door\n\n",
		"---",
	)
	var gallery []string
	for _, im := range r.Images {
		if im.Gallery {
			gallery = append(gallery, itoa64(im.AttachmentID)+"|"+im.Alt+"|"+im.Caption)
		}
	}
	wantG := []string{"12|Cheek one week after the first session|Week 1", "13|Cheek four weeks after the first session|", "14||"}
	if !slices.Equal(gallery, wantG) {
		t.Errorf("gallery = %q", gallery)
	}
	wantQ := []string{"Do I need sunscreen indoors?", "Is the SPF in make-up enough?"}
	if got := renderedFAQ(t, r.Markdown); !slices.Equal(got, wantQ) {
		t.Errorf("render sees Yoast FAQ as %q\n%s", got, r.Markdown)
	}
	if got := headings(r.Markdown); !slices.Equal(got[len(got)-3:], []string{"## FAQ", "### Do I need sunscreen indoors?", "### Is the SPF in make-up enough?"}) {
		t.Errorf("headings = %q", got)
	}
}

func TestConvertPagesAndMissingImages(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	up, err := OpenUploads(fixtureUploads)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()

	r := convertFixture(t, ix, items[8])
	mustContain(t, r.Markdown, "- [Laser treatments](/pages/laser-treatments)\n- [Laser treatments (short link)](/pages/laser-treatments)")

	r = convertFixture(t, ix, items[9])
	mustContain(t, r.Markdown, `![Our consultation room with two chairs and a skin analyser](/media/wp-17 "Every laser course starts with a consultation.")`)

	// Which images of the whole export are missing from the uploads archive.
	var missing []string
	for _, id := range []int64{4, 5, 6, 8, 9} {
		res := convertFixture(t, ix, items[id])
		for _, im := range res.Images {
			if _, ok := up.Find(im.Src); !ok {
				missing = append(missing, itoa64(id)+" "+UploadPath(im.Src))
			}
		}
	}
	want := []string{"6 2019/06/old-before-after.jpg", "9 2023/01/missing-consultation-room-300x225.jpg"}
	if !slices.Equal(missing, want) {
		t.Errorf("missing images = %q, want %q", missing, want)
	}
	// Resized copies lead to the original file.
	if name, ok := up.Find("http://clinic.example/wp-content/uploads/2024/05/laser-toning-session-300x200.jpg"); !ok || name != "uploads/2024/05/laser-toning-session.jpg" {
		t.Errorf("Find = %q %v", name, ok)
	}
	// Every other attachment's file is there, and the GPS photo still has its EXIF.
	for id, a := range ix.Attachments {
		name, ok := up.Find(a.URL)
		if ok != (id != 17) {
			t.Errorf("attachment %d %s found=%v", id, a.URL, ok)
		}
		if id == 15 {
			b, err := fsReadFile(up, name)
			if err != nil || !strings.Contains(string(b), "FixtureCam") {
				t.Errorf("GPS photo %s: %v, EXIF marker found=%v", name, err, strings.Contains(string(b), "FixtureCam"))
			}
		}
	}
}

func TestSummaryAndDraft(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	if got := PlainText(items[4].Excerpt); got != "Pores do not open and close, but the way they look can change. What helps, and what does not." {
		t.Errorf("summary = %q", got)
	}
	r := convertFixture(t, ix, items[7])
	if r.Markdown != "Cold air and central heating both dry the skin.\n\nSwap foaming cleansers for a cream cleanser and keep using sunscreen.\n" {
		t.Errorf("draft = %q", r.Markdown)
	}
}
