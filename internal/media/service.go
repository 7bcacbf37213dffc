package media

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mediastore"
)

// Text limits, in characters.
const (
	MaxAltLen     = 300
	MaxCaptionLen = 1000
	MaxNameLen    = 200
)

// mediaRow is the media table.
type mediaRow struct {
	ID           int64      `gorm:"column:id;primaryKey"`
	ClinicID     int64      `gorm:"column:clinic_id"`
	SHA256       string     `gorm:"column:sha256"`
	UploadSHA256 string     `gorm:"column:upload_sha256"`
	StorageKey   string     `gorm:"column:storage_key"`
	ContentType  string     `gorm:"column:content_type"`
	SourceType   string     `gorm:"column:source_type"`
	Width        int        `gorm:"column:width"`
	Height       int        `gorm:"column:height"`
	Bytes        int64      `gorm:"column:bytes"`
	OriginalName string     `gorm:"column:original_name"`
	Alt          string     `gorm:"column:alt"`
	Caption      string     `gorm:"column:caption"`
	UploadedBy   *int64     `gorm:"column:uploaded_by"`
	Version      int        `gorm:"column:version"`
	VariantsAt   *time.Time `gorm:"column:variants_at"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	UpdatedAt    time.Time  `gorm:"column:updated_at"`
}

func (mediaRow) TableName() string { return "media" }

// variantRow is the media_variants table.
type variantRow struct {
	ClinicID    int64     `gorm:"column:clinic_id"`
	MediaID     int64     `gorm:"column:media_id"`
	Width       int       `gorm:"column:width"`
	Height      int       `gorm:"column:height"`
	SHA256      string    `gorm:"column:sha256"`
	StorageKey  string    `gorm:"column:storage_key"`
	ContentType string    `gorm:"column:content_type"`
	Bytes       int64     `gorm:"column:bytes"`
	CreatedAt   time.Time `gorm:"column:created_at"`
}

func (variantRow) TableName() string { return "media_variants" }

func (r mediaRow) view(vs []variantRow) Media {
	m := Media{ID: r.ID, ClinicID: r.ClinicID, SHA256: r.SHA256, ContentType: r.ContentType, SourceType: r.SourceType,
		Width: r.Width, Height: r.Height, Bytes: r.Bytes, OriginalName: r.OriginalName, Alt: r.Alt, Caption: r.Caption,
		UploadedBy: r.UploadedBy, Version: r.Version, VariantsReady: r.VariantsAt != nil,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Variants: []Variant{}}
	for _, v := range vs {
		m.Variants = append(m.Variants, Variant{Width: v.Width, Height: v.Height, SHA256: v.SHA256, ContentType: v.ContentType, Bytes: v.Bytes})
	}
	return m
}

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Second) }

func notFound() error { return errs.NotFound("media") }

// acquire takes a decoding slot.
func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.sem }

// cleanText collapses runs of white space (newlines included) into one
// space and refuses other control characters and invalid UTF-8.
func cleanText(v *errs.Validation, field, in string, max int) string {
	if !utf8.ValidString(in) {
		v.Add(field, "is not valid text")
		return ""
	}
	for _, r := range in {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			v.Add(field, "contains control characters")
			return ""
		}
	}
	out := strings.Join(strings.Fields(in), " ")
	if n := utf8.RuneCountInString(out); n > max {
		v.Add(field, "is %d characters long; at most %d are allowed", n, max)
	}
	return out
}

// cleanName keeps the last path element of a client's file name, without
// control characters, at most MaxNameLen characters.
func cleanName(in string) string {
	in = strings.ToValidUTF8(in, "")
	in = strings.ReplaceAll(in, "\\", "/")
	in = path.Base(in)
	in = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, in)
	in = strings.TrimSpace(in)
	if in == "" || in == "." || in == "/" {
		return "upload"
	}
	if r := []rune(in); len(r) > MaxNameLen {
		in = string(r[:MaxNameLen])
	}
	return in
}

func nonce() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// originalKey names a stored original; the nonce keeps two uploads of the
// same bytes apart, so deleting one never removes the other's blob.
func originalKey(clinicID int64, sha, ext string) string {
	return fmt.Sprintf("%d/o/%s-%s.%s", clinicID, sha, nonce(), ext)
}

// variantKey names a variant; it is deterministic, so a second run of the
// job writes the same key with the same bytes.
func variantKey(clinicID, mediaID int64, width int, sha, ext string) string {
	return fmt.Sprintf("%d/v/%d/%d-%s.%s", clinicID, mediaID, width, sha, ext)
}

// hashedFile is a temporary file written through a sha256.
type hashedFile struct {
	f    *os.File
	sha  string
	size int64
}

// writeTemp streams w's output into a new temporary file, hashing it.
func (s *Service) writeTemp(pattern string, w func(io.Writer) error) (*hashedFile, error) {
	f, err := os.CreateTemp(s.opt.TempDir, pattern)
	if err != nil {
		return nil, fmt.Errorf("media: temp file: %w", err)
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 64<<10)
	if err = w(bw); err == nil {
		err = bw.Flush()
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("media: temp file: %w", err)
	}
	return &hashedFile{f: f, sha: hex.EncodeToString(h.Sum(nil)), size: size}, nil
}

func (h *hashedFile) remove() {
	h.f.Close()
	os.Remove(h.f.Name())
}

// Upload adds an image to the caller's clinic library. The body is
// streamed to a temporary file (at most Options.MaxBytes: 413 too_large),
// its type decided from its bytes (415 unsupported_media_type for anything
// but JPEG, PNG, WebP and GIF, and for polyglots, damaged and empty files),
// its size checked from the header (422 image_too_large), then it is
// decoded, turned upright by its EXIF orientation and re-encoded without
// any metadata: JPEG stays JPEG, PNG stays PNG, GIF keeps its first frame
// as PNG, WebP becomes JPEG (lossy) or PNG (lossless or with alpha). The
// re-encoded bytes are what is stored and what SHA256 names.
func (s *Service) Upload(ctx context.Context, sc Scope, in UploadInput) (Media, error) {
	if err := sc.Require(ObjMedia, ActWrite); err != nil {
		return Media{}, err
	}
	var v errs.Validation
	alt := cleanText(&v, "alt", in.Alt, MaxAltLen)
	caption := cleanText(&v, "caption", in.Caption, MaxCaptionLen)
	if err := v.Err(); err != nil {
		return Media{}, err
	}
	if in.Body == nil {
		return Media{}, unsupported("the upload is empty; %s", acceptList)
	}
	name := cleanName(in.Filename)

	var tooBig bool
	up, err := s.writeTemp("clinicpress-upload-*", func(w io.Writer) error {
		n, err := io.Copy(w, io.LimitReader(in.Body, s.opt.MaxBytes+1))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errs.BadRequest("upload_unreadable", "the upload could not be read to the end; try again")
		}
		tooBig = n > s.opt.MaxBytes
		return nil
	})
	if err != nil {
		return Media{}, err
	}
	defer up.remove()
	if tooBig {
		return Media{}, errs.New(http.StatusRequestEntityTooLarge, "too_large", "the file is larger than the %d MB limit", s.opt.MaxBytes>>20)
	}
	if up.size == 0 {
		return Media{}, unsupported("the file is empty; %s", acceptList)
	}

	if err := s.acquire(ctx); err != nil {
		return Media{}, err
	}
	p, err := s.inspectAndDecode(up.f, up.size)
	var out *hashedFile
	if err == nil {
		out, err = s.writeTemp("clinicpress-media-*", func(w io.Writer) error { return encode(w, p.img, p.out, s.opt.JPEGQuality) })
	}
	s.release()
	if err != nil {
		return Media{}, err
	}
	defer out.remove()
	b := p.img.Bounds()

	clinicID := sc.ClinicID()
	row := mediaRow{ClinicID: clinicID, SHA256: out.sha, UploadSHA256: up.sha, ContentType: p.out, SourceType: p.source,
		Width: b.Dx(), Height: b.Dy(), Bytes: out.size, OriginalName: name, Alt: alt, Caption: caption,
		Version: 1}
	row.StorageKey = originalKey(clinicID, out.sha, ext(p.out))
	if err := s.store.Put(ctx, row.StorageKey, out.f, out.size, p.out); err != nil {
		return Media{}, fmt.Errorf("media: store original: %w", err)
	}
	actor := sc.Actor()
	if actor.UserID != 0 {
		id := actor.UserID
		row.UploadedBy = &id
	}
	now := s.now()
	row.CreatedAt, row.UpdatedAt = now, now
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		row.ID = 0
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("media: insert: %w", err)
		}
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: actor.UserID, Action: "media.uploaded",
			TargetType: "media", TargetID: row.ID, RequestID: actor.RequestID, At: now,
			After: map[string]any{"sha256": row.SHA256, "name": row.OriginalName, "type": row.ContentType,
				"width": row.Width, "height": row.Height, "alt": row.Alt, "caption": row.Caption}})
	})
	if err != nil {
		if derr := s.store.Delete(context.WithoutCancel(ctx), row.StorageKey); derr != nil {
			slog.Warn("media: remove blob of failed upload", "key", row.StorageKey, "err", derr)
		}
		return Media{}, err
	}
	return row.view(nil), nil
}

// loadTx reads one media row of the clinic (404 when it is not there).
func loadTx(tx *gorm.DB, clinicID, id int64) (mediaRow, error) {
	var rows []mediaRow
	if err := tx.Raw(`SELECT * FROM media WHERE clinic_id = ? AND id = ?`, clinicID, id).Scan(&rows).Error; err != nil {
		return mediaRow{}, err
	}
	if len(rows) == 0 {
		return mediaRow{}, notFound()
	}
	return rows[0], nil
}

// variantsTx reads the variants of the clinic's media ids, by media id,
// narrowest first.
func variantsTx(tx *gorm.DB, clinicID int64, ids []int64) (map[int64][]variantRow, error) {
	out := map[int64][]variantRow{}
	if len(ids) == 0 {
		return out, nil
	}
	var vs []variantRow
	if err := tx.Raw(`SELECT * FROM media_variants WHERE clinic_id = ? AND media_id IN ? ORDER BY media_id, width`, clinicID, ids).Scan(&vs).Error; err != nil {
		return nil, err
	}
	for _, v := range vs {
		out[v.MediaID] = append(out[v.MediaID], v)
	}
	return out, nil
}

func (s *Service) get(ctx context.Context, clinicID, id int64) (Media, error) {
	tx := s.db.WithContext(ctx)
	r, err := loadTx(tx, clinicID, id)
	if err != nil {
		return Media{}, err
	}
	vs, err := variantsTx(tx, clinicID, []int64{id})
	if err != nil {
		return Media{}, err
	}
	return r.view(vs[id]), nil
}

// Get returns one media item of the caller's clinic, with its variants
// (404 not_found for another clinic's id).
func (s *Service) Get(ctx context.Context, sc Scope, id int64) (Media, error) {
	if err := sc.Require(ObjMedia, ActRead); err != nil {
		return Media{}, err
	}
	return s.get(ctx, sc.ClinicID(), id)
}

// Lookup returns a media item of the clinic for code that has already
// authorized the caller (rendering a page, computing a content hash).
func (s *Service) Lookup(ctx context.Context, clinicID, id int64) (Media, error) {
	return s.get(ctx, clinicID, id)
}

// List returns the clinic's library newest first, limit items (1 to 100,
// default 30) after cursor (the next value of the previous page, "" to
// start); next is "" on the last page.
func (s *Service) List(ctx context.Context, sc Scope, cursor string, limit int) (items []Media, next string, err error) {
	if err := sc.Require(ObjMedia, ActRead); err != nil {
		return nil, "", err
	}
	if limit == 0 {
		limit = 30
	}
	if limit < 1 || limit > 100 {
		return nil, "", errs.BadRequest("invalid_query", "limit must be between 1 and 100")
	}
	clinicID := sc.ClinicID()
	q := `SELECT * FROM media WHERE clinic_id = ?`
	args := []any{clinicID}
	if cursor != "" {
		before, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.BadRequest("invalid_query", "cursor is not valid; use the next value of the previous page")
		}
		q += ` AND id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit+1)
	tx := s.db.WithContext(ctx)
	var rows []mediaRow
	if err := tx.Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	vs, err := variantsTx(tx, clinicID, ids)
	if err != nil {
		return nil, "", err
	}
	items = make([]Media, len(rows))
	for i, r := range rows {
		items[i] = r.view(vs[r.ID])
	}
	return items, next, nil
}

// Update changes alt text and caption. 409 version_conflict when the item
// changed since p.Version; 422 validation_failed for bad text.
func (s *Service) Update(ctx context.Context, sc Scope, id int64, p Patch) (Media, error) {
	if err := sc.Require(ObjMedia, ActWrite); err != nil {
		return Media{}, err
	}
	var v errs.Validation
	if p.Version <= 0 {
		v.Add("version", "is required: the version your edit is based on")
	}
	var alt, caption string
	if p.Alt != nil {
		alt = cleanText(&v, "alt", *p.Alt, MaxAltLen)
	}
	if p.Caption != nil {
		caption = cleanText(&v, "caption", *p.Caption, MaxCaptionLen)
	}
	if err := v.Err(); err != nil {
		return Media{}, err
	}
	clinicID, actor := sc.ClinicID(), sc.Actor()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		r, err := loadTx(tx, clinicID, id)
		if err != nil {
			return err
		}
		if r.Version != p.Version {
			e := errs.Conflict("version_conflict", "the image's text changed since version %d; reload it and edit again", p.Version)
			e.Extra = map[string]any{"current_version": r.Version}
			return e
		}
		before := map[string]any{"alt": r.Alt, "caption": r.Caption}
		if p.Alt != nil {
			r.Alt = alt
		}
		if p.Caption != nil {
			r.Caption = caption
		}
		now := s.now()
		res := tx.Exec(`UPDATE media SET alt = ?, caption = ?, version = version + 1, updated_at = ? WHERE clinic_id = ? AND id = ? AND version = ?`,
			r.Alt, r.Caption, now, clinicID, id, p.Version)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.Conflict("version_conflict", "the image's text changed since version %d; reload it and edit again", p.Version)
		}
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: actor.UserID, Action: "media.updated",
			TargetType: "media", TargetID: id, RequestID: actor.RequestID, At: now,
			Before: before, After: map[string]any{"alt": r.Alt, "caption": r.Caption}})
	})
	if err != nil {
		return Media{}, err
	}
	return s.get(ctx, clinicID, id)
}

// Delete removes a media item, its variants and their blobs. 409 in_use
// when Options.InUse says a page or profile still shows it.
func (s *Service) Delete(ctx context.Context, sc Scope, id int64) error {
	if err := sc.Require(ObjMedia, ActWrite); err != nil {
		return err
	}
	clinicID, actor := sc.ClinicID(), sc.Actor()
	if _, err := loadTx(s.db.WithContext(ctx), clinicID, id); err != nil {
		return err
	}
	// Asked outside the transaction: the callback reads other tables and,
	// on SQLite, a second connection would wait for this one's write lock.
	if s.opt.InUse != nil {
		used, err := s.opt.InUse(ctx, clinicID, id)
		if err != nil {
			return fmt.Errorf("media: in-use check: %w", err)
		}
		if used {
			return errs.Conflict("in_use", "the image is used on a page or profile; remove it there first")
		}
	}
	var keys []string
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		keys = keys[:0]
		r, err := loadTx(tx, clinicID, id)
		if err != nil {
			return err
		}
		keys = append(keys, r.StorageKey)
		var vkeys []string
		if err := tx.Raw(`SELECT storage_key FROM media_variants WHERE clinic_id = ? AND media_id = ?`, clinicID, id).Scan(&vkeys).Error; err != nil {
			return err
		}
		keys = append(keys, vkeys...)
		if err := tx.Exec(`DELETE FROM media_variants WHERE clinic_id = ? AND media_id = ?`, clinicID, id).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM media WHERE clinic_id = ? AND id = ?`, clinicID, id).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: actor.UserID, Action: "media.deleted",
			TargetType: "media", TargetID: id, RequestID: actor.RequestID, At: s.now(),
			Before: map[string]any{"sha256": r.SHA256, "name": r.OriginalName, "alt": r.Alt, "caption": r.Caption}})
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.store.Delete(context.WithoutCancel(ctx), k); err != nil {
			slog.Warn("media: remove blob of deleted media", "key", k, "err", err)
		}
	}
	return nil
}

// validSHA reports whether s is 64 lower-case hex digits.
func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Open returns the bytes a content-addressed URL names: the clinic's
// original whose sha256 is sha (width 0 or its own width) or its variant
// of that width whose sha256 is sha. Anything else, another clinic's bytes
// included, answers 404 not_found.
func (s *Service) Open(ctx context.Context, clinicID int64, sha string, width int) (io.ReadCloser, ContentInfo, error) {
	if !validSHA(sha) || width < 0 {
		return nil, ContentInfo{}, notFound()
	}
	tx := s.db.WithContext(ctx)
	var key string
	var info ContentInfo
	var orig []mediaRow
	q := `SELECT * FROM media WHERE clinic_id = ? AND sha256 = ?`
	args := []any{clinicID, sha}
	if width > 0 {
		q += ` AND width = ?`
		args = append(args, width)
	}
	if err := tx.Raw(q+` ORDER BY id LIMIT 1`, args...).Scan(&orig).Error; err != nil {
		return nil, ContentInfo{}, err
	}
	if len(orig) == 1 {
		r := orig[0]
		key = r.StorageKey
		info = ContentInfo{ContentType: r.ContentType, Size: r.Bytes, SHA256: r.SHA256, Width: r.Width, Height: r.Height, Ext: ext(r.ContentType)}
	} else if width > 0 {
		var vs []variantRow
		if err := tx.Raw(`SELECT * FROM media_variants WHERE clinic_id = ? AND sha256 = ? AND width = ? ORDER BY media_id LIMIT 1`, clinicID, sha, width).Scan(&vs).Error; err != nil {
			return nil, ContentInfo{}, err
		}
		if len(vs) == 1 {
			v := vs[0]
			key = v.StorageKey
			info = ContentInfo{ContentType: v.ContentType, Size: v.Bytes, SHA256: v.SHA256, Width: v.Width, Height: v.Height, Ext: ext(v.ContentType)}
		}
	}
	if key == "" {
		return nil, ContentInfo{}, notFound()
	}
	rc, err := s.store.Open(ctx, key)
	if errors.Is(err, mediastore.ErrNotExist) {
		slog.Error("media: blob missing for a stored row", "clinic", clinicID, "key", key)
		return nil, ContentInfo{}, notFound()
	}
	if err != nil {
		return nil, ContentInfo{}, err
	}
	return rc, info, nil
}
