// Package importer brings a clinic's WordPress site into ClinicPress: it
// reads a WordPress export (internal/wxr, two streaming passes), turns
// posts and pages into draft articles through the article service (so the
// advertising rules run and nothing goes live without a doctor's
// sign-off), brings every image an item uses into the media library
// (internal/media: sniffed, stripped of EXIF, with alt text and caption),
// rewrites body images to "media:ID" references and internal links to the
// new article URLs, fills the clinic's redirect table with the old
// permalinks, and keeps its own bookkeeping in imported_items so that
// running the same import again only writes what changed.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/media"
	"github.com/clinicpress/clinicpress/internal/redirects"
	"github.com/clinicpress/clinicpress/internal/wxr"
)

// Source is the imported_items.source of WordPress imports.
const Source = "wordpress"

// PageTag is the tag imported WordPress pages carry until ClinicPress has
// pages of its own (the parent is kept in imported_items.wp_parent).
const PageTag = "page"

// Importer runs WordPress imports.
type Importer struct {
	DB        *db.DB
	Articles  *article.Service
	Media     *media.Service
	Redirects *redirects.Service
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Progress is told after each post or page: done of total.
type Progress func(done, total int, item ItemReport)

// Input is one import run.
type Input struct {
	// Open opens the export file; it is called twice (index, then items).
	Open func() (io.ReadCloser, error)
	// Uploads holds wp-content/uploads (nil: every image is missing).
	Uploads *wxr.Uploads
	// Progress, if set, is called after each item.
	Progress Progress
}

// ImportedItem is one row of the importer's bookkeeping.
type ImportedItem struct {
	ID              int64
	ClinicID        int64
	Source          string
	SourceKey       string
	WPID            int64  `gorm:"column:wp_id"`
	WPType          string `gorm:"column:wp_type"`
	WPParent        int64  `gorm:"column:wp_parent"`
	GUID            string `gorm:"column:guid"`
	ArticleID       *int64
	MediaID         *int64
	FeaturedMediaID *int64
	SourceHash      string
	Report          string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName is the bookkeeping table.
func (ImportedItem) TableName() string { return "imported_items" }

// Items lists the clinic's imported items of the WordPress source (the
// lead's hook to connect featured images and page parents).
func (im *Importer) Items(ctx context.Context, clinicID int64) ([]ImportedItem, error) {
	var out []ImportedItem
	err := im.DB.WithContext(ctx).Where("clinic_id = ? AND source = ?", clinicID, Source).Order("wp_id, id").Find(&out).Error
	return out, err
}

type planned struct {
	slug      string
	articleID int64
	version   int
	hash      string
	row       *ImportedItem
}

type run struct {
	im      *Importer
	ctx     context.Context
	sc      clinic.Scope
	ix      *wxr.Index
	in      Input
	site    string
	plan    map[int64]*planned // WordPress post/page id → article
	media   map[string]int64   // source key → media id
	rep     *Report
	cur     *ItemReport // item being converted (ImageRef reports into it)
	fatal   error
	convert *wxr.Converter
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

// importable reports whether a WordPress item becomes an article.
func importable(ref wxr.ItemRef) bool {
	if ref.Type != "post" && ref.Type != "page" {
		return false
	}
	switch ref.Status {
	case "publish", "draft", "pending", "private", "future":
		return true
	}
	return false
}

// Run imports an export into the clinic of sc. sc must be allowed to write
// articles and media (a writer or clinic admin: the articles are created in
// their name, as drafts).
func (im *Importer) Run(ctx context.Context, sc clinic.Scope, in Input) (*Report, error) {
	rep := &Report{Clinic: sc.Clinic().Slug, StartedAt: im.now(), Items: []ItemReport{}, MissingImages: []MissingImage{},
		Authors: []Author{}, CommentsNote: CommentsNote}
	f, err := in.Open()
	if err != nil {
		return nil, err
	}
	ix, err := wxr.BuildIndex(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	rep.Site = ix.Site.Link
	rep.Comments = ix.Comments
	r := &run{im: im, ctx: ctx, sc: sc, ix: ix, in: in, rep: rep, plan: map[int64]*planned{}, media: map[string]int64{}}
	r.site = siteKey(ix.Site)
	if err := r.load(); err != nil {
		return nil, err
	}
	r.convert = wxr.NewConverter(ix)
	r.convert.ImageRef = r.imageRef
	r.convert.LinkRef = r.linkRef
	for _, ref := range ix.Items {
		if importable(ref) {
			rep.Total++
		}
	}

	f, err = in.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := wxr.NewReader(f)
	authors := map[string]int{}
	done := 0
	for {
		it, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		if !importable(it.Ref()) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		ir := r.item(it)
		if r.fatal != nil {
			return rep, r.fatal
		}
		authors[it.CreatorLogin]++
		rep.Items = append(rep.Items, ir)
		switch ir.Action {
		case ActionCreated:
			rep.Created++
		case ActionUpdated:
			rep.Updated++
		case ActionUnchanged:
			rep.Unchanged++
		case ActionSkipped:
			rep.Skipped++
		default:
			rep.Failed++
		}
		done++
		if in.Progress != nil {
			in.Progress(done, rep.Total, ir)
		}
	}
	if err := r.attachmentPages(); err != nil {
		return rep, err
	}
	for _, a := range rd.Site().Authors {
		rep.Authors = append(rep.Authors, Author{Login: a.Login, DisplayName: a.DisplayName, Email: a.Email, Items: authors[a.Login]})
	}
	rep.FinishedAt = im.now()
	return rep, nil
}

// siteKey names the WordPress site in source keys, so two sites imported
// into one clinic do not collide on post ids.
func siteKey(s wxr.Site) string {
	raw := s.BaseBlogURL
	if raw == "" {
		raw = s.Link
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "wp"
	}
	return strings.TrimPrefix(strings.ToLower(u.Host), "www.") + strings.TrimSuffix(u.Path, "/")
}

func (r *run) key(id int64) string { return r.site + "/" + strconv.FormatInt(id, 10) }

// load reads the clinic's earlier imports and plans every item's slug:
// an item imported before keeps its article's slug; a new one gets its
// WordPress slug, made unique within the clinic.
func (r *run) load() error {
	tx := r.im.DB.WithContext(r.ctx)
	cid := r.sc.ClinicID()
	var rows []ImportedItem
	if err := tx.Where("clinic_id = ? AND source = ?", cid, Source).Find(&rows).Error; err != nil {
		return err
	}
	byKey := map[string]*ImportedItem{}
	for i := range rows {
		row := &rows[i]
		byKey[row.SourceKey] = row
		if row.MediaID != nil {
			r.media[row.SourceKey] = *row.MediaID
		}
	}
	var arts []struct {
		ID      int64
		Slug    string
		Version int
	}
	if err := tx.Raw(`SELECT id, slug, version FROM articles WHERE clinic_id = ?`, cid).Scan(&arts).Error; err != nil {
		return err
	}
	taken := map[string]bool{}
	byID := map[int64]int{}
	for i, a := range arts {
		taken[a.Slug] = true
		byID[a.ID] = i
	}
	ids := make([]int64, 0, len(r.ix.Items))
	for id, ref := range r.ix.Items {
		if importable(ref) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var fresh []int64
	for _, id := range ids {
		row := byKey[r.key(id)]
		if row != nil && row.ArticleID != nil {
			if i, ok := byID[*row.ArticleID]; ok {
				r.plan[id] = &planned{slug: arts[i].Slug, articleID: arts[i].ID, version: arts[i].Version, hash: row.SourceHash, row: row}
				continue
			}
		}
		fresh = append(fresh, id)
	}
	for _, id := range fresh {
		ref := r.ix.Items[id]
		base := ref.Slug
		if dec, err := url.PathUnescape(base); err == nil {
			base = dec
		}
		base = article.Slugify(base)
		if !clinic.ValidSlug(base) {
			base = article.Slugify(wxr.PlainText(ref.Title))
		}
		if !clinic.ValidSlug(base) {
			base = fmt.Sprintf("%s-%d", ref.Type, id)
		}
		slug := base
		for n := 2; taken[slug]; n++ {
			suffix := "-" + strconv.Itoa(n)
			b := base
			if len(b)+len(suffix) > 80 {
				b = strings.TrimRight(b[:80-len(suffix)], "-")
			}
			slug = b + suffix
		}
		taken[slug] = true
		r.plan[id] = &planned{slug: slug, row: byKey[r.key(id)]}
	}
	return nil
}

func (r *run) linkRef(u string) (string, bool) {
	ref, ok := r.ix.Resolve(u)
	if !ok {
		return "", false
	}
	if p, ok := r.plan[ref.ID]; ok {
		return "/articles/" + p.slug, true
	}
	if ref.Type == "attachment" {
		if p, ok := r.plan[ref.Parent]; ok {
			return "/articles/" + p.slug, true
		}
	}
	return "", false
}

func (r *run) imageRef(src string, attID int64) string {
	if r.fatal != nil {
		return src
	}
	id, reason, err := r.mediaFor(attID, src)
	if err != nil {
		r.fatal = err
		return src
	}
	if id == 0 {
		r.missing(src, reason)
		return src
	}
	return "media:" + strconv.FormatInt(id, 10)
}

func (r *run) missing(src, reason string) {
	if r.cur == nil {
		return
	}
	r.cur.MissingImages = append(r.cur.MissingImages, src)
	r.rep.MissingImages = append(r.rep.MissingImages, MissingImage{WPID: r.cur.WPID, Src: src, Reason: reason})
}

func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// mediaFor brings the image behind an attachment id or URL into the media
// library, once per clinic: it answers the media id, or 0 and why not.
func (r *run) mediaFor(attID int64, src string) (int64, string, error) {
	if attID == 0 && src != "" {
		attID, _ = r.ix.AttachmentBySrc(src)
	}
	var att wxr.Attachment
	key := ""
	if attID > 0 {
		a, ok := r.ix.Attachment(attID)
		if !ok && src == "" {
			return 0, fmt.Sprintf("attachment %d is not in the export", attID), nil
		}
		if ok {
			att = a
			key = r.key(attID)
		}
	}
	if key == "" {
		p := wxr.UploadPath(src)
		if p == "" {
			return 0, "not an upload of this WordPress site", nil
		}
		key = r.site + "/file/" + wxr.OriginalUploadPath(p)
	}
	if id, ok := r.media[key]; ok {
		return id, "", nil
	}
	if r.in.Uploads == nil {
		return 0, "no uploads were given", nil
	}
	var name string
	var found bool
	for _, cand := range []string{att.URL, att.File, src} {
		if cand != "" {
			if name, found = r.in.Uploads.Find(cand); found {
				break
			}
		}
	}
	if !found {
		return 0, "not in the uploads", nil
	}
	fh, err := r.in.Uploads.FS().Open(name)
	if err != nil {
		return 0, "", fmt.Errorf("importer: open %s: %w", name, err)
	}
	defer fh.Close()
	h := sha256.New()
	m, err := r.im.Media.Upload(r.ctx, r.sc, media.UploadInput{Filename: path.Base(name), Body: io.TeeReader(fh, h),
		Alt: truncRunes(strings.TrimSpace(att.Alt), media.MaxAltLen), Caption: truncRunes(strings.TrimSpace(wxr.PlainText(att.Caption)), media.MaxCaptionLen)})
	if err != nil {
		if e, ok := errs.As(err); ok {
			return 0, "refused by the media library: " + e.Message, nil
		}
		return 0, "", err
	}
	r.rep.MediaUploaded++
	now := r.im.now()
	typ := "attachment"
	if attID == 0 {
		typ = "file"
	}
	row := ImportedItem{ClinicID: r.sc.ClinicID(), Source: Source, SourceKey: key, WPID: attID, WPType: typ, WPParent: att.Parent,
		MediaID: &m.ID, SourceHash: "sha256:" + hex.EncodeToString(h.Sum(nil)), Report: "{}", CreatedAt: now, UpdatedAt: now}
	if err := r.im.DB.WithContext(r.ctx).Create(&row).Error; err != nil {
		return 0, "", fmt.Errorf("importer: record media: %w", err)
	}
	r.media[key] = m.ID
	return m.ID, "", nil
}

// tagsOf is the item's categories and tags (WordPress's "Uncategorized"
// left out), plus PageTag for pages, within the article limits.
func tagsOf(it *wxr.Item) []string {
	var in []string
	for _, t := range it.Terms {
		if t.Domain != "category" && t.Domain != "post_tag" {
			continue
		}
		if t.Domain == "category" && t.Slug == "uncategorized" {
			continue
		}
		in = append(in, truncRunes(wxr.PlainText(t.Name), article.MaxTag))
	}
	if it.Type == "page" {
		in = append(in, PageTag)
	}
	out := article.NormalizeTags(in)
	if len(out) > article.MaxTags {
		out = out[:article.MaxTags]
	}
	return out
}

// item imports one post or page.
func (r *run) item(it *wxr.Item) ItemReport {
	p := r.plan[it.ID]
	ir := ItemReport{WPID: it.ID, Type: it.Type, Status: it.Status, Title: strings.TrimSpace(wxr.PlainText(it.Title)), Slug: p.slug,
		Comments: it.Comments, Issues: []Issue{}, MissingImages: []string{}, OldPaths: wxr.OldPaths(it.Ref(), r.ix.Site)}
	if ir.OldPaths == nil {
		ir.OldPaths = []string{}
	}
	if it.Type == "page" {
		ir.Parent = it.Parent
	}
	if it.Author != nil {
		ir.Author = it.Author.DisplayName
	} else {
		ir.Author = it.CreatorLogin
	}
	if ir.Title == "" {
		ir.Title = fmt.Sprintf("Untitled WordPress %s %d", it.Type, it.ID)
	}
	ir.Title = truncRunes(ir.Title, article.MaxTitle)
	if (it.Status == "publish" || it.Status == "private") && !it.DateGMT.IsZero() {
		t := it.DateGMT.UTC()
		ir.OriginalPublishedAt = &t
	}
	r.cur = &ir
	defer func() { r.cur = nil }()

	res, err := r.convert.Convert(it)
	if r.fatal != nil {
		return ir
	}
	if err != nil {
		ir.Action, ir.Error = ActionFailed, "the content could not be converted"
		return ir
	}
	ir.Issues = issues(res.Issues)
	ir.Images = len(res.Images)
	if th := it.ThumbnailID(); th > 0 {
		id, reason, err := r.mediaFor(th, "")
		if err != nil {
			r.fatal = err
			return ir
		}
		if id > 0 {
			ir.FeaturedMediaID = &id
		} else {
			src := fmt.Sprintf("featured image (attachment %d)", th)
			if a, ok := r.ix.Attachment(th); ok {
				src = a.URL
			}
			r.missing(src, reason)
		}
	}
	d := article.Draft{Title: ir.Title, Slug: p.slug, Summary: truncRunes(strings.TrimSpace(wxr.PlainText(it.Excerpt)), article.MaxSummary),
		Body: res.Markdown, Tags: tagsOf(it)}
	if len(d.Body) > article.MaxBody {
		ir.Action, ir.Error = ActionFailed, fmt.Sprintf("the converted body is longer than %d characters", article.MaxBody)
		return ir
	}
	hash := sourceHash(d, ir.FeaturedMediaID, it.Parent)

	var v article.View
	switch {
	case p.articleID != 0 && p.hash == hash:
		ir.Action, ir.ArticleID = ActionUnchanged, p.articleID
		v, err = r.im.Articles.Get(r.ctx, r.sc, p.articleID)
		if err == nil {
			ir.Revision, ir.Findings = v.CurrentRevision, len(v.Current.Findings)
		}
		return ir
	case p.articleID != 0:
		d.Slug = ""
		v, err = r.im.Articles.Update(r.ctx, r.sc, p.articleID, article.Edit{Draft: d, Version: p.version})
		ir.Action = ActionUpdated
	default:
		v, err = r.im.Articles.Create(r.ctx, r.sc, d)
		ir.Action = ActionCreated
	}
	if err != nil {
		if e, ok := errs.As(err); ok {
			ir.Action, ir.Error = ActionFailed, e.Message
			return ir
		}
		r.fatal = err
		return ir
	}
	ir.ArticleID, ir.Revision, ir.Findings, ir.Slug = v.ID, v.CurrentRevision, len(v.Current.Findings), v.Slug
	p.articleID, p.version, p.hash = v.ID, v.Version, hash
	if err := r.record(it, &ir, hash); err != nil {
		r.fatal = err
	}
	return ir
}

func sourceHash(d article.Draft, featured *int64, parent int64) string {
	b, _ := json.Marshal([]any{"clinicpress.import.v1", d.Title, d.Slug, d.Summary, d.Body, article.NormalizeTags(d.Tags), featured, parent})
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// record writes the bookkeeping row, the original publication date and the
// redirects of one imported item in one transaction.
func (r *run) record(it *wxr.Item, ir *ItemReport, hash string) error {
	cid := r.sc.ClinicID()
	now := r.im.now()
	rep, _ := json.Marshal(ir)
	return r.im.DB.Tx(r.ctx, func(tx *gorm.DB) error {
		if ir.OriginalPublishedAt != nil {
			if err := tx.Exec(`UPDATE articles SET original_published_at = ? WHERE clinic_id = ? AND id = ?`, *ir.OriginalPublishedAt, cid, ir.ArticleID).Error; err != nil {
				return err
			}
		}
		aid := ir.ArticleID
		res := tx.Model(&ImportedItem{}).Where("clinic_id = ? AND source = ? AND source_key = ?", cid, Source, r.key(it.ID)).
			Updates(map[string]any{"article_id": aid, "featured_media_id": ir.FeaturedMediaID, "source_hash": hash, "wp_parent": it.Parent,
				"guid": it.GUID, "report": string(rep), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			row := ImportedItem{ClinicID: cid, Source: Source, SourceKey: r.key(it.ID), WPID: it.ID, WPType: it.Type, WPParent: it.Parent,
				GUID: it.GUID, ArticleID: &aid, FeaturedMediaID: ir.FeaturedMediaID, SourceHash: hash, Report: string(rep), CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		for _, op := range ir.OldPaths {
			wrote, err := r.im.Redirects.PutImportTx(tx, cid, op, aid)
			if err != nil {
				return err
			}
			if wrote {
				r.rep.Redirects++
			}
		}
		return nil
	})
}

// attachmentPages points the old attachment pages of images that belong to
// an imported item at that item's article.
func (r *run) attachmentPages() error {
	cid := r.sc.ClinicID()
	return r.im.DB.Tx(r.ctx, func(tx *gorm.DB) error {
		for id, a := range r.ix.Attachments {
			p, ok := r.plan[a.Parent]
			if !ok || p.articleID == 0 {
				continue
			}
			ref, ok := r.ix.Items[id]
			if !ok {
				continue
			}
			for _, op := range wxr.OldPaths(ref, r.ix.Site) {
				wrote, err := r.im.Redirects.PutImportTx(tx, cid, op, p.articleID)
				if err != nil {
					return err
				}
				if wrote {
					r.rep.Redirects++
				}
			}
		}
		return nil
	})
}
