package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
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

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// MintPreview stores a new preview token for revision of articleID and
// returns the secret token (shown once) with its record; the minting is
// audited in the same transaction (previews expose unpublished text). The
// caller has checked that the user may read the article and that the
// revision exists.
func (s *Store) MintPreview(ctx context.Context, clinicID, articleID int64, revision int, by authz.Actor, now time.Time, ttl time.Duration) (string, PreviewToken, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", PreviewToken{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	now = now.UTC().Truncate(time.Second)
	p := PreviewToken{ClinicID: clinicID, ArticleID: articleID, Revision: revision, CreatedBy: by.UserID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO preview_tokens (clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, clinicID, articleID, revision, hashToken(tok), by.UserID, p.CreatedAt, p.ExpiresAt).Error; err != nil {
			return err
		}
		if err := tx.Where("token_hash = ?", hashToken(tok)).Take(&p).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: by.UserID, Action: "preview.minted", TargetType: "preview",
			TargetID: p.ID, ArticleID: articleID, ToRevision: revision, After: map[string]any{"expires_at": p.ExpiresAt},
			RequestID: by.RequestID, At: now})
	})
	return tok, p, err
}

// RevokePreview revokes token id of the article, audited; ErrPreviewUnknown
// when there is no such token (already revoked ones stay revoked).
func (s *Store) RevokePreview(ctx context.Context, clinicID, articleID, id int64, by authz.Actor, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE preview_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND clinic_id = ? AND article_id = ?`,
			now, id, clinicID, articleID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrPreviewUnknown
		}
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: by.UserID, Action: "preview.revoked", TargetType: "preview",
			TargetID: id, ArticleID: articleID, RequestID: by.RequestID, At: now})
	})
}

// RevokeAllPreviews revokes every live preview token of the article,
// audited, and returns how many it revoked.
func (s *Store) RevokeAllPreviews(ctx context.Context, clinicID, articleID int64, by authz.Actor, now time.Time) (int64, error) {
	now = now.UTC().Truncate(time.Second)
	var n int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE preview_tokens SET revoked_at = ? WHERE clinic_id = ? AND article_id = ? AND revoked_at IS NULL`,
			now, clinicID, articleID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		n = res.RowsAffected
		return audit.Record(tx, audit.Change{ClinicID: clinicID, ActorID: by.UserID, Action: "preview.revoked", TargetType: "article",
			TargetID: articleID, ArticleID: articleID, After: map[string]any{"revoked": n}, RequestID: by.RequestID, At: now})
	})
	return n, err
}

// Previews lists the article's preview tokens, newest first.
func (s *Store) Previews(ctx context.Context, clinicID, articleID int64) ([]PreviewToken, error) {
	var out []PreviewToken
	err := s.gorm(ctx).Where("clinic_id = ? AND article_id = ?", clinicID, articleID).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// OpenPreview checks tok for clinicID at now. A token of another clinic is
// ErrPreviewUnknown, exactly like a token that never existed.
func (s *Store) OpenPreview(ctx context.Context, clinicID int64, tok string, now time.Time) (PreviewToken, error) {
	if len(tok) != 43 {
		return PreviewToken{}, ErrPreviewUnknown
	}
	var p PreviewToken
	err := s.gorm(ctx).Where("token_hash = ? AND clinic_id = ?", hashToken(tok), clinicID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, ErrPreviewUnknown
	}
	if err != nil {
		return p, err
	}
	if p.RevokedAt != nil {
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

// BumpEpoch records that clinicID's public pages changed, for the other
// instances to notice, and returns the clinic's new epoch.
func (s *Store) BumpEpoch(ctx context.Context, clinicID int64) (int64, error) {
	var epoch []int64
	err := s.gorm(ctx).Raw(`INSERT INTO site_epochs (clinic_id, epoch) VALUES (?, 1)
ON CONFLICT (clinic_id) DO UPDATE SET epoch = site_epochs.epoch + 1 RETURNING epoch`, clinicID).Scan(&epoch).Error
	if err != nil {
		return 0, err
	}
	if len(epoch) == 0 {
		return 0, errors.New("live: bump epoch returned nothing")
	}
	return epoch[0], nil
}
