// Package redirects owns a clinic's redirect table: old paths of the
// clinic's site (typically the permalinks of an imported WordPress site)
// answered with 301 to an article's URL (only while that article is live),
// 301 to a plain same-site path, or 410 Gone. It also tells the public site
// when an article's URL should answer 410 (it was published once and is no
// longer live). Targets are same-site paths only; loops are refused.
package redirects

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/redirect"
)

// Kinds of redirect.
const (
	// KindArticle answers 301 to the article's URL while it is live, 410
	// once it was unpublished or archived, 404 before it is ever live.
	KindArticle = "article"
	// KindPath answers 301 to a same-site path.
	KindPath = "path"
	// KindGone answers 410 Gone.
	KindGone = "gone"
)

// Origins of a redirect row.
const (
	OriginManual = "manual"
	OriginImport = "import"
	OriginCSV    = "csv"
)

// maxChain is how many path redirects are followed when looking for a loop.
const maxChain = 20

// Redirect is one row of a clinic's redirect table.
type Redirect struct {
	ID         int64      `json:"id"`
	ClinicID   int64      `json:"-"`
	FromPath   string     `json:"from"`
	Kind       string     `json:"kind"`
	ArticleID  *int64     `json:"article_id"`
	TargetPath string     `json:"target"`
	Origin     string     `json:"origin"`
	Hits       int64      `json:"hits"`
	LastHitAt  *time.Time `json:"last_hit_at"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName is the redirects table.
func (Redirect) TableName() string { return "redirects" }

// Service manages and resolves redirects.
type Service struct {
	db      *db.DB
	clinics *clinic.Service
	now     func() time.Time
}

// New returns a Service on d; now nil means the wall clock.
func New(d *db.DB, clinics *clinic.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, clinics: clinics, now: now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// Input is a redirect to create, or (with Version) the new content of one.
type Input struct {
	From      string `json:"from"`
	Kind      string `json:"kind"`
	ArticleID *int64 `json:"article_id"`
	Target    string `json:"target"`
	// Version is required on update: the version the edit is based on.
	Version int `json:"version"`
}

// NormalizePath parses a redirect source or target as a same-site path
// (see internal/redirect.Path) and drops a trailing slash, so "/a/" and
// "/a" are the same source. ok is false for anything that is not a
// same-site path (another host, a scheme, control characters, ...).
func NormalizePath(raw string) (string, bool) {
	p, ok := redirect.Path(strings.TrimSpace(raw))
	if !ok {
		return "", false
	}
	path, q, _ := strings.Cut(p, "?")
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	if q != "" {
		return path + "?" + q, true
	}
	return path, true
}

func (s *Service) validate(tx *gorm.DB, clinicID, selfID int64, in *Input) error {
	var v errs.Validation
	from, ok := NormalizePath(in.From)
	if !ok {
		v.Add("from", "must be a path on this site starting with /")
	} else if from == "/" {
		v.Add("from", "the home page cannot be redirected")
	}
	in.From = from
	switch in.Kind {
	case KindArticle:
		if in.ArticleID == nil || *in.ArticleID <= 0 {
			v.Add("article_id", "is required for an article redirect")
		}
		in.Target = ""
	case KindPath:
		in.ArticleID = nil
		t, ok := NormalizePath(in.Target)
		if !ok {
			v.Add("target", "must be a path on this site starting with /; redirects to other hosts are refused")
		}
		in.Target = t
	case KindGone:
		in.ArticleID, in.Target = nil, ""
	default:
		v.Add("kind", "must be article, path or gone")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if in.Kind == KindArticle {
		var slugs []string
		if err := tx.Raw(`SELECT slug FROM articles WHERE clinic_id = ? AND id = ?`, clinicID, *in.ArticleID).Scan(&slugs).Error; err != nil {
			return err
		}
		if len(slugs) == 0 {
			var v errs.Validation
			v.Add("article_id", "names no article of this clinic")
			return v.Err()
		}
		if from == "/articles/"+slugs[0] {
			return errs.Conflict("redirect_loop", "the redirect would point at itself")
		}
	}
	if in.Kind == KindPath {
		if err := loopCheck(tx, clinicID, selfID, from, in.Target); err != nil {
			return err
		}
	}
	return nil
}

// loopCheck follows the chain of path redirects from target and refuses one
// that comes back to from.
func loopCheck(tx *gorm.DB, clinicID, selfID int64, from, target string) error {
	cur := target
	for i := 0; i < maxChain; i++ {
		if cur == from {
			return errs.Conflict("redirect_loop", "the redirect would loop back to %s", from)
		}
		var next []Redirect
		if err := tx.Raw(`SELECT * FROM redirects WHERE clinic_id = ? AND from_path = ? AND id <> ?`, clinicID, cur, selfID).Scan(&next).Error; err != nil {
			return err
		}
		if len(next) == 0 || next[0].Kind != KindPath {
			return nil
		}
		cur = next[0].TargetPath
	}
	return errs.Conflict("redirect_loop", "the redirect chain from %s is longer than %d steps", target, maxChain)
}

func manage(sc clinic.Scope) error { return sc.Require(authz.ObjClinic, authz.ActUpdate) }

// List returns the clinic's redirects, ordered by source path.
func (s *Service) List(ctx context.Context, sc clinic.Scope) ([]Redirect, error) {
	if err := manage(sc); err != nil {
		return nil, err
	}
	var out []Redirect
	err := s.db.WithContext(ctx).Where("clinic_id = ?", sc.ClinicID()).Order("from_path, id").Find(&out).Error
	return out, err
}

// Get returns one redirect of the clinic (404 for another clinic's).
func (s *Service) Get(ctx context.Context, sc clinic.Scope, id int64) (Redirect, error) {
	if err := manage(sc); err != nil {
		return Redirect{}, err
	}
	return load(s.db.WithContext(ctx), sc.ClinicID(), id)
}

func load(tx *gorm.DB, clinicID, id int64) (Redirect, error) {
	var rs []Redirect
	if err := tx.Where("clinic_id = ? AND id = ?", clinicID, id).Limit(1).Find(&rs).Error; err != nil {
		return Redirect{}, err
	}
	if len(rs) == 0 {
		return Redirect{}, errs.NotFound("redirect")
	}
	return rs[0], nil
}

func taken(tx *gorm.DB, clinicID, selfID int64, from string) error {
	var n int64
	if err := tx.Model(&Redirect{}).Where("clinic_id = ? AND from_path = ? AND id <> ?", clinicID, from, selfID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return errs.Conflict("redirect_exists", "a redirect from %s already exists", from)
	}
	return nil
}

func (s *Service) audit(tx *gorm.DB, sc clinic.Scope, action string, r Redirect, before any) error {
	a := sc.Actor()
	return audit.Record(tx, audit.Change{ClinicID: sc.ClinicID(), ActorID: a.UserID, Action: action, TargetType: "redirect",
		TargetID: r.ID, RequestID: a.RequestID, At: s.clock(), Before: before,
		After: map[string]any{"from": r.FromPath, "kind": r.Kind, "article_id": r.ArticleID, "target": r.TargetPath}})
}

// Create adds a redirect (409 redirect_exists for a source already in the
// table, 409 redirect_loop for a loop, 422 for another host).
func (s *Service) Create(ctx context.Context, sc clinic.Scope, in Input) (Redirect, error) {
	if err := manage(sc); err != nil {
		return Redirect{}, err
	}
	return s.create(ctx, sc, in, OriginManual)
}

func (s *Service) create(ctx context.Context, sc clinic.Scope, in Input, origin string) (Redirect, error) {
	var out Redirect
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		fresh, err := s.resolveTx(tx, sc)
		if err != nil {
			return err
		}
		out, err = s.createTx(tx, fresh, in, origin)
		return err
	})
	return out, err
}

// resolveTx re-reads the caller's membership inside tx.
func (s *Service) resolveTx(tx *gorm.DB, sc clinic.Scope) (clinic.Scope, error) {
	return s.clinics.ResolveTx(tx, sc, authz.ObjClinic, authz.ActUpdate)
}

func (s *Service) createTx(tx *gorm.DB, sc clinic.Scope, in Input, origin string) (Redirect, error) {
	c := sc.ClinicID()
	if err := s.validate(tx, c, 0, &in); err != nil {
		return Redirect{}, err
	}
	if err := taken(tx, c, 0, in.From); err != nil {
		return Redirect{}, err
	}
	now := s.clock()
	r := Redirect{ClinicID: c, FromPath: in.From, Kind: in.Kind, ArticleID: in.ArticleID, TargetPath: in.Target,
		Origin: origin, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&r).Error; err != nil {
		return Redirect{}, fmt.Errorf("redirects: insert: %w", err)
	}
	return r, s.audit(tx, sc, "redirect.created", r, nil)
}

// Update replaces a redirect's source and target; in.Version must match.
func (s *Service) Update(ctx context.Context, sc clinic.Scope, id int64, in Input) (Redirect, error) {
	if err := manage(sc); err != nil {
		return Redirect{}, err
	}
	var out Redirect
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.resolveTx(tx, sc); err != nil {
			return err
		}
		cur, err := load(tx, sc.ClinicID(), id)
		if err != nil {
			return err
		}
		if in.Version != cur.Version {
			return errs.Conflict("version_conflict", "the redirect changed since version %d; reload it", in.Version)
		}
		if err := s.validate(tx, sc.ClinicID(), id, &in); err != nil {
			return err
		}
		if err := taken(tx, sc.ClinicID(), id, in.From); err != nil {
			return err
		}
		before := map[string]any{"from": cur.FromPath, "kind": cur.Kind, "article_id": cur.ArticleID, "target": cur.TargetPath}
		cur.FromPath, cur.Kind, cur.ArticleID, cur.TargetPath = in.From, in.Kind, in.ArticleID, in.Target
		cur.Version++
		cur.UpdatedAt = s.clock()
		res := tx.Model(&Redirect{}).Where("clinic_id = ? AND id = ? AND version = ?", cur.ClinicID, id, in.Version).
			Updates(map[string]any{"from_path": cur.FromPath, "kind": cur.Kind, "article_id": cur.ArticleID,
				"target_path": cur.TargetPath, "version": cur.Version, "updated_at": cur.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.Conflict("version_conflict", "the redirect changed since version %d; reload it", in.Version)
		}
		out = cur
		return s.audit(tx, sc, "redirect.updated", cur, before)
	})
	return out, err
}

// Delete removes a redirect.
func (s *Service) Delete(ctx context.Context, sc clinic.Scope, id int64) error {
	if err := manage(sc); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.resolveTx(tx, sc); err != nil {
			return err
		}
		cur, err := load(tx, sc.ClinicID(), id)
		if err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM redirects WHERE clinic_id = ? AND id = ?`, cur.ClinicID, id).Error; err != nil {
			return err
		}
		return s.audit(tx, sc, "redirect.deleted", cur, nil)
	})
}

// RowError is one CSV line that was not imported.
type RowError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// CSVResult is what ImportCSV did.
type CSVResult struct {
	Created int        `json:"created"`
	Skipped []RowError `json:"skipped"`
}

// MaxCSVRows bounds one CSV import.
const MaxCSVRows = 10000

// ImportCSV adds redirects from CSV lines "from,target": target a path
// (301), "410" or "gone" (410 Gone), or "article:ID". A header line
// starting with "from" is skipped. Lines that fail (bad path, other host,
// loop, source already present) are reported, the others are created,
// all in one transaction.
func (s *Service) ImportCSV(ctx context.Context, sc clinic.Scope, r io.Reader) (CSVResult, error) {
	if err := manage(sc); err != nil {
		return CSVResult{}, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return CSVResult{}, errs.BadRequest("csv_invalid", "the CSV file could not be read: line %d", len(rows)+1)
		}
		rows = append(rows, rec)
		if len(rows) > MaxCSVRows {
			return CSVResult{}, errs.New(http.StatusRequestEntityTooLarge, "too_large", "at most %d lines per CSV import", MaxCSVRows)
		}
	}
	out := CSVResult{Skipped: []RowError{}}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.resolveTx(tx, sc); err != nil {
			return err
		}
		out = CSVResult{Skipped: []RowError{}}
		for i, rec := range rows {
			line := i + 1
			if i == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "from") {
				continue
			}
			if len(rec) < 2 {
				out.Skipped = append(out.Skipped, RowError{line, "needs two columns: from,target"})
				continue
			}
			in := Input{From: rec[0]}
			t := strings.TrimSpace(rec[1])
			switch {
			case t == "410" || strings.EqualFold(t, "gone"):
				in.Kind = KindGone
			case strings.HasPrefix(t, "article:"):
				id, err := strconv.ParseInt(strings.TrimPrefix(t, "article:"), 10, 64)
				if err != nil {
					out.Skipped = append(out.Skipped, RowError{line, "article:ID needs a number"})
					continue
				}
				in.Kind, in.ArticleID = KindArticle, &id
			default:
				in.Kind, in.Target = KindPath, t
			}
			var rerr error
			if err := tx.Transaction(func(stx *gorm.DB) error {
				_, rerr = s.createTx(stx, sc, in, OriginCSV)
				return rerr
			}); err != nil {
				var e *errs.Error
				if !errors.As(err, &e) {
					return err
				}
				out.Skipped = append(out.Skipped, RowError{line, e.Message})
				continue
			}
			out.Created++
		}
		return nil
	})
	return out, err
}

// PutImportTx records, for the importer, that from (an old WordPress path)
// now means the article articleID. A source that an admin set by hand is
// left alone; one the import set before is pointed at the article again.
// It reports whether the row was written.
func (s *Service) PutImportTx(tx *gorm.DB, clinicID int64, from string, articleID int64) (bool, error) {
	p, ok := NormalizePath(from)
	if !ok || p == "/" {
		return false, nil
	}
	var cur []Redirect
	if err := tx.Raw(`SELECT * FROM redirects WHERE clinic_id = ? AND from_path = ?`, clinicID, p).Scan(&cur).Error; err != nil {
		return false, err
	}
	now := s.clock()
	if len(cur) == 1 {
		if cur[0].Origin != OriginImport || (cur[0].Kind == KindArticle && cur[0].ArticleID != nil && *cur[0].ArticleID == articleID) {
			return false, nil
		}
		return true, tx.Exec(`UPDATE redirects SET kind = ?, article_id = ?, target_path = '', version = version + 1, updated_at = ? WHERE clinic_id = ? AND id = ?`,
			KindArticle, articleID, now, clinicID, cur[0].ID).Error
	}
	r := Redirect{ClinicID: clinicID, FromPath: p, Kind: KindArticle, ArticleID: &articleID, Origin: OriginImport, Version: 1, CreatedAt: now, UpdatedAt: now}
	return true, tx.Create(&r).Error
}

// Outcome is how the public site answers a path that no page serves.
type Outcome struct {
	// Status is 301, 410 or 404.
	Status int
	// Location is the site-relative target of a 301.
	Location string
}

// Resolve looks path (and query, for WordPress's "/?p=ID" forms) up in the
// clinic's redirect table and counts the hit. found is false when no row
// matches. An article redirect answers 301 only while the article is live,
// 410 once it was published and is not live any more, 404 before.
func (s *Service) Resolve(ctx context.Context, clinicID int64, path, rawQuery string) (out Outcome, found bool, err error) {
	var cands []string
	if rawQuery != "" {
		if p, ok := NormalizePath(path + "?" + rawQuery); ok {
			cands = append(cands, p)
		}
	}
	if p, ok := NormalizePath(path); ok && p != "/" {
		cands = append(cands, p)
	}
	if len(cands) == 0 {
		return Outcome{}, false, nil
	}
	tx := s.db.WithContext(ctx)
	var r *Redirect
	for _, c := range cands {
		var rs []Redirect
		if err := tx.Raw(`SELECT * FROM redirects WHERE clinic_id = ? AND from_path = ?`, clinicID, c).Scan(&rs).Error; err != nil {
			return Outcome{}, false, err
		}
		if len(rs) == 1 {
			r = &rs[0]
			break
		}
	}
	if r == nil {
		return Outcome{}, false, nil
	}
	switch r.Kind {
	case KindGone:
		out = Outcome{Status: http.StatusGone}
	case KindPath:
		out = Outcome{Status: http.StatusMovedPermanently, Location: r.TargetPath}
	default:
		out, err = s.articleOutcome(tx, clinicID, *r.ArticleID)
		if err != nil {
			return Outcome{}, false, err
		}
	}
	if out.Status != http.StatusNotFound {
		if err := tx.Exec(`UPDATE redirects SET hits = hits + 1, last_hit_at = ? WHERE clinic_id = ? AND id = ?`, s.clock(), clinicID, r.ID).Error; err != nil {
			return Outcome{}, false, err
		}
	}
	return out, true, nil
}

func (s *Service) articleOutcome(tx *gorm.DB, clinicID, articleID int64) (Outcome, error) {
	var live []string
	if err := tx.Raw(`SELECT slug FROM live_articles WHERE clinic_id = ? AND article_id = ?`, clinicID, articleID).Scan(&live).Error; err != nil {
		return Outcome{}, err
	}
	if len(live) == 1 {
		return Outcome{Status: http.StatusMovedPermanently, Location: "/articles/" + live[0]}, nil
	}
	var n int64
	if err := tx.Raw(`SELECT COUNT(*) FROM articles WHERE clinic_id = ? AND id = ? AND first_published_at IS NOT NULL`, clinicID, articleID).Scan(&n).Error; err != nil {
		return Outcome{}, err
	}
	if n > 0 {
		return Outcome{Status: http.StatusGone}, nil
	}
	return Outcome{Status: http.StatusNotFound}, nil
}

// ArticleGone reports whether the clinic's article with slug was published
// once and is not live now (unpublished, archived, or edited after being
// taken down): its URL answers 410 rather than 404.
func (s *Service) ArticleGone(ctx context.Context, clinicID int64, slug string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM articles a WHERE a.clinic_id = ? AND a.slug = ? AND a.first_published_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM live_articles l WHERE l.clinic_id = a.clinic_id AND l.article_id = a.id)`, clinicID, slug).Scan(&n).Error
	return n > 0, err
}
