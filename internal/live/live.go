// Package live is the read model of the public sites: queries over the
// live tables the workflow writes (live_articles, live_tags and the search
// index, joined to the revision, review and users they name), the preview
// tokens that let members see an unpublished revision, and the per-clinic
// change epochs that keep several instances' page caches in step.
//
// Public pages read only through Store, and Store reads only the live
// tables: nothing here looks at articles.status, so a draft, a pending
// review or an unpublished article cannot reach a public page through a
// forgotten WHERE clause. No method checks permissions: everything returned
// is public by construction (previews excepted, which are guarded by their
// token).
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/searchtext"
)

// ErrNotFound is returned when nothing live matches.
var ErrNotFound = errors.New("live: not found")

// Store reads the live tables.
type Store struct {
	db *db.DB
}

// New returns a Store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// Card is a live article in a list.
type Card struct {
	ArticleID    int64
	Slug         string
	Title        string
	Summary      string
	Tags         []string
	PublishedAt  time.Time // first publication: the list order
	UpdatedAt    time.Time // when the live revision went live
	ReviewerName string
	AuthorName   string
}

// Cursor is a keyset position in a newest-first list: the first
// publication time and article id of the last card shown.
type Cursor struct {
	At time.Time
	ID int64
}

// String encodes c for a URL: "<unix seconds>.<nanos>-<id>".
func (c Cursor) String() string {
	return strconv.FormatInt(c.At.Unix(), 10) + "." + strconv.Itoa(c.At.Nanosecond()) + "-" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor decodes a Cursor written by String.
func ParseCursor(s string) (Cursor, bool) {
	if len(s) > 64 {
		return Cursor{}, false
	}
	ts, id, ok := strings.Cut(s, "-")
	if !ok {
		return Cursor{}, false
	}
	secs, nanos, _ := strings.Cut(ts, ".")
	sec, err1 := strconv.ParseInt(secs, 10, 64)
	ns := int64(0)
	var err2 error
	if nanos != "" {
		ns, err2 = strconv.ParseInt(nanos, 10, 64)
	}
	n, err3 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || n <= 0 || ns < 0 || ns >= 1e9 || sec < 0 || sec > 1<<40 {
		return Cursor{}, false
	}
	return Cursor{At: time.Unix(sec, ns).UTC(), ID: n}, true
}

type cardRow struct {
	ArticleID        int64
	Slug             string
	Title            string
	Summary          string
	Tags             string
	FirstPublishedAt time.Time
	PublishedAt      time.Time
	ReviewerName     string
	AuthorName       string
}

func (r cardRow) card() Card {
	return Card{ArticleID: r.ArticleID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, Tags: decodeTags(r.Tags),
		PublishedAt: r.FirstPublishedAt.UTC(), UpdatedAt: r.PublishedAt.UTC(), ReviewerName: r.ReviewerName, AuthorName: r.AuthorName}
}

func decodeTags(s string) []string {
	var tags []string
	if s != "" && s != "[]" {
		_ = json.Unmarshal([]byte(s), &tags)
	}
	return tags
}

// cardSelect is the column list of a card; the query joins live_articles la,
// its live revision r, the reviewer du and the revision's author au.
const cardSelect = `la.article_id, la.slug, r.title, r.summary, r.tags, la.first_published_at, la.published_at,
  du.name AS reviewer_name, au.name AS author_name`

const cardJoins = ` JOIN revisions r ON r.article_id = la.article_id AND r.number = la.revision AND r.clinic_id = la.clinic_id
  JOIN users du ON du.id = la.reviewer_id
  JOIN users au ON au.id = r.author_id`

// page runs a newest-first keyset query and returns up to limit cards and
// the cursor of the next page (nil on the last page). from is the table
// the keyset columns (clinic_id, first_published_at, article_id) come from.
func (s *Store) page(ctx context.Context, q string, args []any, alias string, before *Cursor, limit int) ([]Card, *Cursor, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if before != nil {
		q += fmt.Sprintf(" AND (%[1]s.first_published_at, %[1]s.article_id) < (?, ?)", alias)
		args = append(args, before.At, before.ID)
	}
	q += fmt.Sprintf(" ORDER BY %[1]s.first_published_at DESC, %[1]s.article_id DESC LIMIT ?", alias)
	args = append(args, limit+1)
	var rows []cardRow
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	var next *Cursor
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &Cursor{At: last.FirstPublishedAt.UTC(), ID: last.ArticleID}
	}
	out := make([]Card, len(rows))
	for i, r := range rows {
		out[i] = r.card()
	}
	return out, next, nil
}

// Latest lists a clinic's live articles newest first, after before.
func (s *Store) Latest(ctx context.Context, clinicID int64, before *Cursor, limit int) ([]Card, *Cursor, error) {
	return s.page(ctx, `SELECT `+cardSelect+` FROM live_articles la`+cardJoins+` WHERE la.clinic_id = ?`,
		[]any{clinicID}, "la", before, limit)
}

// Tagged lists a clinic's live articles with tag, newest first.
func (s *Store) Tagged(ctx context.Context, clinicID int64, tag string, before *Cursor, limit int) ([]Card, *Cursor, error) {
	return s.page(ctx, `SELECT `+cardSelect+` FROM live_tags lt JOIN live_articles la ON la.article_id = lt.article_id AND la.clinic_id = lt.clinic_id`+
		cardJoins+` WHERE lt.clinic_id = ? AND lt.tag = ?`, []any{clinicID, tag}, "lt", before, limit)
}

// ReviewedBy lists the live articles doctorID reviewed, newest first.
func (s *Store) ReviewedBy(ctx context.Context, clinicID, doctorID int64, before *Cursor, limit int) ([]Card, *Cursor, error) {
	return s.page(ctx, `SELECT `+cardSelect+` FROM live_articles la`+cardJoins+` WHERE la.clinic_id = ? AND la.reviewer_id = ?`,
		[]any{clinicID, doctorID}, "la", before, limit)
}

// Article is one live article with its live revision and the approval
// behind it, as the reviewing doctor's profile stood at approval time.
type Article struct {
	ID                 int64
	Slug               string
	Revision           int
	Title              string
	Summary            string
	Body               string
	Tags               []string
	AuthorName         string
	ReviewerID         int64
	ReviewerName       string
	RegistrationNumber string // at approval time
	Specialty          string // at approval time
	ReviewerListed     bool   // the reviewer is still a doctor of the clinic (has a profile page)
	ReviewedAt         time.Time
	FirstPublishedAt   time.Time
	PublishedAt        time.Time // when this revision went live
	RevisedAt          time.Time // when this revision was written
	ReviewDueAt        time.Time
}

type articleRow struct {
	ArticleID          int64
	Slug               string
	Revision           int
	Title              string
	Summary            string
	Body               string
	Tags               string
	AuthorName         string
	ReviewerID         int64
	ReviewerName       string
	RegistrationNumber string
	Specialty          string
	ReviewerListed     int
	ReviewedAt         time.Time
	FirstPublishedAt   time.Time
	PublishedAt        time.Time
	RevisedAt          time.Time
	ReviewDueAt        time.Time
	// OriginalPublishedAt is an imported article's first publication on
	// its old site (articles.original_published_at), if any.
	OriginalPublishedAt *time.Time
}

// Article returns the live article of the clinic at slug, or ErrNotFound.
func (s *Store) Article(ctx context.Context, clinicID int64, slug string) (Article, error) {
	var rows []articleRow
	err := s.db.WithContext(ctx).Raw(`SELECT la.article_id, la.slug, la.revision, r.title, r.summary, r.body, r.tags,
  au.name AS author_name, la.reviewer_id, du.name AS reviewer_name, rv.registration_number, rv.specialty,
  CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END AS reviewer_listed,
  rv.created_at AS reviewed_at, la.first_published_at, la.published_at, r.created_at AS revised_at, la.review_due_at,
  a.original_published_at
FROM live_articles la
JOIN articles a ON a.clinic_id = la.clinic_id AND a.id = la.article_id
JOIN revisions r ON r.article_id = la.article_id AND r.number = la.revision AND r.clinic_id = la.clinic_id
JOIN users au ON au.id = r.author_id
JOIN reviews rv ON rv.id = la.review_id AND rv.clinic_id = la.clinic_id
JOIN users du ON du.id = rv.doctor_id
LEFT JOIN memberships m ON m.clinic_id = la.clinic_id AND m.user_id = la.reviewer_id AND m.role = 'doctor'
WHERE la.clinic_id = ? AND la.slug = ?`, clinicID, slug).Scan(&rows).Error
	if err != nil {
		return Article{}, err
	}
	if len(rows) == 0 {
		return Article{}, ErrNotFound
	}
	r := rows[0]
	// An imported article was first published on the old site: that date
	// is its "first published".
	if r.OriginalPublishedAt != nil && r.OriginalPublishedAt.Before(r.FirstPublishedAt) {
		r.FirstPublishedAt = *r.OriginalPublishedAt
	}
	return Article{ID: r.ArticleID, Slug: r.Slug, Revision: r.Revision, Title: r.Title, Summary: r.Summary, Body: r.Body,
		Tags: decodeTags(r.Tags), AuthorName: r.AuthorName, ReviewerID: r.ReviewerID, ReviewerName: r.ReviewerName,
		RegistrationNumber: r.RegistrationNumber, Specialty: r.Specialty, ReviewerListed: r.ReviewerListed != 0,
		ReviewedAt: r.ReviewedAt.UTC(), FirstPublishedAt: r.FirstPublishedAt.UTC(), PublishedAt: r.PublishedAt.UTC(),
		RevisedAt: r.RevisedAt.UTC(), ReviewDueAt: r.ReviewDueAt.UTC()}, nil
}

// MaxQueryRunes is the longest search query taken; longer ones are cut.
const MaxQueryRunes = 200

// maxTerms caps the words of a search query.
const maxTerms = 12

// Terms splits a search query into at most 12 words of letters and
// digits, after cutting it to MaxQueryRunes.
func Terms(q string) []string {
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		q = string([]rune(q)[:MaxQueryRunes])
	}
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxTerms {
		words = words[:maxTerms]
	}
	return words
}

// FTS5Query quotes every term for an FTS5 MATCH, so no query can use FTS5
// syntax (column filters, NEAR, operators): "a" "b" means a AND b. A term
// with CJK characters becomes the phrase of its search tokens.
func FTS5Query(terms []string) string {
	return phrases(terms, func(t string) string { return strings.ReplaceAll(t, `"`, `""`) })
}

// pgQuery is the websearch_to_tsquery text of terms: words ANDed, a CJK
// term as a quoted phrase of its search tokens (the same as FTS5Query).
func pgQuery(terms []string) string {
	return phrases(terms, func(t string) string { return strings.ReplaceAll(t, `"`, " ") })
}

func phrases(terms []string, esc func(string) string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		for j, tok := range searchtext.Phrase(t) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(esc(tok))
		}
		b.WriteByte('"')
	}
	return b.String()
}

// MaxResults is how many search results Search returns.
const MaxResults = 30

// Search finds the clinic's live articles matching q, best first, and the
// number of matches (capped at 1000). An empty query finds nothing.
func (s *Store) Search(ctx context.Context, clinicID int64, q string) ([]Card, int, error) {
	terms := Terms(q)
	if len(terms) == 0 {
		return nil, 0, nil
	}
	var rows []cardRow
	var total int
	tx := s.db.WithContext(ctx)
	if s.db.Dialect == db.Postgres {
		text := pgQuery(terms)
		err := tx.Raw(`SELECT `+cardSelect+` FROM live_articles la`+cardJoins+`
WHERE la.clinic_id = ? AND la.search @@ websearch_to_tsquery('english', ?)
ORDER BY ts_rank(la.search, websearch_to_tsquery('english', ?)) DESC, la.first_published_at DESC, la.article_id DESC LIMIT ?`,
			clinicID, text, text, MaxResults).Scan(&rows).Error
		if err != nil {
			return nil, 0, err
		}
		err = tx.Raw(`SELECT count(*) FROM (SELECT 1 FROM live_articles la WHERE la.clinic_id = ? AND la.search @@ websearch_to_tsquery('english', ?) LIMIT 1000) m`,
			clinicID, text).Scan(&total).Error
		if err != nil {
			return nil, 0, err
		}
	} else {
		match := FTS5Query(terms)
		err := tx.Raw(`SELECT `+cardSelect+` FROM live_search s JOIN live_articles la ON la.article_id = s.rowid`+cardJoins+`
WHERE live_search MATCH ? AND la.clinic_id = ?
ORDER BY s.rank, la.first_published_at DESC, la.article_id DESC LIMIT ?`, match, clinicID, MaxResults).Scan(&rows).Error
		if err != nil {
			return nil, 0, err
		}
		err = tx.Raw(`SELECT count(*) FROM (SELECT 1 FROM live_search s JOIN live_articles la ON la.article_id = s.rowid
WHERE live_search MATCH ? AND la.clinic_id = ? LIMIT 1000) m`, match, clinicID).Scan(&total).Error
		if err != nil {
			return nil, 0, err
		}
	}
	out := make([]Card, len(rows))
	for i, r := range rows {
		out[i] = r.card()
	}
	return out, total, nil
}

// Entry is a live article in the sitemap.
type Entry struct {
	Slug      string
	UpdatedAt time.Time
}

// MaxSitemap is the most URLs one sitemap may hold.
const MaxSitemap = 50000

// Sitemap lists the clinic's live articles (at most MaxSitemap), newest first.
func (s *Store) Sitemap(ctx context.Context, clinicID int64) ([]Entry, error) {
	var rows []struct {
		Slug        string
		PublishedAt time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT la.slug, la.published_at FROM live_articles la WHERE la.clinic_id = ?
ORDER BY la.first_published_at DESC, la.article_id DESC LIMIT ?`, clinicID, MaxSitemap-1000).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry{Slug: r.Slug, UpdatedAt: r.PublishedAt.UTC()}
	}
	return out, nil
}

// Tags lists the tags of the clinic's live articles, by name (at most 1000).
func (s *Store) Tags(ctx context.Context, clinicID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT tag FROM live_tags WHERE clinic_id = ? ORDER BY tag LIMIT 1000`, clinicID).
		Scan(&out).Error
	return out, err
}

// HasTag reports whether any live article of the clinic carries tag.
func (s *Store) HasTag(ctx context.Context, clinicID int64, tag string) (bool, error) {
	var n []int
	err := s.db.WithContext(ctx).Raw(`SELECT 1 FROM live_tags WHERE clinic_id = ? AND tag = ? LIMIT 1`, clinicID, tag).Scan(&n).Error
	return len(n) > 0, err
}

// DB is the handle the preview and epoch helpers share.
func (s *Store) gorm(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }
