package article

import (
	"context"
	"errors"
	"fmt"

	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/render"
)

// Limits on article fields.
const (
	MaxTitle   = 200
	MaxSummary = 500
	MaxBody    = 200_000
	MaxTags    = 20
	MaxTag     = 40
)

// Draft is the content a writer submits when creating or editing.
type Draft struct {
	Title   string
	Slug    string // optional on create (derived from the title)
	Summary string
	Body    string
	Tags    []string
}

func validateDraft(d *Draft, v *errs.Validation) {
	d.Title = strings.TrimSpace(d.Title)
	d.Summary = strings.TrimSpace(d.Summary)
	d.Tags = NormalizeTags(d.Tags)
	text := func(field, val string, min, max int) {
		switch {
		case !utf8.ValidString(val) || strings.ContainsRune(val, 0):
			v.Add(field, "must be valid UTF-8 text without NUL characters")
		case utf8.RuneCountInString(val) < min:
			v.Add(field, "is required")
		case utf8.RuneCountInString(val) > max:
			v.Add(field, "must be at most %d characters", max)
		}
	}
	text("title", d.Title, 1, MaxTitle)
	text("summary", d.Summary, 0, MaxSummary)
	text("body", d.Body, 0, MaxBody)
	checkRenderable(v, d.Body)
	if len(d.Tags) > MaxTags {
		v.Add("tags", "at most %d tags", MaxTags)
	}
	for _, t := range d.Tags {
		if !validTagText(t) {
			v.Add("tags", "tags must be valid UTF-8 text without NUL or control characters")
			break
		}
		if utf8.RuneCountInString(t) > MaxTag {
			v.Add("tags", "each tag must be at most %d characters", MaxTag)
			break
		}
	}
	if d.Slug != "" && !ValidSlug(d.Slug) {
		v.Add("slug", "must be 2 to 80 lower-case letters (any script), digits and single hyphens")
	}
}

// checkRenderable refuses a body the renderer would refuse, with the
// renderer's own limits (bytes, nesting, tables), so that no stored text
// can make a live page fail later.
func checkRenderable(v *errs.Validation, body string) {
	switch err := render.Check(body); {
	case err == nil:
	case errors.Is(err, render.ErrTooLarge):
		v.Add("body", "is too large to publish: at most %d bytes of UTF-8 (%d given)", render.MaxSourceBytes, len(body))
	default:
		v.Add("body", "cannot be formatted: %s", strings.TrimPrefix(err.Error(), render.ErrTooComplex.Error()+": "))
	}
}

// validTagText reports whether a tag is valid UTF-8 without NUL or other
// control characters (which PostgreSQL refuses or pages would carry).
func validTagText(t string) bool {
	if !utf8.ValidString(t) {
		return false
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// slugRE is an article slug: words of lower-case or caseless letters (any
// script, with their combining marks) and digits, joined by single hyphens.
var slugRE = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+)*$`)

// ValidSlug reports whether s is an article slug: 2 to 80 characters (at
// most 240 bytes) in NFC, lower case where the script has case. Links,
// sitemaps and canonical URLs percent-encode it.
func ValidSlug(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 2 && n <= 80 && len(s) <= 240 && norm.NFC.IsNormalString(s) && slugRE.MatchString(s)
}

// Slugify derives a URL slug from a title. Latin letters lose their
// accents (café -> cafe); other scripts stay as they are written, so a
// Chinese or Tamil title gives a readable slug (毛孔粗大是永久的吗 ->
// 毛孔粗大是永久的吗, "Soalan Lazim" -> soalan-lazim); anything else
// becomes a hyphen.
func Slugify(title string) string {
	var b strings.Builder
	prevLatin := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r) && prevLatin:
			continue // an accent on a Latin letter
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
			prevLatin = unicode.Is(unicode.Latin, r)
		default:
			b.WriteByte('-')
			prevLatin = false
		}
	}
	s := norm.NFC.String(b.String())
	var out []string
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			out = append(out, w)
		}
	}
	s = strings.Join(out, "-")
	for utf8.RuneCountInString(s) > 80 || len(s) > 240 {
		rs := []rune(s)
		s = strings.TrimRight(string(rs[:len(rs)-1]), "-")
	}
	return s
}

// Create stores a new article with its first revision, as a draft.
func (s *Service) Create(ctx context.Context, sc clinic.Scope, d Draft) (View, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActWrite); err != nil {
		return View{}, err
	}
	c, actor := sc.Clinic(), sc.Actor()
	var v errs.Validation
	validateDraft(&d, &v)
	if d.Slug == "" && d.Title != "" {
		if d.Slug = Slugify(d.Title); !ValidSlug(d.Slug) {
			v.Add("slug", "could not be derived from the title; give one")
		}
	}
	if err := v.Err(); err != nil {
		return View{}, err
	}
	now := s.clock()
	var out View
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.clinics.ResolveTx(tx, sc, authz.ObjArticle, authz.ActWrite); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Article{}).Where("clinic_id = ? AND slug = ?", c.ID, d.Slug).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("slug_taken", "another article of this clinic already uses the slug %q", d.Slug)
		}
		a := Article{ClinicID: c.ID, Slug: d.Slug, Status: StatusDraft, Version: 1, CurrentRevision: 1,
			AuthorID: actor.UserID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&a).Error; err != nil {
			return fmt.Errorf("article: insert: %w", err)
		}
		r := Revision{ClinicID: c.ID, ArticleID: a.ID, Number: 1, Title: d.Title, Summary: d.Summary, Body: d.Body,
			Tags: d.Tags, ContentHash: ContentHash(a.Slug, d.Title, d.Summary, d.Body, d.Tags), AuthorID: actor.UserID,
			Findings: lint(c, d), CreatedAt: now}
		if err := tx.Omit("author_name").Create(&r).Error; err != nil {
			return fmt.Errorf("article: insert revision: %w", err)
		}
		if err := s.record(tx, actor, a, "article.created", 0, 1, nil, snapshot(a)); err != nil {
			return err
		}
		var err error
		out, err = viewTx(tx, a)
		return err
	})
	return out, err
}

// Edit is a save of new content based on Version.
type Edit struct {
	Draft
	Version int
}

// Update saves new content as a new immutable revision. Editing an
// approved, scheduled or published article puts the working copy back to
// draft and voids the approval; the live revision stays live.
func (s *Service) Update(ctx context.Context, sc clinic.Scope, id int64, e Edit) (View, error) {
	validate := func() error {
		var v errs.Validation
		validateDraft(&e.Draft, &v)
		if e.Version <= 0 {
			v.Add("version", "is required: the version your edit is based on")
		}
		return v.Err()
	}
	var version *int
	if e.Version > 0 {
		version = &e.Version
	}
	return s.change(ctx, sc, id, authz.ActWrite, version, validate, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		if a.Status == StatusArchived {
			return invalidState(*a, "edit")
		}
		before := snapshot(*a)
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if e.Slug != "" && e.Slug != a.Slug {
			if a.FirstPublishedAt != nil {
				return errs.Conflict("slug_locked", "the slug of an article that has been published cannot change")
			}
			var n int64
			if err := tx.Model(&Article{}).Where("clinic_id = ? AND slug = ? AND id <> ?", c.ID, e.Slug, a.ID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return errs.Conflict("slug_taken", "another article of this clinic already uses the slug %q", e.Slug)
			}
			a.Slug = e.Slug
		}
		hash := ContentHash(a.Slug, e.Title, e.Summary, e.Body, e.Tags)
		if hash == cur.ContentHash {
			return nil // nothing changed: no new revision, no new version
		}
		return s.newRevision(tx, actor, c, a, before, e.Draft, hash, nil)
	})
}

// newRevision stores the next revision, puts the working copy back to draft,
// voids any approval and cancels a schedule.
func (s *Service) newRevision(tx *gorm.DB, actor authz.Actor, c clinic.Clinic, a *Article, before map[string]any, d Draft, hash string, restoredFrom *int) error {
	now := s.clock()
	from := a.CurrentRevision
	r := Revision{ClinicID: c.ID, ArticleID: a.ID, Number: from + 1, Title: d.Title, Summary: d.Summary, Body: d.Body,
		Tags: d.Tags, ContentHash: hash, AuthorID: actor.UserID, RestoredFrom: restoredFrom, Findings: lint(c, d), CreatedAt: now}
	if err := tx.Omit("author_name").Create(&r).Error; err != nil {
		return fmt.Errorf("article: insert revision: %w", err)
	}
	voided := a.ApprovalID
	wasScheduled := a.Status == StatusScheduled
	a.CurrentRevision = r.Number
	a.Status = StatusDraft
	a.ApprovalID = nil
	a.ScheduledAt = nil
	a.UpdatedAt = now
	if err := save(tx, a, a.Version); err != nil {
		return err
	}
	if wasScheduled { // an edit voids the schedule: its job goes too
		if err := s.cancelJobs(tx, *a, JobPublish); err != nil {
			return err
		}
	}
	action := "article.revised"
	if restoredFrom != nil {
		action = "article.restored"
	}
	if err := s.record(tx, actor, *a, action, from, r.Number, before, snapshot(*a)); err != nil {
		return err
	}
	if voided != nil {
		if err := s.record(tx, actor, *a, "approval.voided", from, r.Number,
			map[string]any{"approval_id": *voided, "scheduled": wasScheduled}, nil); err != nil {
			return err
		}
	}
	return nil
}
