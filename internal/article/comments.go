package article

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Comment is a review comment anchored to one paragraph (0-based block
// index) of one revision, or an answer to another comment.
type Comment struct {
	ID             int64
	ClinicID       int64
	ArticleID      int64
	RevisionNumber int
	Paragraph      int
	ParentID       *int64
	AuthorID       int64
	AuthorName     string `gorm:"->"`
	Body           string
	CreatedAt      time.Time
}

// TableName is the review comments table.
func (Comment) TableName() string { return "review_comments" }

// NewComment is the input for a comment or an answer (ParentID set).
type NewComment struct {
	Revision  int
	Paragraph int
	ParentID  int64
	Body      string
}

// AddComment stores a comment on a paragraph of a revision, or an answer to
// a comment of the same article, with its audit entry. Any member who may
// read the clinic's articles may comment. An unknown revision or parent
// answers 404; an empty or over-long body 422.
func (s *Service) AddComment(ctx context.Context, sc clinic.Scope, id int64, in NewComment) (Comment, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return Comment{}, err
	}
	c, actor := sc.Clinic(), sc.Actor()
	var v errs.Validation
	in.Body = strings.TrimSpace(in.Body)
	if in.Body == "" || utf8.RuneCountInString(in.Body) > 5000 {
		v.Add("body", "write 1 to 5000 characters")
	}
	if in.Paragraph < 0 || in.Paragraph > 100000 {
		v.Add("paragraph", "must name a paragraph of the revision")
	}
	if err := v.Err(); err != nil {
		return Comment{}, err
	}
	now := s.clock()
	cm := Comment{ClinicID: c.ID, ArticleID: id, RevisionNumber: in.Revision, Paragraph: in.Paragraph,
		AuthorID: actor.UserID, Body: in.Body, CreatedAt: now}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		a, err := requireArticle(tx, sc, id)
		if err != nil {
			return err
		}
		if in.ParentID != 0 {
			var p Comment
			err := tx.Where("clinic_id = ? AND article_id = ? AND id = ?", c.ID, id, in.ParentID).Take(&p).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errs.NotFound("comment")
			} else if err != nil {
				return err
			}
			cm.ParentID, cm.RevisionNumber, cm.Paragraph = &p.ID, p.RevisionNumber, p.Paragraph
		}
		if _, err := revisionTx(tx, c.ID, id, cm.RevisionNumber); err != nil {
			return err
		}
		if err := tx.Omit("author_name").Create(&cm).Error; err != nil {
			return fmt.Errorf("article: insert comment: %w", err)
		}
		action := "comment.added"
		if cm.ParentID != nil {
			action = "comment.answered"
		}
		return s.record(tx, actor, a, action, cm.RevisionNumber, cm.RevisionNumber, nil,
			map[string]any{"comment_id": cm.ID, "paragraph": cm.Paragraph, "parent_id": cm.ParentID})
	})
	return cm, err
}

// Comments lists every comment and answer of an article, oldest first.
func (s *Service) Comments(ctx context.Context, sc clinic.Scope, id int64) ([]Comment, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	c := sc.Clinic()
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return nil, err
	}
	var out []Comment
	err := tx.Table("review_comments AS c").Select("c.*, u.name AS author_name").Joins("JOIN users u ON u.id = c.author_id").
		Where("c.clinic_id = ? AND c.article_id = ?", c.ID, id).Order("c.id").Find(&out).Error
	return out, err
}
