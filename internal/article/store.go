package article

import (
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// requireArticle loads article id of the scope's clinic; an article of any
// other clinic answers 404 like a missing one. Every method that takes an
// article id starts here.
func requireArticle(tx *gorm.DB, sc clinic.Scope, id int64) (Article, error) {
	return loadTx(tx, sc.ClinicID(), id)
}

// lockArticle is requireArticle for a change: on PostgreSQL the row is
// locked FOR UPDATE in the same statement, so concurrent changes of one
// article serialise and the loser sees the winner's version (409), not a
// unique violation. SQLite's immediate transaction already serialises.
func (s *Service) lockArticle(tx *gorm.DB, sc clinic.Scope, id int64) (Article, error) {
	if s.db.Dialect == db.Postgres {
		tx = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return requireArticle(tx, sc, id)
}

// loadTx loads article id of clinic clinicID, or 404.
func loadTx(tx *gorm.DB, clinicID, id int64) (Article, error) {
	var a Article
	err := tx.Where("clinic_id = ? AND id = ?", clinicID, id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, errs.NotFound("article")
	}
	return a, err
}

func revisionTx(tx *gorm.DB, clinicID, articleID int64, n int) (Revision, error) {
	var r Revision
	err := tx.Table("revisions AS r").Select("r.*, u.name AS author_name").Joins("JOIN users u ON u.id = r.author_id").
		Where("r.clinic_id = ? AND r.article_id = ? AND r.number = ?", clinicID, articleID, n).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, errs.NotFound("revision")
	}
	return r, err
}

func reviewTx(tx *gorm.DB, clinicID int64, id *int64) (*Review, error) {
	if id == nil {
		return nil, nil
	}
	var r Review
	err := tx.Table("reviews AS r").Select("r.*, u.name AS doctor_name").Joins("JOIN users u ON u.id = r.doctor_id").
		Where("r.clinic_id = ? AND r.id = ?", clinicID, *id).Take(&r).Error
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func viewTx(tx *gorm.DB, a Article) (View, error) {
	v := View{Article: a}
	var err error
	if v.Current, err = revisionTx(tx, a.ClinicID, a.ID, a.CurrentRevision); err != nil {
		return v, err
	}
	if err := tx.Raw(`SELECT name FROM users WHERE id = ?`, a.AuthorID).Scan(&v.AuthorName).Error; err != nil {
		return v, err
	}
	if v.Approval, err = reviewTx(tx, a.ClinicID, a.ApprovalID); err != nil {
		return v, err
	}
	if v.Live, err = reviewTx(tx, a.ClinicID, a.LiveApprovalID); err != nil {
		return v, err
	}
	if v.Acks, err = acksTx(tx, a.ClinicID, a.ID, a.CurrentRevision); err != nil {
		return v, err
	}
	return v, nil
}

func (s *Service) record(tx *gorm.DB, actor authz.Actor, a Article, action string, from, to int, before, after any) error {
	if s.onEvent != nil {
		s.onEvent(action)
	}
	return audit.Record(tx, audit.Change{ClinicID: a.ClinicID, ActorID: actor.UserID, Action: action,
		TargetType: "article", TargetID: a.ID, ArticleID: a.ID, FromRevision: from, ToRevision: to,
		Before: before, After: after, RequestID: actor.RequestID, At: s.clock()})
}

// snapshot is what audit entries record of an article's state.
func snapshot(a Article) map[string]any {
	m := map[string]any{"status": a.Status, "version": a.Version, "revision": a.CurrentRevision,
		"live_revision": a.LiveRevision, "approval_id": a.ApprovalID, "scheduled_at": a.ScheduledAt}
	if a.UnpublishAt != nil {
		m["unpublish_at"] = a.UnpublishAt
	}
	return m
}

// save writes a's workflow fields if nobody changed the row since it was
// read at version `from`; otherwise it answers 409 version_conflict.
func save(tx *gorm.DB, a *Article, from int) error {
	a.Version = from + 1
	res := tx.Model(&Article{}).Where("id = ? AND clinic_id = ? AND version = ?", a.ID, a.ClinicID, from).
		Select("slug", "status", "version", "current_revision", "live_revision", "approval_id", "live_approval_id",
			"first_published_at", "published_at", "scheduled_at", "unpublish_at", "review_due_at", "updated_at").Updates(a)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return versionConflict(from, nil)
	}
	return nil
}
