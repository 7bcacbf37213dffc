package live

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/article"
)

// Preview token errors.
var (
	ErrPreviewUnknown = errors.New("live: unknown preview token")
	ErrPreviewExpired = errors.New("live: preview token expired")
	ErrPreviewRevoked = errors.New("live: preview token revoked")
)

// PreviewToken is a stored preview link (without its secret).
type PreviewToken struct {
	ID        int64
	ClinicID  int64
	ArticleID int64
	Revision  int
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// TableName is the preview_tokens table.
func (PreviewToken) TableName() string { return "preview_tokens" }

// OpenPreview checks tok for clinicID at now. A token of another clinic is
// ErrPreviewUnknown, exactly like a token that never existed. A link dies
// with its maker's membership of the clinic and with the article's
// archiving: both answer ErrPreviewRevoked.
func (s *Store) OpenPreview(ctx context.Context, clinicID int64, tok string, now time.Time) (PreviewToken, error) {
	if len(tok) != 43 {
		return PreviewToken{}, ErrPreviewUnknown
	}
	var p PreviewToken
	var row struct {
		PreviewToken
		Member   bool
		Archived bool
	}
	err := s.gorm(ctx).Raw(`SELECT p.*,
  EXISTS (SELECT 1 FROM memberships m WHERE m.clinic_id = p.clinic_id AND m.user_id = p.created_by) AS member,
  EXISTS (SELECT 1 FROM articles a WHERE a.clinic_id = p.clinic_id AND a.id = p.article_id AND a.status = ?) AS archived
FROM preview_tokens p WHERE p.token_hash = ? AND p.clinic_id = ?`, article.StatusArchived, article.PreviewTokenHash(tok), clinicID).Scan(&row).Error
	if err != nil {
		return p, err
	}
	if row.ID == 0 {
		return p, ErrPreviewUnknown
	}
	p = row.PreviewToken
	if p.RevokedAt != nil || !row.Member || row.Archived {
		return p, ErrPreviewRevoked
	}
	if !now.Before(p.ExpiresAt) {
		return p, ErrPreviewExpired
	}
	return p, nil
}

// Draft is a revision shown in a preview, with its approval if it has one.
type Draft struct {
	article.Revision
	Slug     string
	Approval *article.Review
}

// PreviewRevision loads the revision a preview token names.
func (s *Store) PreviewRevision(ctx context.Context, p PreviewToken) (Draft, error) {
	var d Draft
	tx := s.gorm(ctx)
	err := tx.Table("revisions AS r").Select("r.*, u.name AS author_name").Joins("JOIN users u ON u.id = r.author_id").
		Where("r.clinic_id = ? AND r.article_id = ? AND r.number = ?", p.ClinicID, p.ArticleID, p.Revision).Take(&d.Revision).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrPreviewUnknown
	}
	if err != nil {
		return d, err
	}
	var slug []string
	if err := tx.Raw(`SELECT slug FROM articles WHERE id = ? AND clinic_id = ?`, p.ArticleID, p.ClinicID).Scan(&slug).Error; err != nil {
		return d, err
	}
	if len(slug) == 0 {
		return d, ErrPreviewUnknown
	}
	d.Slug = slug[0]
	var rv []article.Review
	err = tx.Table("reviews AS r").Select("r.*, u.name AS doctor_name").Joins("JOIN users u ON u.id = r.doctor_id").
		Where("r.clinic_id = ? AND r.article_id = ? AND r.revision_number = ? AND r.content_hash = ? AND r.decision = ?",
			p.ClinicID, p.ArticleID, p.Revision, d.ContentHash, article.DecisionApprove).Order("r.id DESC").Limit(1).Find(&rv).Error
	if err != nil {
		return d, err
	}
	if len(rv) > 0 {
		d.Approval = &rv[0]
	}
	return d, nil
}

// Epochs returns every clinic's change epoch.
func (s *Store) Epochs(ctx context.Context) (map[int64]int64, error) {
	var rows []struct{ ClinicID, Epoch int64 }
	if err := s.gorm(ctx).Raw(`SELECT clinic_id, epoch FROM site_epochs`).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.ClinicID] = r.Epoch
	}
	return out, nil
}
