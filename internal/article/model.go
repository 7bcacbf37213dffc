// Package article owns articles, their immutable revisions, doctor reviews
// and the publishing workflow. Every workflow rule (the invariants in
// DESIGN.md) is enforced here, for every caller, inside one transaction per
// change together with its audit entry.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/clinicpress/clinicpress/internal/compliance"
)

// Working-copy states.
const (
	StatusDraft            = "draft"
	StatusInReview         = "in_review"
	StatusApproved         = "approved"
	StatusChangesRequested = "changes_requested"
	StatusScheduled        = "scheduled"
	StatusPublished        = "published"
	StatusUnpublished      = "unpublished"
	StatusArchived         = "archived"
)

// ValidStatus reports whether s names a state.
func ValidStatus(s string) bool {
	switch s {
	case StatusDraft, StatusInReview, StatusApproved, StatusChangesRequested, StatusScheduled,
		StatusPublished, StatusUnpublished, StatusArchived:
		return true
	}
	return false
}

// Review decisions.
const (
	DecisionApprove        = "approve"
	DecisionRequestChanges = "request_changes"
)

// Article is the stable identity and workflow state of an article.
type Article struct {
	ID               int64
	ClinicID         int64
	Slug             string
	Status           string
	Version          int
	CurrentRevision  int
	LiveRevision     *int
	ApprovalID       *int64
	LiveApprovalID   *int64
	AuthorID         int64
	FirstPublishedAt *time.Time
	PublishedAt      *time.Time
	ScheduledAt      *time.Time
	UnpublishAt      *time.Time // a scheduled unpublish of the live revision
	ReviewDueAt      *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Revision is one immutable saved version of an article's content.
type Revision struct {
	ID           int64     `json:"-"`
	ClinicID     int64     `json:"-"`
	ArticleID    int64     `json:"-"`
	Number       int       `json:"number"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Body         string    `json:"body"`
	Tags         []string  `json:"tags" gorm:"serializer:json"`
	ContentHash  string    `json:"content_hash"`
	AuthorID     int64     `json:"author_id"`
	AuthorName   string    `json:"author_name" gorm:"->"`
	RestoredFrom *int      `json:"restored_from,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	// Findings are the advertising-rule findings computed when the
	// revision was written, with the clinic's rules of that moment.
	Findings []compliance.Finding `json:"findings" gorm:"serializer:json"`
}

// Review is a doctor's decision on one exact revision.
type Review struct {
	ID                 int64  `json:"-"`
	ClinicID           int64  `json:"-"`
	ArticleID          int64  `json:"-"`
	RevisionNumber     int    `json:"revision"`
	ContentHash        string `json:"content_hash"`
	DoctorID           int64  `json:"doctor_id"`
	DoctorName         string `json:"doctor_name" gorm:"->"`
	Decision           string `json:"decision"`
	Note               string `json:"note,omitempty"`
	RegistrationNumber string `json:"registration_number"`
	Specialty          string `json:"specialty"`
	// Attestation is the statement the doctor signed, naming the revision
	// and its content hash (see Attestation).
	Attestation string `json:"attestation"`
	// SignatureMethod is how the doctor re-authenticated to sign:
	// passkey, password+totp or password.
	SignatureMethod string    `json:"signature_method"`
	CreatedAt       time.Time `json:"at"`
}

// Attestation is the statement a doctor signs when deciding on revision n
// with content hash hash; screens show exactly this text beside the box the
// doctor ticks, and the review row stores it.
func Attestation(decision string, rereview bool, n int, hash string) string {
	switch {
	case decision == DecisionApprove && rereview:
		return fmt.Sprintf("I have medically re-reviewed live revision %d (content hash %s) and confirm it is still accurate for publication.", n, hash)
	case decision == DecisionApprove:
		return fmt.Sprintf("I have medically reviewed revision %d (content hash %s) and approve it for publication.", n, hash)
	default:
		return fmt.Sprintf("I have medically reviewed revision %d (content hash %s) and request the changes described.", n, hash)
	}
}

// ContentHash is "sha256:" + hex over the canonical encoding of an
// article's public content: slug, title, summary, body and sorted tags.
func ContentHash(slug, title, summary, body string, tags []string) string {
	canon, _ := json.Marshal([]any{"clinicpress.revision.v1", slug, title, summary, body, tags})
	sum := sha256.Sum256(canon)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NormalizeTags trims, lower-cases, de-duplicates and sorts tags.
func NormalizeTags(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		t = strings.ToLower(strings.Join(strings.Fields(t), " "))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// View is an article with its current revision and current approval, as
// the API and admin show it.
type View struct {
	Article
	Current    Revision
	AuthorName string
	Approval   *Review // the approval of the current revision, if any
	Live       *Review // the approval behind the live revision, if any
	Acks       []Ack   // acknowledgements of the current revision's findings
}
