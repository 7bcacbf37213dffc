package wxr

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Attachment is what the index keeps of an attachment item.
type Attachment struct {
	ID     int64
	Parent int64
	// URL is wp:attachment_url, the full-size file.
	URL string
	// File is the path under the uploads folder (_wp_attached_file).
	File      string
	Title     string
	Alt       string
	Caption   string
	MenuOrder int
}

// ItemRef is what the index keeps of every item: enough to resolve links
// and build redirects, none of the content.
type ItemRef struct {
	ID     int64
	Type   string
	Status string
	Title  string
	Slug   string
	Link   string
	Parent int64
	Date   time.Time
}

// Index is the result of a first streaming pass over an export: every item's
// id, type, slug and link, every attachment's URL, alt text and caption, and
// the comment count. Its size grows with the number of items, not with their
// content.
type Index struct {
	Site        Site
	Items       map[int64]ItemRef
	Attachments map[int64]Attachment
	// Comments is the number of comments in the export (none are imported).
	Comments int
	// Blocks holds the content of reusable blocks (post type wp_block), which
	// other items include by reference; they are few and small.
	Blocks map[int64]string

	byPath map[string]int64
	byFile map[string]int64
	hosts  map[string]bool
}

// BuildIndex reads a whole export once and returns its index.
func BuildIndex(r io.Reader) (*Index, error) {
	ix := &Index{
		Items:       map[int64]ItemRef{},
		Attachments: map[int64]Attachment{},
		Blocks:      map[int64]string{},
		byPath:      map[string]int64{},
		byFile:      map[string]int64{},
		hosts:       map[string]bool{},
	}
	rd := NewReader(r)
	for {
		it, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		ix.add(it)
	}
	ix.Site = rd.Site()
	for _, u := range []string{ix.Site.Link, ix.Site.BaseSiteURL, ix.Site.BaseBlogURL} {
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			ix.hosts[normHost(pu.Host)] = true
		}
	}
	for id, ref := range ix.Items {
		for _, p := range OldPaths(ref, ix.Site) {
			if !strings.Contains(p, "?") {
				ix.byPath[normPath(p)] = id
			}
		}
	}
	return ix, nil
}

func (ix *Index) add(it *Item) {
	ix.Comments += it.Comments
	ix.Items[it.ID] = it.Ref()
	if it.Type == "wp_block" {
		ix.Blocks[it.ID] = it.Content
	}
	if it.Type != "attachment" {
		return
	}
	a := Attachment{ID: it.ID, Parent: it.Parent, URL: it.AttachmentURL, File: it.AttachedFile(),
		Title: it.Title, Alt: it.AltText(), Caption: it.Caption(), MenuOrder: it.MenuOrder}
	ix.Attachments[it.ID] = a
	if p := UploadPath(a.URL); p != "" {
		ix.byFile[OriginalUploadPath(p)] = it.ID
	}
	if a.File != "" {
		ix.byFile[OriginalUploadPath(a.File)] = it.ID
	}
}

// Attachment returns the attachment with WordPress id id.
func (ix *Index) Attachment(id int64) (Attachment, bool) {
	a, ok := ix.Attachments[id]
	return a, ok
}

// AttachmentBySrc finds the attachment an image URL shows, including the
// resized copies WordPress makes ("photo-300x200.jpg" is "photo.jpg").
func (ix *Index) AttachmentBySrc(src string) (int64, bool) {
	p := UploadPath(src)
	if p == "" {
		return 0, false
	}
	id, ok := ix.byFile[OriginalUploadPath(p)]
	return id, ok
}

// Resolve tells which item an internal link points to: a permalink in the
// current or the date-based form, "?p=ID", "?page_id=ID" or
// "?attachment_id=ID", absolute on the site's host (with or without www,
// http or https) or relative. Links to other hosts resolve to nothing.
func (ix *Index) Resolve(raw string) (ItemRef, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ItemRef{}, false
	}
	if u.Host != "" && !ix.hosts[normHost(u.Host)] {
		return ItemRef{}, false
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return ItemRef{}, false
	}
	q := u.Query()
	for _, k := range []string{"p", "page_id", "attachment_id"} {
		if v := q.Get(k); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ItemRef{}, false
			}
			ref, ok := ix.Items[id]
			return ref, ok
		}
	}
	if u.Path == "" {
		return ItemRef{}, false
	}
	id, ok := ix.byPath[normPath(u.Path)]
	if !ok {
		return ItemRef{}, false
	}
	return ix.Items[id], true
}

// ChildAttachments lists the attachments whose parent is id, in menu order
// and then id order: what a [gallery] without ids shows.
func (ix *Index) ChildAttachments(id int64) []Attachment {
	var out []Attachment
	for _, a := range ix.Attachments {
		if a.Parent == id {
			out = append(out, a)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func less(a, b Attachment) bool {
	if a.MenuOrder != b.MenuOrder {
		return a.MenuOrder < b.MenuOrder
	}
	return a.ID < b.ID
}

// OldPaths lists the paths (with query where WordPress uses one) under which
// the old site served an item, for the redirect table: the exported
// permalink's path, "/%postname%/", "/%year%/%monthnum%/%day%/%postname%/"
// and "/?p=ID" for posts; the hierarchical path, "/?page_id=ID" and
// "/?p=ID" for pages; the attachment page and "/?attachment_id=ID" for
// attachments. Items that were never public (drafts, pending, private,
// scheduled, trashed) had no public URL and get none. Paths carry the
// blog's base path when WordPress lived in a sub-folder.
func OldPaths(ref ItemRef, site Site) []string {
	switch ref.Type {
	case "post", "page":
		if ref.Status != "publish" {
			return nil
		}
	case "attachment":
	default:
		return nil
	}
	base := ""
	if u, err := url.Parse(firstNonEmpty(site.BaseBlogURL, site.Link)); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	seen := map[string]bool{}
	var out []string
	addPath := func(p string) {
		if p == "" || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
	}
	if u, err := url.Parse(ref.Link); err == nil && u.Path != "" && u.Path != "/" {
		p := u.Path
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		addPath(p)
	}
	id := strconv.FormatInt(ref.ID, 10)
	switch ref.Type {
	case "post":
		if ref.Slug != "" {
			addPath(base + "/" + ref.Slug + "/")
			if !ref.Date.IsZero() {
				addPath(fmt.Sprintf("%s/%04d/%02d/%02d/%s/", base, ref.Date.Year(), int(ref.Date.Month()), ref.Date.Day(), ref.Slug))
			}
		}
		addPath(base + "/?p=" + id)
	case "page":
		addPath(base + "/?page_id=" + id)
		addPath(base + "/?p=" + id)
	case "attachment":
		addPath(base + "/?attachment_id=" + id)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func normHost(h string) string {
	h = strings.ToLower(h)
	return strings.TrimPrefix(h, "www.")
}

func normPath(p string) string {
	p = strings.ToLower(path.Clean("/" + p))
	return strings.TrimSuffix(p, "/")
}

// UploadPath returns the part of an image URL after "/wp-content/uploads/"
// (the path inside the uploads archive), or "" for other URLs.
func UploadPath(src string) string {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil {
		return ""
	}
	const marker = "/wp-content/uploads/"
	i := strings.Index(u.Path, marker)
	if i < 0 {
		return ""
	}
	return u.Path[i+len(marker):]
}

// OriginalUploadPath maps a resized copy's path to the original's:
// "2024/05/photo-300x200.jpg" and "2024/05/photo-scaled.jpg" give
// "2024/05/photo.jpg". Other paths come back unchanged.
func OriginalUploadPath(p string) string {
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	if s, ok := strings.CutSuffix(stem, "-scaled"); ok {
		return s + ext
	}
	dash := strings.LastIndexByte(stem, '-')
	if dash < 0 {
		return p
	}
	w, h, ok := strings.Cut(stem[dash+1:], "x")
	if ok && isDigits(w) && isDigits(h) {
		return stem[:dash] + ext
	}
	return p
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
