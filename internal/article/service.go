package article

import (
	"context"
	"errors"
	"fmt"

	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Service runs the article workflow.
type Service struct {
	db      *db.DB
	clinics *clinic.Service
	now     func() time.Time
	changed func(clinicID int64)
}

// New returns a Service. changed, if set, is called after anything a public
// page shows may have changed (publish, unpublish, archive, schedule firing).
func New(d *db.DB, clinics *clinic.Service, now func() time.Time, changed func(clinicID int64)) *Service {
	if now == nil {
		now = time.Now
	}
	if changed == nil {
		changed = func(int64) {}
	}
	return &Service{db: d, clinics: clinics, now: now, changed: changed}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

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
	if len(d.Tags) > MaxTags {
		v.Add("tags", "at most %d tags", MaxTags)
	}
	for _, t := range d.Tags {
		if utf8.RuneCountInString(t) > MaxTag {
			v.Add("tags", "each tag must be at most %d characters", MaxTag)
			break
		}
	}
	if d.Slug != "" && !clinic.ValidSlug(d.Slug) {
		v.Add("slug", "must be 2 to 80 lower-case letters, digits and single hyphens")
	}
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify derives a URL slug from a title.
func Slugify(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		if r < unicode.MaxASCII {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	s := strings.Trim(nonSlug.ReplaceAllString(b.String(), "-"), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	return s
}

// access resolves the clinic for actor with the permission needed.
func (s *Service) access(ctx context.Context, actor authz.Actor, clinicSlug, act string) (clinic.Clinic, error) {
	return s.clinics.Access(ctx, actor, clinicSlug, authz.ObjArticle, act)
}

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
	return audit.Record(tx, audit.Change{ClinicID: a.ClinicID, ActorID: actor.UserID, Action: action,
		TargetType: "article", TargetID: a.ID, ArticleID: a.ID, FromRevision: from, ToRevision: to,
		Before: before, After: after, RequestID: actor.RequestID, At: s.clock()})
}

// snapshot is what audit entries record of an article's state.
func snapshot(a Article) map[string]any {
	return map[string]any{"status": a.Status, "version": a.Version, "revision": a.CurrentRevision,
		"live_revision": a.LiveRevision, "approval_id": a.ApprovalID, "scheduled_at": a.ScheduledAt}
}

// save writes a's workflow fields if nobody changed the row since it was
// read at version `from`; otherwise it answers 409 version_conflict.
func save(tx *gorm.DB, a *Article, from int) error {
	a.Version = from + 1
	res := tx.Model(&Article{}).Where("id = ? AND clinic_id = ? AND version = ?", a.ID, a.ClinicID, from).
		Select("slug", "status", "version", "current_revision", "live_revision", "approval_id", "live_approval_id",
			"first_published_at", "published_at", "scheduled_at", "review_due_at", "updated_at").Updates(a)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return versionConflict(from, nil)
	}
	return nil
}

func versionConflict(based int, cur *Article) error {
	e := errs.Conflict("version_conflict", "the article changed since version %d; reload it, merge your text and save again", based)
	if cur != nil {
		e.Extra = map[string]any{"current_version": cur.Version, "current_revision": cur.CurrentRevision}
	}
	return e
}

// Create stores a new article with its first revision, as a draft.
func (s *Service) Create(ctx context.Context, actor authz.Actor, clinicSlug string, d Draft) (View, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActWrite)
	if err != nil {
		return View{}, err
	}
	var v errs.Validation
	validateDraft(&d, &v)
	if d.Slug == "" && d.Title != "" {
		if d.Slug = Slugify(d.Title); !clinic.ValidSlug(d.Slug) {
			v.Add("slug", "could not be derived from the title; give one")
		}
	}
	if err := v.Err(); err != nil {
		return View{}, err
	}
	now := s.clock()
	var out View
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
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
		out, err = viewTx(tx, a)
		return err
	})
	return out, err
}

// Get returns one article of the clinic.
func (s *Service) Get(ctx context.Context, actor authz.Actor, clinicSlug string, id int64) (View, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActRead)
	if err != nil {
		return View{}, err
	}
	tx := s.db.WithContext(ctx)
	a, err := loadTx(tx, c.ID, id)
	if err != nil {
		return View{}, err
	}
	return viewTx(tx, a)
}

// ListFilter narrows a listing. Cursor is the opaque value returned as
// next by the previous page.
type ListFilter struct {
	Status string
	Limit  int
	Cursor string
}

// Summary is an article in a listing.
type Summary struct {
	ID           int64      `json:"id"`
	Slug         string     `json:"slug"`
	Status       string     `json:"status"`
	Version      int        `json:"version"`
	Revision     int        `json:"revision"`
	LiveRevision *int       `json:"live_revision"`
	Title        string     `json:"title"`
	AuthorName   string     `json:"author"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ScheduledAt  *time.Time `json:"scheduled_at"`
}

// List returns the clinic's articles, newest first, keyset-paginated.
func (s *Service) List(ctx context.Context, actor authz.Actor, clinicSlug string, f ListFilter) ([]Summary, string, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActRead)
	if err != nil {
		return nil, "", err
	}
	if f.Status != "" && !ValidStatus(f.Status) {
		return nil, "", errs.BadRequest("invalid_query", "status %q is not a known state", f.Status)
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	if f.Limit < 1 || f.Limit > 100 {
		return nil, "", errs.BadRequest("invalid_query", "limit must be between 1 and 100")
	}
	q := s.db.WithContext(ctx).Table("articles AS a").
		Select("a.id, a.slug, a.status, a.version, a.current_revision AS revision, a.live_revision, r.title, u.name AS author_name, a.updated_at, a.scheduled_at").
		Joins("JOIN revisions r ON r.article_id = a.id AND r.number = a.current_revision").
		Joins("JOIN users u ON u.id = a.author_id").
		Where("a.clinic_id = ?", c.ID)
	if f.Status != "" {
		q = q.Where("a.status = ?", f.Status)
	}
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.BadRequest("invalid_query", "cursor is not valid; use the next value of the previous page")
		}
		q = q.Where("a.id < ?", before)
	}
	var out []Summary
	if err := q.Order("a.id DESC").Limit(f.Limit + 1).Scan(&out).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}

// Revisions lists every revision of an article, newest first.
func (s *Service) Revisions(ctx context.Context, actor authz.Actor, clinicSlug string, id int64) ([]Revision, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActRead)
	if err != nil {
		return nil, err
	}
	tx := s.db.WithContext(ctx)
	if _, err := loadTx(tx, c.ID, id); err != nil {
		return nil, err
	}
	var out []Revision
	err = tx.Table("revisions AS r").Select("r.*, u.name AS author_name").Joins("JOIN users u ON u.id = r.author_id").
		Where("r.clinic_id = ? AND r.article_id = ?", c.ID, id).Order("r.number DESC").Find(&out).Error
	return out, err
}

// Revision returns revision n of an article.
func (s *Service) Revision(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, n int) (Revision, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActRead)
	if err != nil {
		return Revision{}, err
	}
	return revisionTx(s.db.WithContext(ctx), c.ID, id, n)
}

// Reviews lists an article's doctor reviews, newest first.
func (s *Service) Reviews(ctx context.Context, actor authz.Actor, clinicSlug string, id int64) ([]Review, error) {
	c, err := s.access(ctx, actor, clinicSlug, authz.ActRead)
	if err != nil {
		return nil, err
	}
	var out []Review
	err = s.db.WithContext(ctx).Table("reviews AS r").Select("r.*, u.name AS doctor_name").Joins("JOIN users u ON u.id = r.doctor_id").
		Where("r.clinic_id = ? AND r.article_id = ?", c.ID, id).Order("r.id DESC").Find(&out).Error
	return out, err
}

// Audit returns an article's audit trail, newest first.
func (s *Service) Audit(ctx context.Context, actor authz.Actor, clinicSlug string, id int64) ([]audit.Entry, error) {
	c, err := s.clinics.Access(ctx, actor, clinicSlug, authz.ObjAudit, authz.ActRead)
	if err != nil {
		return nil, err
	}
	if _, err := loadTx(s.db.WithContext(ctx), c.ID, id); err != nil {
		return nil, err
	}
	return audit.List(ctx, s.db.DB, c.ID, audit.Filter{ArticleID: id, Limit: 500})
}

// change runs fn on the article inside one transaction after checking
// actor's permission; fn mutates a and returns the audit action details.
// version, when not nil, must match the stored version.
func (s *Service) change(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, act string, version *int,
	validate func() error, fn func(tx *gorm.DB, c clinic.Clinic, a *Article) error) (View, error) {
	c, err := s.access(ctx, actor, clinicSlug, act)
	if err != nil {
		return View{}, err
	}
	if validate != nil { // after access: another clinic's caller learns nothing, not even 422
		if err := validate(); err != nil {
			return View{}, err
		}
	}
	var out View
	published := false
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if s.db.Dialect == db.Postgres {
			// Serialise concurrent changes of one article so the loser
			// sees the winner's version and answers 409, not a unique
			// violation. SQLite's immediate transaction already does.
			if err := tx.Exec(`SELECT id FROM articles WHERE id = ? AND clinic_id = ? FOR UPDATE`, id, c.ID).Error; err != nil {
				return err
			}
		}
		a, err := loadTx(tx, c.ID, id)
		if err != nil {
			return err
		}
		if version != nil && *version != a.Version {
			return versionConflict(*version, &a)
		}
		from := a.Version
		live := a.LiveRevision
		if err := fn(tx, c, &a); err != nil {
			return err
		}
		if a.Version != from { // fn saved
			published = !equalIntPtr(live, a.LiveRevision) || a.Status == StatusPublished
		}
		out, err = viewTx(tx, a)
		return err
	})
	if err == nil && published {
		s.changed(c.ID)
	}
	return out, err
}

func equalIntPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func invalidState(a Article, action string) error {
	return errs.Conflict("invalid_state", "cannot %s an article that is %s", action, strings.ReplaceAll(a.Status, "_", " "))
}

// Edit is a save of new content based on Version.
type Edit struct {
	Draft
	Version int
}

// Update saves new content as a new immutable revision. Editing an
// approved, scheduled or published article puts the working copy back to
// draft and voids the approval; the live revision stays live.
func (s *Service) Update(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, e Edit) (View, error) {
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
	return s.change(ctx, actor, clinicSlug, id, authz.ActWrite, version, validate, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
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

// Restore makes a new draft revision with the content of revision n; it
// needs a new sign-off like any other edit.
func (s *Service) Restore(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, n int, version *int) (View, error) {
	return s.change(ctx, actor, clinicSlug, id, authz.ActWrite, version, nil, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		if a.Status == StatusArchived {
			return invalidState(*a, "restore")
		}
		old, err := revisionTx(tx, c.ID, a.ID, n)
		if err != nil {
			return err
		}
		d := Draft{Title: old.Title, Summary: old.Summary, Body: old.Body, Tags: old.Tags}
		return s.newRevision(tx, actor, c, a, snapshot(*a), d, ContentHash(a.Slug, d.Title, d.Summary, d.Body, d.Tags), &n)
	})
}

// Submit sends the current revision to the clinic's doctors.
func (s *Service) Submit(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, version *int) (View, error) {
	return s.change(ctx, actor, clinicSlug, id, authz.ActWrite, version, nil, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		if a.Status != StatusDraft && a.Status != StatusChangesRequested {
			return invalidState(*a, "submit")
		}
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if err := complianceGateTx(tx, *a, cur); err != nil {
			return err
		}
		before := snapshot(*a)
		a.Status = StatusInReview
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.submitted", a.CurrentRevision, a.CurrentRevision, before, snapshot(*a))
	})
}

// ReviewInput is a doctor's decision on the exact revision they read.
type ReviewInput struct {
	Decision    string
	Revision    int
	ContentHash string
	Note        string
}

// ReviewArticle records a doctor's decision. Approval is bound to the
// revision number and content hash the doctor saw: a revision or hash that
// is no longer current answers 409 stale_revision. The doctor must be
// eligible (see checkSignoff).
func (s *Service) ReviewArticle(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, in ReviewInput) (View, error) {
	validate := func() error {
		var v errs.Validation
		if in.Decision != DecisionApprove && in.Decision != DecisionRequestChanges {
			v.Add("decision", "must be approve or request_changes")
		}
		if in.Revision <= 0 {
			v.Add("revision", "is required: the revision number you reviewed")
		}
		if !strings.HasPrefix(in.ContentHash, "sha256:") {
			v.Add("content_hash", "is required: the content hash of the revision you reviewed")
		}
		in.Note = strings.TrimSpace(in.Note)
		if in.Decision == DecisionRequestChanges && in.Note == "" {
			v.Add("note", "say what needs to change")
		}
		if utf8.RuneCountInString(in.Note) > 5000 {
			v.Add("note", "must be at most 5000 characters")
		}
		return v.Err()
	}
	return s.change(ctx, actor, clinicSlug, id, authz.ActReview, nil, validate, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		// A live revision unchanged since it went live can be re-reviewed:
		// approving it again renews its sign-off without a new revision.
		rereview := IsRereview(*a)
		if a.Status != StatusInReview && !rereview {
			return invalidState(*a, "review")
		}
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if in.Revision != cur.Number || in.ContentHash != cur.ContentHash {
			e := errs.Conflict("stale_revision", "you reviewed revision %d but the current revision is %d (%s); review the current text", in.Revision, cur.Number, cur.ContentHash)
			e.Extra = map[string]any{"current_revision": cur.Number, "current_content_hash": cur.ContentHash}
			return e
		}
		m, err := clinic.MembershipTx(tx, c.ID, actor.UserID)
		if err != nil {
			return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can review")
		}
		now := s.clock()
		r := Review{ClinicID: c.ID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
			DoctorID: actor.UserID, Decision: in.Decision, Note: in.Note, RegistrationNumber: m.RegistrationNumber,
			Specialty: m.Specialty, CreatedAt: now}
		if in.Decision == DecisionApprove {
			if err := approvableTx(tx, *a, cur, actor.UserID, now); err != nil {
				return err
			}
		} else if m.Role != authz.RoleDoctor {
			return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can review")
		}
		if err := tx.Omit("doctor_name").Create(&r).Error; err != nil {
			return fmt.Errorf("article: insert review: %w", err)
		}
		before := snapshot(*a)
		action := "review.changes_requested"
		switch {
		case in.Decision == DecisionApprove && rereview:
			due := now.AddDate(0, 0, c.ReviewIntervalDays)
			a.ApprovalID, a.LiveApprovalID, a.ReviewDueAt = &r.ID, &r.ID, &due
			action = "review.rereviewed"
			if err := tx.Exec(`UPDATE live_articles SET review_id = ?, reviewer_id = ?, review_due_at = ?, overdue_since = NULL WHERE article_id = ?`,
				r.ID, r.DoctorID, due, a.ID).Error; err != nil {
				return err
			}
		case in.Decision == DecisionApprove:
			a.Status = StatusApproved
			a.ApprovalID = &r.ID
			action = "review.approved"
		default:
			a.Status = StatusChangesRequested
		}
		a.UpdatedAt = now
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, actor, *a, action, cur.Number, cur.Number, before,
			map[string]any{"status": a.Status, "content_hash": cur.ContentHash, "note": in.Note,
				"registration_number": m.RegistrationNumber, "review_id": r.ID})
	})
}

// approvableTx decides whether doctorID may approve a's current revision
// cur now: a revision in review, or a live revision unchanged since it went
// live (a re-review, which must also pass the advertising-rule gate), with
// the sign-off rules of checkSignoff. ReviewArticle and SignoffEligibility
// both ask it, so a screen never offers what the server refuses.
func approvableTx(tx *gorm.DB, a Article, cur Revision, doctorID int64, now time.Time) error {
	rereview := IsRereview(a)
	if a.Status != StatusInReview && !rereview {
		return invalidState(a, "approve")
	}
	r := Review{ClinicID: a.ClinicID, ArticleID: a.ID, RevisionNumber: cur.Number, ContentHash: cur.ContentHash,
		DoctorID: doctorID, Decision: DecisionApprove}
	if err := checkSignoff(tx, a, cur, r, now); err != nil {
		return err
	}
	if rereview {
		return complianceGateTx(tx, a, cur)
	}
	return nil
}

// IsRereview reports whether a's current revision is its live revision,
// published and unchanged since it went live: the state in which
// ReviewArticle accepts a periodic re-review of that revision.
func IsRereview(a Article) bool {
	return a.Status == StatusPublished && a.LiveRevision != nil && *a.LiveRevision == a.CurrentRevision
}

// checkSignoff enforces invariants 1 and 2 for approval r of revision rev:
// the hash matches the revision's content, and the doctor is a doctor
// member of the clinic with a registration number and unexpired
// credentials who authored no revision since the previous approval.
func checkSignoff(tx *gorm.DB, a Article, rev Revision, r Review, now time.Time) error {
	if r.Decision != DecisionApprove || r.RevisionNumber != rev.Number || r.ContentHash != rev.ContentHash ||
		ContentHash(a.Slug, rev.Title, rev.Summary, rev.Body, rev.Tags) != rev.ContentHash {
		return errs.Conflict("not_approved", "the approval does not match the revision's content")
	}
	return eligibleDoctorTx(tx, a, rev.Number, r.DoctorID, now)
}

// eligibleDoctorTx enforces invariant 2 for doctorID signing off on
// revision number rev: a doctor member of the clinic with a registration
// number and unexpired credentials, who authored no revision since the
// previous approval (the approval before rev, when rev is itself approved).
func eligibleDoctorTx(tx *gorm.DB, a Article, rev int, doctorID int64, now time.Time) error {
	m, err := clinic.MembershipTx(tx, a.ClinicID, doctorID)
	switch {
	case errs.HasCode(err, "not_found"):
		return errs.Forbidden("not_a_doctor", "the approving doctor is no longer a member of this clinic")
	case err != nil:
		return err
	case m.Role != authz.RoleDoctor:
		return errs.Forbidden("not_a_doctor", "only a doctor member of this clinic can approve")
	case strings.TrimSpace(m.RegistrationNumber) == "":
		return errs.Forbidden("doctor_not_registered", "a doctor needs a registration number on their profile before signing off; ask a clinic admin to add it")
	case !m.CredentialsValidOn(now):
		return errs.Forbidden("credentials_expired", "the doctor's credentials are missing an expiry date or expired; ask a clinic admin to update the doctor profile")
	}
	prev := 0
	if err := tx.Model(&Review{}).Select("COALESCE(MAX(revision_number), 0)").
		Where("clinic_id = ? AND article_id = ? AND decision = ? AND revision_number < ?", a.ClinicID, a.ID, DecisionApprove, rev).
		Scan(&prev).Error; err != nil {
		return err
	}
	var own int64
	if err := tx.Model(&Revision{}).Where("clinic_id = ? AND article_id = ? AND number > ? AND number <= ? AND author_id = ?",
		a.ClinicID, a.ID, prev, rev, doctorID).Count(&own).Error; err != nil {
		return err
	}
	if own > 0 {
		return errs.Forbidden("self_approval", "you wrote part of this text since the last approval; another doctor of the clinic must review it")
	}
	return nil
}

// currentApprovalTx returns the approval of a's current revision after
// re-checking invariants 1 and 2, or 409 not_approved.
func currentApprovalTx(tx *gorm.DB, a Article, now time.Time) (*Review, Revision, error) {
	rev, err := revisionTx(tx, a.ClinicID, a.ID, a.CurrentRevision)
	if err != nil {
		return nil, rev, err
	}
	r, err := reviewTx(tx, a.ClinicID, a.ApprovalID)
	if err != nil {
		return nil, rev, err
	}
	if r == nil {
		return nil, rev, errs.Conflict("not_approved", "revision %d has no doctor approval; submit it for review first", rev.Number)
	}
	if err := checkSignoff(tx, a, rev, *r, now); err != nil {
		return nil, rev, err
	}
	if err := complianceGateTx(tx, a, rev); err != nil {
		return nil, rev, err
	}
	return r, rev, nil
}

// Publish puts the approved current revision live now, or schedules it
// when at is in the future. Without a current approval it answers 409
// not_approved.
func (s *Service) Publish(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, at *time.Time, version *int) (View, error) {
	now := s.clock()
	validate := func() error {
		if at == nil {
			return nil
		}
		t := at.UTC().Truncate(time.Second)
		if t.After(now.AddDate(2, 0, 0)) {
			v := errs.Validation{}
			v.Add("at", "must be within two years")
			return v.Err()
		}
		if !t.After(now) {
			at = nil // a time in the past means now
		} else {
			at = &t
		}
		return nil
	}
	return s.change(ctx, actor, clinicSlug, id, authz.ActPublish, version, validate, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		if a.Status != StatusApproved && a.Status != StatusScheduled {
			if a.Status == StatusPublished && a.LiveRevision != nil && *a.LiveRevision == a.CurrentRevision {
				return errs.Conflict("already_published", "revision %d is already live", a.CurrentRevision)
			}
			return errs.Conflict("not_approved", "only an approved revision can be published; this article is %s", strings.ReplaceAll(a.Status, "_", " "))
		}
		r, rev, err := currentApprovalTx(tx, *a, now)
		if err != nil {
			return err
		}
		before := snapshot(*a)
		if at != nil {
			a.Status = StatusScheduled
			a.ScheduledAt = at
			a.UpdatedAt = now
			if err := save(tx, a, a.Version); err != nil {
				return err
			}
			return s.record(tx, actor, *a, "article.scheduled", rev.Number, rev.Number, before, snapshot(*a))
		}
		return s.goLive(tx, actor, c, a, r, rev, before, now)
	})
}

func (s *Service) goLive(tx *gorm.DB, actor authz.Actor, c clinic.Clinic, a *Article, r *Review, rev Revision, before map[string]any, now time.Time) error {
	from := 0
	if a.LiveRevision != nil {
		from = *a.LiveRevision
	}
	n := rev.Number
	a.Status = StatusPublished
	a.LiveRevision = &n
	a.LiveApprovalID = &r.ID
	a.PublishedAt = &now
	if a.FirstPublishedAt == nil {
		a.FirstPublishedAt = &now
	}
	due := r.CreatedAt.AddDate(0, 0, c.ReviewIntervalDays)
	a.ReviewDueAt = &due
	a.ScheduledAt = nil
	a.UpdatedAt = now
	if err := save(tx, a, a.Version); err != nil {
		return err
	}
	if err := s.putLiveTx(tx, *a, rev, r); err != nil {
		return fmt.Errorf("article: put live: %w", err)
	}
	return s.record(tx, actor, *a, "article.published", from, n, before,
		map[string]any{"live_revision": n, "content_hash": rev.ContentHash, "approval_id": r.ID,
			"approved_by": r.DoctorID, "registration_number": r.RegistrationNumber})
}

// Unpublish takes the live revision off the public site (or cancels a
// schedule). The working copy is kept.
func (s *Service) Unpublish(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, version *int) (View, error) {
	return s.change(ctx, actor, clinicSlug, id, authz.ActPublish, version, nil, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		if a.LiveRevision == nil && a.Status != StatusScheduled {
			return errs.Conflict("not_published", "this article is not live or scheduled")
		}
		before := snapshot(*a)
		from := 0
		if a.LiveRevision != nil {
			from = *a.LiveRevision
		}
		switch a.Status {
		case StatusPublished:
			a.Status = StatusUnpublished
		case StatusScheduled:
			a.Status = StatusApproved
		}
		a.LiveRevision, a.LiveApprovalID, a.ScheduledAt = nil, nil, nil
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.dropLiveTx(tx, a.ID); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.unpublished", from, 0, before, snapshot(*a))
	})
}

// Archive retires an article from any state; it leaves the public site.
func (s *Service) Archive(ctx context.Context, actor authz.Actor, clinicSlug string, id int64, version *int) (View, error) {
	return s.change(ctx, actor, clinicSlug, id, authz.ActPublish, version, nil, func(tx *gorm.DB, c clinic.Clinic, a *Article) error {
		if a.Status == StatusArchived {
			return invalidState(*a, "archive")
		}
		before := snapshot(*a)
		a.Status = StatusArchived
		a.LiveRevision, a.LiveApprovalID, a.ScheduledAt, a.ApprovalID = nil, nil, nil, nil
		a.UpdatedAt = s.clock()
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		if err := s.dropLiveTx(tx, a.ID); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "article.archived", a.CurrentRevision, 0, before, snapshot(*a))
	})
}

// FireScheduled publishes every scheduled article whose time has come,
// re-checking the sign-off (invariants 1 and 2) as it fires. An article
// whose sign-off no longer holds goes back to in_review, audited. It
// returns how many went live.
func (s *Service) FireScheduled(ctx context.Context) (int, error) {
	now := s.clock()
	var due []Article
	if err := s.db.WithContext(ctx).Where("status = ? AND scheduled_at <= ?", StatusScheduled, now).Order("scheduled_at, id").
		Limit(500).Find(&due).Error; err != nil {
		return 0, err
	}
	system := authz.Actor{RequestID: "job:scheduled-publish"}
	fired := 0
	for _, d := range due {
		c, err := s.clinics.ByID(ctx, d.ClinicID)
		if err != nil {
			return fired, err
		}
		went := false
		err = s.db.Tx(ctx, func(tx *gorm.DB) error {
			a, err := loadTx(tx, d.ClinicID, d.ID)
			if err != nil {
				return err
			}
			if a.Status != StatusScheduled || a.ScheduledAt == nil || a.ScheduledAt.After(now) {
				return nil
			}
			before := snapshot(a)
			r, rev, err := currentApprovalTx(tx, a, now)
			if err != nil {
				e, ok := errs.As(err)
				if !ok {
					return err
				}
				a.Status, a.ApprovalID, a.ScheduledAt, a.UpdatedAt = StatusInReview, nil, nil, now
				if err := save(tx, &a, a.Version); err != nil {
					return err
				}
				return s.record(tx, system, a, "article.schedule_refused", a.CurrentRevision, 0, before,
					map[string]any{"code": e.Code, "reason": e.Message})
			}
			went = true
			return s.goLive(tx, system, c, &a, r, rev, before, now)
		})
		if err != nil {
			return fired, fmt.Errorf("article %d: %w", d.ID, err)
		}
		if went {
			fired++
			s.changed(d.ClinicID)
		}
	}
	return fired, nil
}
