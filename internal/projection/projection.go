// Package projection is the one writer of what public pages read:
// live_articles, live_tags, the search index and site_epochs. The workflow
// calls it inside the transaction that changes an article's live state, and
// every write bumps the clinic's site epoch in that same transaction (on
// PostgreSQL it also NOTIFYs, delivered only at commit), so no page cache on
// any instance can miss a change that committed, and nothing is announced
// for a change that rolled back. The live package only reads these tables.
package projection

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/searchtext"
)

// Channel is the PostgreSQL NOTIFY channel that carries a clinic id
// whenever that clinic's public pages changed.
const Channel = "clinicpress_site"

// Writer writes the public projection.
type Writer struct {
	dialect db.Dialect
}

// New returns a Writer for the database's dialect.
func New(dialect db.Dialect) Writer { return Writer{dialect: dialect} }

type trackKey struct{}

// Track returns a context that records which clinics' pages a transaction
// run with it changed; Changed reads them after commit. Run the
// transaction with the returned context (db.Tx(ctx, ...)).
func Track(ctx context.Context) context.Context {
	return context.WithValue(ctx, trackKey{}, &tracker{})
}

type tracker struct {
	clinics atomic.Value // map[int64]bool, replaced on write
}

// Reset forgets what an earlier (retried) attempt recorded; call it at the
// start of each transaction attempt.
func Reset(ctx context.Context) {
	if t, ok := ctx.Value(trackKey{}).(*tracker); ok {
		t.clinics.Store(map[int64]bool{})
	}
}

// Changed lists the clinics whose pages the tracked transaction changed.
func Changed(ctx context.Context) []int64 {
	t, ok := ctx.Value(trackKey{}).(*tracker)
	if !ok {
		return nil
	}
	m, _ := t.clinics.Load().(map[int64]bool)
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

func mark(tx *gorm.DB, clinicID int64) {
	ctx := tx.Statement.Context
	if ctx == nil {
		return
	}
	if t, ok := ctx.Value(trackKey{}).(*tracker); ok {
		old, _ := t.clinics.Load().(map[int64]bool)
		m := make(map[int64]bool, len(old)+1)
		for k := range old {
			m[k] = true
		}
		m[clinicID] = true
		t.clinics.Store(m)
	}
}

// Bump records that clinicID's public pages changed: the epoch moves in tx
// and, on PostgreSQL, a notification goes out when tx commits.
func (w Writer) Bump(tx *gorm.DB, clinicID int64) error {
	if err := tx.Exec(`INSERT INTO site_epochs (clinic_id, epoch) VALUES (?, 1)
ON CONFLICT (clinic_id) DO UPDATE SET epoch = site_epochs.epoch + 1`, clinicID).Error; err != nil {
		return err
	}
	if w.dialect == db.Postgres {
		if err := tx.Exec(`SELECT pg_notify(?, ?)`, Channel, strconv.FormatInt(clinicID, 10)).Error; err != nil {
			return err
		}
	}
	mark(tx, clinicID)
	return nil
}

// Live is one article's live page as the projection stores it.
type Live struct {
	ClinicID         int64
	ArticleID        int64
	Slug             string
	Revision         int
	ReviewID         int64
	ReviewerID       int64
	FirstPublishedAt time.Time
	PublishedAt      time.Time
	ReviewDueAt      time.Time
	Title            string
	Summary          string
	Body             string
	Tags             []string
}

// Put makes l the live page of its article, replacing any earlier one.
func (w Writer) Put(tx *gorm.DB, l Live) error {
	if err := w.drop(tx, l.ClinicID, l.ArticleID); err != nil {
		return err
	}
	err := tx.Exec(`INSERT INTO live_articles (article_id, clinic_id, slug, revision, review_id, reviewer_id,
  first_published_at, published_at, review_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ArticleID, l.ClinicID, l.Slug, l.Revision, l.ReviewID, l.ReviewerID, l.FirstPublishedAt, l.PublishedAt, l.ReviewDueAt).Error
	if err != nil {
		return err
	}
	for _, t := range l.Tags {
		if err := tx.Exec(`INSERT INTO live_tags (clinic_id, tag, article_id, first_published_at) VALUES (?, ?, ?, ?)`,
			l.ClinicID, t, l.ArticleID, l.FirstPublishedAt).Error; err != nil {
			return err
		}
	}
	// CJK words are spelled out as search tokens (see searchtext).
	tags := searchtext.Index(strings.Join(l.Tags, " "))
	title, summary, body := searchtext.Index(l.Title), searchtext.Index(l.Summary), searchtext.Index(l.Body)
	if w.dialect == db.Postgres {
		err = tx.Exec(`UPDATE live_articles SET search =
  setweight(to_tsvector('english', ?), 'A') || setweight(to_tsvector('english', ?), 'B') ||
  setweight(to_tsvector('english', ?), 'B') || to_tsvector('english', ?) WHERE clinic_id = ? AND article_id = ?`,
			title, tags, summary, body, l.ClinicID, l.ArticleID).Error
	} else {
		err = tx.Exec(`INSERT INTO live_search (rowid, title, summary, body, tags) VALUES (?, ?, ?, ?, ?)`,
			l.ArticleID, title, summary, body, tags).Error
	}
	if err != nil {
		return err
	}
	return w.Bump(tx, l.ClinicID)
}

// Drop takes an article off its clinic's public site.
func (w Writer) Drop(tx *gorm.DB, clinicID, articleID int64) error {
	if err := w.drop(tx, clinicID, articleID); err != nil {
		return err
	}
	return w.Bump(tx, clinicID)
}

func (w Writer) drop(tx *gorm.DB, clinicID, articleID int64) error {
	if err := tx.Exec(`DELETE FROM live_tags WHERE clinic_id = ? AND article_id = ?`, clinicID, articleID).Error; err != nil {
		return err
	}
	if w.dialect == db.SQLite {
		// The FTS table has no clinic column; its rowid is the article id,
		// present only while live_articles holds that article of this clinic.
		if err := tx.Exec(`DELETE FROM live_search WHERE rowid IN
  (SELECT article_id FROM live_articles WHERE clinic_id = ? AND article_id = ?)`, clinicID, articleID).Error; err != nil {
			return err
		}
	}
	return tx.Exec(`DELETE FROM live_articles WHERE clinic_id = ? AND article_id = ?`, clinicID, articleID).Error
}

// Renew records a re-review of the live revision: the new approval, who
// gave it and the next due date; an overdue flag is cleared.
func (w Writer) Renew(tx *gorm.DB, clinicID, articleID, reviewID, reviewerID int64, due time.Time) error {
	if err := tx.Exec(`UPDATE live_articles SET review_id = ?, reviewer_id = ?, review_due_at = ?, overdue_since = NULL
  WHERE clinic_id = ? AND article_id = ?`, reviewID, reviewerID, due, clinicID, articleID).Error; err != nil {
		return err
	}
	return w.Bump(tx, clinicID)
}

// MarkOverdue flags the live page as overdue for re-review since now,
// once; it reports whether it was not flagged before.
func (w Writer) MarkOverdue(tx *gorm.DB, clinicID, articleID int64, now time.Time) (bool, error) {
	res := tx.Exec(`UPDATE live_articles SET overdue_since = ? WHERE clinic_id = ? AND article_id = ? AND overdue_since IS NULL`,
		now, clinicID, articleID)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, w.Bump(tx, clinicID)
}
