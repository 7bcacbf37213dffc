package article

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// WorkingDraft is one person's autosaved, not yet saved text of an article,
// based on the article version they started from. It is private scratch:
// it is not a revision, never reviewed and never public.
type WorkingDraft struct {
	ClinicID    int64
	ArticleID   int64
	UserID      int64
	BaseVersion int
	Title       string
	Slug        string
	Summary     string
	Body        string
	Tags        []string `gorm:"serializer:json"`
	SavedAt     time.Time
}

// TableName is the working drafts table.
func (WorkingDraft) TableName() string { return "working_drafts" }

// SaveWorkingDraft stores actor's autosaved text of article id (replacing
// the previous one) and returns when it was saved. It needs the write
// permission; over-long fields answer 422 validation_failed.
func (s *Service) SaveWorkingDraft(ctx context.Context, sc clinic.Scope, id int64, baseVersion int, d Draft) (time.Time, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActWrite); err != nil {
		return time.Time{}, err
	}
	c, actor := sc.Clinic(), sc.Actor()
	var v errs.Validation
	check := func(field, val string, max int) {
		if len([]rune(val)) > max {
			v.Add(field, "must be at most %d characters", max)
		}
	}
	check("title", d.Title, MaxTitle)
	check("slug", d.Slug, 80)
	check("summary", d.Summary, MaxSummary)
	check("body", d.Body, MaxBody)
	checkRenderable(&v, d.Body)
	if len(d.Tags) > MaxTags {
		v.Add("tags", "at most %d tags", MaxTags)
	}
	for _, t := range d.Tags {
		if !validTagText(t) {
			v.Add("tags", "tags must be valid UTF-8 text without NUL or control characters")
			break
		}
	}
	if err := v.Err(); err != nil {
		return time.Time{}, err
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := requireArticle(tx, sc, id); err != nil {
			return err
		}
		w := WorkingDraft{ClinicID: c.ID, ArticleID: id, UserID: actor.UserID, BaseVersion: baseVersion, Title: d.Title,
			Slug: d.Slug, Summary: d.Summary, Body: d.Body, Tags: d.Tags, SavedAt: now}
		if err := tx.Where("clinic_id = ? AND article_id = ? AND user_id = ?", c.ID, id, actor.UserID).Delete(&WorkingDraft{}).Error; err != nil {
			return err
		}
		return tx.Create(&w).Error
	})
	return now, err
}

// WorkingDraftOf returns actor's autosaved text of article id, or nil.
func (s *Service) WorkingDraftOf(ctx context.Context, sc clinic.Scope, id int64) (*WorkingDraft, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	c, actor := sc.Clinic(), sc.Actor()
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return nil, err
	}
	var w WorkingDraft
	err := tx.Where("clinic_id = ? AND article_id = ? AND user_id = ?", c.ID, id, actor.UserID).Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// DiscardWorkingDraft removes actor's autosaved text of article id.
func (s *Service) DiscardWorkingDraft(ctx context.Context, sc clinic.Scope, id int64) error {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return err
	}
	c, actor := sc.Clinic(), sc.Actor()
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return err
	}
	return tx.Where("clinic_id = ? AND article_id = ? AND user_id = ?", c.ID, id, actor.UserID).
		Delete(&WorkingDraft{}).Error
}
