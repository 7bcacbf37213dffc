package wxr_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clinicpress/clinicpress/internal/wxr"
)

// The importer reads an export twice: once for the index (attachments, links),
// then item by item for content. Nothing is held but the current item.
func Example() {
	const path = "../../testdata/wordpress/export.xml"
	f, _ := os.Open(path)
	ix, err := wxr.BuildIndex(f)
	f.Close()
	if err != nil {
		fmt.Println(err)
		return
	}

	c := wxr.NewConverter(ix)
	c.ImageRef = func(src string, attachmentID int64) string {
		return fmt.Sprintf("/media/wp-%d", attachmentID) // the media library's URL
	}
	c.LinkRef = func(u string) (string, bool) {
		ref, ok := ix.Resolve(u)
		if !ok || ref.Type != "post" {
			return "", false
		}
		return "/articles/" + ref.Slug, true // the article's new URL
	}

	f, _ = os.Open(path)
	defer f.Close()
	rd := wxr.NewReader(f)
	for {
		it, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if it.ID != 5 {
			continue
		}
		res, _ := c.Convert(it)
		fmt.Println(it.Title, "by", it.Author.DisplayName, "featured", it.ThumbnailID())
		fmt.Println(wxr.OldPaths(it.Ref(), ix.Site))
		for _, line := range strings.Split(res.Markdown, "\n") {
			if strings.HasPrefix(line, "![A practitioner") || strings.Contains(line, "/articles/") {
				fmt.Println(line)
			}
		}
		for _, is := range res.Issues {
			fmt.Println(is.Kind, is.Detail)
		}
	}
	// Output:
	// What to expect after laser toning by Sarah Lee featured 11
	// [/what-to-expect-after-laser-toning/ /2024/05/20/what-to-expect-after-laser-toning/ /?p=5]
	// ![A practitioner holding a laser handpiece over a patient's cheek](/media/wp-11 "A laser toning session in our treatment room.")
	// For the science of pore size, see [our article on large pores](/articles/are-large-pores-permanent).
	// shortcode [contact-form-7 id="42" title="Book a consultation"]: left out
	// html <iframe src="https://www.youtube.com/embed/abc123XYZ">: left out
}
