package wxr

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// These cases cover WordPress markup the fixture site does not produce
// (older gallery markup, plugin blocks, FAQ variants written by hand).

func convertString(t *testing.T, ix *Index, content string, itemID int64) *Result {
	t.Helper()
	c := NewConverter(ix)
	res, err := c.ConvertContent(content, itemID)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestUnknownBlockWithSavedHTMLIsConvertedAndReported(t *testing.T) {
	r := convertString(t, nil, `<!-- wp:acme/callout {"tone":"info"} -->
<div class="acme-callout"><p>Drink water after a peel.</p></div>
<!-- /wp:acme/callout -->`, 0)
	if r.Markdown != "Drink water after a peel.\n" {
		t.Errorf("markdown = %q", r.Markdown)
	}
	if got := kinds(r.Issues); !slices.Equal(got, []string{"unknown-block: acme/callout: its saved HTML was converted as plain HTML"}) {
		t.Errorf("issues = %q", got)
	}
}

func TestFAQQuestionsAtTheSameLevelAreMovedBelowTheTitle(t *testing.T) {
	r := convertString(t, nil, "<h2>FAQ</h2>\n<h2>Does it hurt?</h2>\nA little, like a rubber band.\n<h2>Is it safe in summer?</h2>\nYes, with daily sunscreen.\n<h2>Prices</h2>\nSee the list.", 0)
	want := []string{"## FAQ", "### Does it hurt?", "### Is it safe in summer?", "## Prices"}
	if got := headings(r.Markdown); !slices.Equal(got, want) {
		t.Errorf("headings = %q", got)
	}
	if got := renderedFAQ(t, r.Markdown); !slices.Equal(got, []string{"Does it hurt?", "Is it safe in summer?"}) {
		t.Errorf("render FAQ = %q", got)
	}
}

func TestFAQBoldQuestionsBecomeHeadings(t *testing.T) {
	r := convertString(t, nil, "<h3>Frequently asked questions</h3>\n\n<strong>Does laser toning hurt?</strong>\n\nIt feels like warm pinpricks.\n\n<b>How long does a session take?</b>\n\nAbout twenty minutes.", 0)
	want := []string{"### Frequently asked questions", "#### Does laser toning hurt?", "#### How long does a session take?"}
	if got := headings(r.Markdown); !slices.Equal(got, want) {
		t.Errorf("headings = %q\n%s", got, r.Markdown)
	}
	if len(r.FAQ) != 2 || r.FAQ[1].Answer != "About twenty minutes." {
		t.Errorf("FAQ = %+v", r.FAQ)
	}
	if got := renderedFAQ(t, r.Markdown); len(got) != 2 {
		t.Errorf("render FAQ = %q", got)
	}
}

func TestNoFAQWithoutQuestions(t *testing.T) {
	r := convertString(t, nil, "<h2>FAQs</h2>\nAsk us anything at the front desk.\n<h2>Opening hours</h2>\nMonday to Friday.", 0)
	if len(r.FAQ) != 0 || !slices.Equal(headings(r.Markdown), []string{"## FAQs", "## Opening hours"}) {
		t.Errorf("FAQ %+v, headings %q", r.FAQ, headings(r.Markdown))
	}
}

func TestShortcodes(t *testing.T) {
	r := convertString(t, nil, "See note [1] below.\n\n[su_note color=\"#fff\"]Keep out of the sun for a week.[/su_note]\n\n[[gallery]] is how you write a gallery.\n\n[video src=\"https://clinic.example/v.mp4\"]", 0)
	mustContain(t, r.Markdown, `See note \[1] below.`, "Keep out of the sun for a week.", `\[gallery] is how`)
	mustNotContain(t, r.Markdown, "su_note", "v.mp4", "[[")
	want := []string{
		`shortcode: [su_note color="#fff"]…[/su_note]: left out, the text it enclosed was kept`,
		`shortcode: [video src="https://clinic.example/v.mp4"]: left out`,
	}
	if got := kinds(r.Issues); !slices.Equal(got, want) {
		t.Errorf("issues = %q", got)
	}
}

func TestGalleryVariants(t *testing.T) {
	ix := fixtureIndex(t)
	// WordPress 5.0-5.8 gallery markup: a list of figures, ids in data-id.
	old := `<!-- wp:gallery {"ids":[12,13]} -->
<figure class="wp-block-gallery columns-2 is-cropped"><ul class="blocks-gallery-grid"><li class="blocks-gallery-item"><figure><img src="http://clinic.example/wp-content/uploads/2024/05/gallery-week1-300x225.jpg" alt="First" data-id="12" class="wp-image-12"/><figcaption class="blocks-gallery-item__caption">One</figcaption></figure></li><li class="blocks-gallery-item"><figure><img src="http://clinic.example/wp-content/uploads/2024/05/gallery-week4.jpg" alt="" data-id="13"/></figure></li></ul></figure>
<!-- /wp:gallery -->`
	r := convertString(t, ix, old, 0)
	if len(r.Images) != 2 || r.Images[0].AttachmentID != 12 || r.Images[0].Caption != "One" ||
		r.Images[1].AttachmentID != 13 || r.Images[1].Alt != "Cheek four weeks after the first session" || !r.Images[1].Gallery {
		t.Errorf("images = %+v", r.Images)
	}
	// [gallery] without ids shows the item's own attachments.
	r = convertString(t, ix, "[gallery]", 5)
	var ids []int64
	for _, im := range r.Images {
		ids = append(ids, im.AttachmentID)
	}
	if !slices.Equal(ids, []int64{11, 12, 13, 14}) {
		t.Errorf("bare gallery ids = %v", ids)
	}
	r = convertString(t, ix, `[gallery ids="12,999"]`, 0)
	if len(r.Images) != 1 || !slices.Equal(kinds(r.Issues), []string{"missing-attachment: [gallery] image 999 is not in the export"}) {
		t.Errorf("images %+v issues %q", r.Images, kinds(r.Issues))
	}
}

func TestClassicDetails(t *testing.T) {
	r := convertString(t, nil, "<pre>line one\n\nline two</pre>\n\n# not a heading\n\n<a href=\"https://other.example/\"><img src=\"https://other.example/a.png\" alt=\"Logo\" /></a>", 0)
	mustContain(t, r.Markdown, "```\nline one\n\nline two\n```", `\# not a heading`, "[![Logo](https://other.example/a.png)](https://other.example/)")
	if len(r.Links) != 1 || r.Links[0].OK {
		t.Errorf("links = %+v", r.Links)
	}
}

func TestCaptionWithQuotesAndMarkup(t *testing.T) {
	r := convertString(t, nil, `[caption id="attachment_5" width="300"]<img class="wp-image-5" src="/x.jpg" alt="Skin &quot;before&quot;" /> The <em>first</em> "visit"[/caption]`, 0)
	if len(r.Images) != 1 || r.Images[0].AttachmentID != 5 || r.Images[0].Caption != `The first "visit"` || r.Images[0].Alt != `Skin "before"` {
		t.Fatalf("images = %+v", r.Images)
	}
	doc := renderedHTML(t, r.Markdown)
	if !strings.Contains(doc, `alt="Skin &#34;before&#34;"`) || !strings.Contains(doc, `title="The first &#34;visit&#34;"`) {
		t.Errorf("rendered %s from %q", doc, r.Markdown)
	}
}

func TestReaderErrorsAndCharsets(t *testing.T) {
	_, err := NewReader(strings.NewReader(`<?xml version="1.0"?><html><body/></html>`)).Next()
	if !errors.Is(err, ErrNotWXR) {
		t.Errorf("err = %v", err)
	}
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>Cr\xe8me solaire</title><wp:post_id>3</wp:post_id></item></channel></rss>"
	rd := NewReader(strings.NewReader(latin1))
	it, err := rd.Next()
	if err != nil || it.Title != "Crème solaire" || it.ID != 3 {
		t.Fatalf("item %+v err %v", it, err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Errorf("after last item: %v", err)
	}
	_, err = NewReader(strings.NewReader(`<rss><channel><item><title>cut`)).Next()
	if !errs.HasCode(err, CodeMalformed) {
		t.Errorf("truncated file: err = %v", err)
	}
	if e, ok := errs.As(ErrNotWXR); !ok || e.Status != 400 || e.Code != "wxr_not_export" {
		t.Errorf("ErrNotWXR = %+v", e)
	}
	if _, err := OpenUploads(fixtureXML); !errs.HasCode(err, "wxr_uploads_invalid") {
		t.Errorf("OpenUploads(xml) = %v", err)
	}
}

func TestReaderQuirks(t *testing.T) {
	// WordPress splits "]]>" inside content across two CDATA sections, and
	// pasted text can carry control characters XML does not allow.
	x := "<rss><channel><item><wp:post_id>1</wp:post_id><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[a ]]]]><![CDATA[> b\x0bc]]></content:encoded></item></channel></rss>"
	it, err := NewReader(strings.NewReader(x)).Next()
	if err != nil {
		t.Fatal(err)
	}
	if it.Content != "a ]]> b c" {
		t.Errorf("content = %q", it.Content)
	}
}

func TestConverterIsSafeForConcurrentUse(t *testing.T) {
	ix := fixtureIndex(t)
	_, items, _ := readFixture(t)
	c := &Converter{Index: ix} // zero value plus an index: lazily set up
	want := map[int64]string{}
	for _, id := range []int64{4, 5, 6} {
		r, err := NewConverter(ix).Convert(items[id])
		if err != nil {
			t.Fatal(err)
		}
		want[id] = r.Markdown
	}
	errs := make(chan error, 12)
	for g := 0; g < 12; g++ {
		go func(id int64) {
			r, err := c.Convert(items[id])
			if err == nil && r.Markdown != want[id] {
				err = errors.New("different Markdown for item " + itoa64(id))
			}
			errs <- err
		}(int64(4 + g%3))
	}
	for g := 0; g < 12; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestReusableBlocks(t *testing.T) {
	x := `<rss><channel>
<item><wp:post_id>50</wp:post_id><wp:post_type>wp_block</wp:post_type><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<!-- wp:paragraph -->
<p>Book a consultation before any laser course.</p>
<!-- /wp:paragraph --><!-- wp:block {"ref":51} /-->]]></content:encoded></item>
<item><wp:post_id>51</wp:post_id><wp:post_type>wp_block</wp:post_type><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<!-- wp:block {"ref":51} /-->]]></content:encoded></item>
</channel></rss>`
	ix, err := BuildIndex(strings.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	r := convertString(t, ix, `<!-- wp:block {"ref":50} /--><!-- wp:block {"ref":77} /-->`, 0)
	if !strings.HasPrefix(r.Markdown, "Book a consultation before any laser course.") {
		t.Errorf("markdown = %q", r.Markdown)
	}
	got := kinds(r.Issues)
	if len(got) != 2 || got[0] != "missing-block: core/block ref 51: reusable block missing from the export or nested too deep, left out" ||
		got[1] != "missing-block: core/block ref 77: reusable block missing from the export or nested too deep, left out" {
		t.Errorf("issues = %q", got)
	}
}

func TestInlineDetails(t *testing.T) {
	r := convertString(t, nil, `<p>Use 2 mg/cm<sup>2</sup>; CO<sub>2</sub> lasers; the 5<sup>th</sup> visit. <a href="javascript:alert(1)">Click</a></p>
<table><tr><th>Skin</th><th>Advice</th></tr><tr><td>Dry<br>or flaky</td><td><p>Cream cleanser.</p><p>Rich moisturiser.</p></td></tr></table>`, 0)
	mustContain(t, r.Markdown, "2 mg/cm²; CO₂ lasers; the 5th visit. Click", "| Dry or flaky |", "Cream cleanser. Rich moisturiser.")
	mustNotContain(t, r.Markdown, "javascript", "<br", "<sup")
	if got := kinds(r.Issues); !slices.Equal(got, []string{`html: link to "javascript:alert(1)": not a web address, kept as text`}) {
		t.Errorf("issues = %q", got)
	}
}

func TestLazyImagesAndSpacers(t *testing.T) {
	r := convertString(t, nil, "<p>&nbsp;</p>\n<p><img src=\"data:image/gif;base64,R0lGOD\" data-lazy-src=\"/wp-content/uploads/2024/01/a.jpg\" alt=\"A\"></p>\n<p>&nbsp;</p>\n<p><img src=\"\" alt=\"Nothing\"></p>\nText.", 0)
	if r.Markdown != "![A](/wp-content/uploads/2024/01/a.jpg)\n\nText.\n" {
		t.Errorf("markdown = %q", r.Markdown)
	}
	if got := kinds(r.Issues); !slices.Equal(got, []string{`html: <img alt="Nothing"> with no image address: left out`}) {
		t.Errorf("issues = %q", got)
	}
}
