package article

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Preview link lifetimes.
const (
	DefaultPreviewTTL = 24 * time.Hour
	MaxPreviewTTL     = 7 * 24 * time.Hour
)

// PreviewToken is a stored preview link (without its secret).
type PreviewToken struct {
	ID        int64      `json:"id"`
	ClinicID  int64      `json:"-"`
	ArticleID int64      `json:"-"`
	Revision  int        `json:"revision"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// TableName is the preview_tokens table.
func (PreviewToken) TableName() string { return "preview_tokens" }

// PreviewTokenHash is how a preview token is stored (and looked up).
func PreviewTokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// MintPreview makes a preview link for revision rev (0: the current one)
// of article id, valid for ttl (0: a day; at most a week), and returns the
// secret token, shown once. Any member who can read the article may; the
// minting is audited (previews expose unpublished text).
func (s *Service) MintPreview(ctx context.Context, sc clinic.Scope, id int64, rev int, ttl time.Duration) (string, PreviewToken, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return "", PreviewToken{}, err
	}
	var v errs.Validation
	if ttl == 0 {
		ttl = DefaultPreviewTTL
	}
	if ttl < time.Minute || ttl > MaxPreviewTTL {
		v.Add("ttl_minutes", "must be between 1 and %d", int(MaxPreviewTTL/time.Minute))
	}
	if rev < 0 {
		v.Add("revision", "must be a revision number")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", PreviewToken{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := s.clock()
	var p PreviewToken
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		a, err := requireArticle(tx, sc, id)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil { // after the 404: another clinic learns nothing
			return err
		}
		n := rev
		if n == 0 {
			n = a.CurrentRevision
		}
		if _, err := revisionTx(tx, a.ClinicID, a.ID, n); err != nil {
			return err
		}
		p = PreviewToken{ClinicID: a.ClinicID, ArticleID: a.ID, Revision: n, CreatedBy: sc.Actor().UserID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if err := tx.Exec(`INSERT INTO preview_tokens (clinic_id, article_id, revision, token_hash, created_by, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ClinicID, p.ArticleID, n, PreviewTokenHash(tok), p.CreatedBy, p.CreatedAt, p.ExpiresAt).Error; err != nil {
			return err
		}
		if err := tx.Where("clinic_id = ? AND token_hash = ?", p.ClinicID, PreviewTokenHash(tok)).Take(&p).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: p.ClinicID, ActorID: p.CreatedBy, Action: "preview.minted", TargetType: "preview",
			TargetID: p.ID, ArticleID: a.ID, ToRevision: n, After: map[string]any{"expires_at": p.ExpiresAt},
			RequestID: sc.Actor().RequestID, At: now})
	})
	return tok, p, err
}

// Previews lists the article's preview links, newest first (without their
// secrets).
func (s *Service) Previews(ctx context.Context, sc clinic.Scope, id int64) ([]PreviewToken, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	tx := s.db.WithContext(ctx)
	if _, err := requireArticle(tx, sc, id); err != nil {
		return nil, err
	}
	out := []PreviewToken{}
	err := tx.Where("clinic_id = ? AND article_id = ?", sc.ClinicID(), id).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// RevokePreview revokes preview link pid of article id (0: every link of
// the article), audited. An unknown link answers 404; a revoked one stays
// revoked.
func (s *Service) RevokePreview(ctx context.Context, sc clinic.Scope, id, pid int64) error {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := requireArticle(tx, sc, id); err != nil {
			return err
		}
		if pid == 0 {
			n, err := revokePreviewsTx(tx, sc.ClinicID(), "article_id = ?", id, now)
			if err != nil || n == 0 {
				return err
			}
			return audit.Record(tx, audit.Change{ClinicID: sc.ClinicID(), ActorID: sc.Actor().UserID, Action: "preview.revoked",
				TargetType: "article", TargetID: id, ArticleID: id, After: map[string]any{"revoked": n},
				RequestID: sc.Actor().RequestID, At: now})
		}
		res := tx.Exec(`UPDATE preview_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE clinic_id = ? AND article_id = ? AND id = ?`,
			now, sc.ClinicID(), id, pid)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.NotFound("preview")
		}
		return audit.Record(tx, audit.Change{ClinicID: sc.ClinicID(), ActorID: sc.Actor().UserID, Action: "preview.revoked",
			TargetType: "preview", TargetID: pid, ArticleID: id, RequestID: sc.Actor().RequestID, At: now})
	})
}

// revokePreviewsTx revokes the clinic's live preview links matching where
// (one "column = ?" condition) and says how many.
func revokePreviewsTx(tx *gorm.DB, clinicID int64, where string, arg any, now time.Time) (int64, error) {
	res := tx.Exec(`UPDATE preview_tokens SET revoked_at = ? WHERE clinic_id = ? AND revoked_at IS NULL AND `+where, now, clinicID, arg)
	return res.RowsAffected, res.Error
}
