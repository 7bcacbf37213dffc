package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/clinicpress/clinicpress/internal/errs"
	"golang.org/x/net/html/charset"
)

// Author is a <wp:author> of the export: a WordPress user who wrote something.
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Term is a category or tag attached to an item.
type Term struct {
	// Domain is "category" or "post_tag" (other taxonomies keep their name).
	Domain string
	// Slug is WordPress's nicename.
	Slug string
	// Name is the human-readable name.
	Name string
}

// Meta is one <wp:postmeta> key/value pair.
type Meta struct {
	Key   string
	Value string
}

// Site is what the export's <channel> says before and around its items.
type Site struct {
	Title       string
	Link        string
	Description string
	Language    string
	WXRVersion  string
	BaseSiteURL string
	BaseBlogURL string
	Authors     []Author
}

// Item is one <item>: a post, page, attachment or any other post type.
type Item struct {
	ID     int64
	GUID   string
	Type   string // post, page, attachment, nav_menu_item, ...
	Status string // publish, draft, pending, private, future, inherit, trash
	Title  string
	// Slug is wp:post_name; WordPress leaves it empty for some drafts.
	Slug string
	// Link is the permalink WordPress printed when exporting.
	Link string
	// Date is wp:post_date, in the site's local time (stored as UTC with no
	// zone, as WordPress does). DateGMT is wp:post_date_gmt; it is zero for
	// drafts that were never published.
	Date    time.Time
	DateGMT time.Time
	// Modified is wp:post_modified_gmt.
	Modified time.Time
	// CreatorLogin is dc:creator, the author's login; Author is that author
	// from the channel header, or nil if the header does not list it.
	CreatorLogin string
	Author       *Author
	Parent       int64
	MenuOrder    int
	Password     string
	Sticky       bool
	Terms        []Term
	Excerpt      string
	Content      string
	Meta         []Meta
	// AttachmentURL is wp:attachment_url, only for attachments.
	AttachmentURL string
	// Comments is the number of wp:comment elements; comments are counted,
	// never imported. ApprovedComments counts those with approved = 1.
	Comments         int
	ApprovedComments int
}

// MetaValue returns the first value stored under key.
func (it *Item) MetaValue(key string) (string, bool) {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

// ThumbnailID is the featured image's attachment id (_thumbnail_id), or 0.
func (it *Item) ThumbnailID() int64 {
	v, _ := it.MetaValue("_thumbnail_id")
	id, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return id
}

// AltText is an attachment's alt text (_wp_attachment_image_alt).
func (it *Item) AltText() string {
	v, _ := it.MetaValue("_wp_attachment_image_alt")
	return v
}

// AttachedFile is an attachment's path under the uploads folder
// (_wp_attached_file), e.g. "2024/05/photo.jpg".
func (it *Item) AttachedFile() string {
	v, _ := it.MetaValue("_wp_attached_file")
	return v
}

// Caption is an attachment's caption, which WordPress keeps in the excerpt.
func (it *Item) Caption() string {
	if it.Type != "attachment" {
		return ""
	}
	return it.Excerpt
}

// Categories returns the item's terms in the "category" taxonomy.
func (it *Item) Categories() []Term { return it.termsIn("category") }

// Tags returns the item's terms in the "post_tag" taxonomy.
func (it *Item) Tags() []Term { return it.termsIn("post_tag") }

func (it *Item) termsIn(domain string) []Term {
	var out []Term
	for _, t := range it.Terms {
		if t.Domain == domain {
			out = append(out, t)
		}
	}
	return out
}

// ErrNotWXR is returned when the input is not a WordPress export (code
// wxr_not_export, 400).
var ErrNotWXR = errs.BadRequest("wxr_not_export", "the file is not a WordPress export (Tools → Export): it has no <rss><channel>")

// CodeMalformed is the code of the *errs.Error returned for an export that is
// not well-formed XML (often a truncated upload).
const CodeMalformed = "wxr_malformed"

// readErr tells a broken file (the uploader's problem, safe to show) from a
// failing reader (internal).
func readErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errs.BadRequest(CodeMalformed, "the WordPress export cannot be read: %s", err.Error())
	}
	return fmt.Errorf("wxr: %w", err)
}

// Reader streams the items of a WXR file one at a time.
type Reader struct {
	dec     *xml.Decoder
	site    Site
	authors map[string]*Author
	started bool
	done    bool
}

// NewReader returns a Reader over r. The export's encoding declaration is
// honoured (WordPress writes UTF-8; older sites may declare another charset).
// C0 control characters that XML forbids but that text pasted into
// WordPress sometimes carries (vertical tab, form feed, ...) are read as
// spaces instead of stopping the import.
func NewReader(r io.Reader) *Reader {
	dec := xml.NewDecoder(controlFilter{r})
	dec.CharsetReader = charset.NewReaderLabel
	// WordPress sometimes writes HTML entities outside CDATA.
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	return &Reader{dec: dec, authors: map[string]*Author{}}
}

// Site returns the channel information read so far. Authors come before
// the first item in WordPress's exports, so it is complete once Next has
// returned the first item (or io.EOF).
func (r *Reader) Site() Site { return r.site }

// Next returns the next item, or io.EOF after the last one. A file that is
// not an export gives ErrNotWXR; one that is not well-formed XML gives an
// *errs.Error with code CodeMalformed; other errors come from the reader.
func (r *Reader) Next() (*Item, error) {
	if r.done {
		return nil, io.EOF
	}
	if !r.started {
		if err := r.findChannel(); err != nil {
			r.done = true
			return nil, err
		}
		r.started = true
	}
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			r.done = true
			return nil, io.EOF
		}
		if err != nil {
			r.done = true
			return nil, readErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "item":
				it, err := r.readItem()
				if err != nil {
					r.done = true
					return nil, err
				}
				return it, nil
			case "author":
				a, err := r.readAuthor()
				if err != nil {
					r.done = true
					return nil, err
				}
				r.site.Authors = append(r.site.Authors, *a)
				r.authors[a.Login] = a
			case "title", "link", "description", "language", "wxr_version", "base_site_url", "base_blog_url":
				s, err := r.text()
				if err != nil {
					r.done = true
					return nil, err
				}
				r.setSite(t.Name.Local, s)
			default:
				// Categories, tags, terms, generator, image...: not needed.
				if err := r.dec.Skip(); err != nil {
					r.done = true
					return nil, readErr(err)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "channel" {
				r.done = true
				return nil, io.EOF
			}
		}
	}
}

func (r *Reader) setSite(name, v string) {
	switch name {
	case "title":
		r.site.Title = v
	case "link":
		r.site.Link = v
	case "description":
		r.site.Description = v
	case "language":
		r.site.Language = v
	case "wxr_version":
		r.site.WXRVersion = v
	case "base_site_url":
		r.site.BaseSiteURL = v
	case "base_blog_url":
		r.site.BaseBlogURL = v
	}
}

// findChannel moves past <rss> to just inside <channel>.
func (r *Reader) findChannel() error {
	sawRSS := false
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			return ErrNotWXR
		}
		if err != nil {
			return readErr(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch {
			case se.Name.Local == "rss":
				sawRSS = true
			case se.Name.Local == "channel" && sawRSS:
				return nil
			default:
				return ErrNotWXR
			}
		}
	}
}

// text reads the character data of the current element up to its end,
// skipping (but not failing on) nested elements.
func (r *Reader) text() (string, error) {
	var b strings.Builder
	depth := 0
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return "", readErr(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 0 {
				b.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
		}
	}
}

func (r *Reader) readAuthor() (*Author, error) {
	a := &Author{}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, readErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s, err := r.text()
			if err != nil {
				return nil, err
			}
			s = strings.TrimSpace(s)
			switch t.Name.Local {
			case "author_id":
				a.ID, _ = strconv.ParseInt(s, 10, 64)
			case "author_login":
				a.Login = s
			case "author_email":
				a.Email = s
			case "author_display_name":
				a.DisplayName = s
			case "author_first_name":
				a.FirstName = s
			case "author_last_name":
				a.LastName = s
			}
		case xml.EndElement:
			return a, nil
		}
	}
}

// isContentNS tells content:encoded from excerpt:encoded: both have the
// local name "encoded" and differ only in namespace.
func isContentNS(space string) bool {
	return strings.Contains(space, "purl.org/rss/1.0/modules/content") || space == "content"
}

func (r *Reader) readItem() (*Item, error) {
	it := &Item{}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, readErr(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if it.CreatorLogin != "" {
				it.Author = r.authors[it.CreatorLogin]
			}
			return it, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "category":
				term := Term{}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "domain":
						term.Domain = a.Value
					case "nicename":
						term.Slug = a.Value
					}
				}
				s, err := r.text()
				if err != nil {
					return nil, err
				}
				term.Name = strings.TrimSpace(s)
				it.Terms = append(it.Terms, term)
			case "postmeta":
				m, err := r.readPairs("meta_key", "meta_value")
				if err != nil {
					return nil, err
				}
				it.Meta = append(it.Meta, Meta{Key: m[0], Value: m[1]})
			case "comment":
				m, err := r.readPairs("comment_approved", "comment_type")
				if err != nil {
					return nil, err
				}
				if m[1] == "pingback" || m[1] == "trackback" {
					continue
				}
				it.Comments++
				if m[0] == "1" {
					it.ApprovedComments++
				}
			default:
				s, err := r.text()
				if err != nil {
					return nil, err
				}
				setItemField(it, t.Name, s)
			}
		}
	}
}

func setItemField(it *Item, name xml.Name, s string) {
	trim := strings.TrimSpace(s)
	switch name.Local {
	case "title":
		it.Title = trim
	case "link":
		it.Link = trim
	case "guid":
		it.GUID = trim
	case "creator":
		it.CreatorLogin = trim
	case "encoded":
		if isContentNS(name.Space) {
			it.Content = s
		} else {
			it.Excerpt = trim
		}
	case "post_id":
		it.ID, _ = strconv.ParseInt(trim, 10, 64)
	case "post_date":
		it.Date = parseWPTime(trim)
	case "post_date_gmt":
		it.DateGMT = parseWPTime(trim)
	case "post_modified_gmt":
		it.Modified = parseWPTime(trim)
	case "post_name":
		it.Slug = trim
	case "status":
		it.Status = trim
	case "post_parent":
		it.Parent, _ = strconv.ParseInt(trim, 10, 64)
	case "menu_order":
		it.MenuOrder, _ = strconv.Atoi(trim)
	case "post_type":
		it.Type = trim
	case "post_password":
		it.Password = s
	case "is_sticky":
		it.Sticky = trim == "1"
	case "attachment_url":
		it.AttachmentURL = trim
	}
}

// readPairs reads a container element and returns the text of two of its
// children by local name.
func (r *Reader) readPairs(a, b string) ([2]string, error) {
	var out [2]string
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return out, readErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s, err := r.text()
			if err != nil {
				return out, err
			}
			switch t.Name.Local {
			case a:
				out[0] = s
			case b:
				out[1] = s
			}
		case xml.EndElement:
			return out, nil
		}
	}
}

// parseWPTime reads WordPress's "2006-01-02 15:04:05"; the zero date
// WordPress writes for never-published drafts gives the zero time.
func parseWPTime(s string) time.Time {
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Ref returns the small part of the item that an Index keeps.
func (it *Item) Ref() ItemRef {
	return ItemRef{ID: it.ID, Type: it.Type, Status: it.Status, Title: it.Title,
		Slug: it.Slug, Link: it.Link, Parent: it.Parent, Date: it.Date}
}

// controlFilter replaces the C0 control bytes XML 1.0 forbids with spaces.
// In UTF-8 and in the single-byte charsets WordPress exports use, such bytes
// are never part of a multi-byte character, so this is safe on a stream.
type controlFilter struct{ r io.Reader }

func (f controlFilter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	for i := 0; i < n; i++ {
		if c := p[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			p[i] = ' '
		}
	}
	return n, err
}
