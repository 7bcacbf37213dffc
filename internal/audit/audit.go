// Package audit writes and reads the audit trail. Entries are written by
// the domain packages inside the transaction of the change they record, and
// each clinic's entries form a hash chain: hash = SHA-256(previous hash ||
// canonical encoding of the entry), so a changed or deleted row is detected.
// Platform-level entries (clinic_id NULL: user created, password changed)
// form one more chain, the platform chain, whose head is its last entry.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Entry is one recorded action.
type Entry struct {
	ID           int64     `json:"id"`
	ClinicID     *int64    `json:"clinic_id,omitempty"`
	ActorID      *int64    `json:"actor_id,omitempty"`
	ActorName    string    `json:"actor_name,omitempty" gorm:"-"`
	Action       string    `json:"action"`
	TargetType   string    `json:"target_type"`
	TargetID     int64     `json:"target_id"`
	ArticleID    *int64    `json:"article_id,omitempty"`
	FromRevision *int      `json:"from_revision,omitempty"`
	ToRevision   *int      `json:"to_revision,omitempty"`
	BeforeJSON   string    `json:"-"`
	AfterJSON    string    `json:"-"`
	RequestID    string    `json:"request_id,omitempty"`
	CreatedAt    time.Time `json:"at"`
	PrevHash     string    `json:"prev_hash"`
	Hash         string    `json:"hash"`
}

// TableName is the table entries live in.
func (Entry) TableName() string { return "audit_entries" }

// Change describes what a caller records; Before and After are any
// JSON-encodable snapshots (nil for none).
type Change struct {
	ClinicID     int64 // 0 for platform-level entries
	ActorID      int64 // 0 for the system (background jobs)
	Action       string
	TargetType   string
	TargetID     int64
	ArticleID    int64
	FromRevision int
	ToRevision   int
	Before       any
	After        any
	RequestID    string
	At           time.Time
}

// Record appends c to the trail inside tx, chaining it to the clinic's
// previous entry. The clinic row is locked for the rest of tx so two writers
// cannot fork the chain.
func Record(tx *gorm.DB, c Change) error {
	e := Entry{
		Action: c.Action, TargetType: c.TargetType, TargetID: c.TargetID,
		RequestID: c.RequestID, CreatedAt: c.At.UTC().Truncate(time.Second),
	}
	if c.ClinicID != 0 {
		e.ClinicID = &c.ClinicID
	}
	if c.ActorID != 0 {
		e.ActorID = &c.ActorID
	}
	if c.ArticleID != 0 {
		e.ArticleID = &c.ArticleID
	}
	if c.FromRevision != 0 {
		e.FromRevision = &c.FromRevision
	}
	if c.ToRevision != 0 {
		e.ToRevision = &c.ToRevision
	}
	var err error
	if e.BeforeJSON, err = encode(c.Before); err != nil {
		return err
	}
	if e.AfterJSON, err = encode(c.After); err != nil {
		return err
	}
	if e.ClinicID != nil {
		// A no-op write takes the row lock on PostgreSQL; SQLite's
		// immediate transaction already holds the write lock.
		if err := tx.Exec(`UPDATE clinics SET audit_head = audit_head WHERE id = ?`, *e.ClinicID).Error; err != nil {
			return fmt.Errorf("audit: lock chain: %w", err)
		}
		if err := tx.Raw(`SELECT audit_head FROM clinics WHERE id = ?`, *e.ClinicID).Scan(&e.PrevHash).Error; err != nil {
			return fmt.Errorf("audit: read chain head: %w", err)
		}
	} else {
		// The platform chain: a transaction-scoped advisory lock on
		// PostgreSQL (SQLite's immediate transaction already serialises
		// writers), then its last entry is the head.
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, platformLock).Error; err != nil {
				return fmt.Errorf("audit: lock platform chain: %w", err)
			}
		}
		var heads []string
		if err := tx.Raw(`SELECT hash FROM audit_entries WHERE clinic_id IS NULL ORDER BY id DESC LIMIT 1`).Scan(&heads).Error; err != nil {
			return fmt.Errorf("audit: read platform chain head: %w", err)
		}
		if len(heads) > 0 {
			e.PrevHash = heads[0]
		}
	}
	e.Hash = ChainHash(e.PrevHash, e)
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	if e.ClinicID != nil {
		if err := tx.Exec(`UPDATE clinics SET audit_head = ? WHERE id = ?`, e.Hash, *e.ClinicID).Error; err != nil {
			return fmt.Errorf("audit: move chain head: %w", err)
		}
	}
	return nil
}

// platformLock is the advisory lock key of the platform chain.
const platformLock int64 = 0x636c696e6963 // "clinic"

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: encode: %w", err)
	}
	return string(b), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ChainHash computes an entry's hash from the previous hash and the entry's
// canonical encoding (every recorded field, fixed order, UTC seconds).
func ChainHash(prev string, e Entry) string {
	canon, _ := json.Marshal([]any{
		deref(e.ClinicID), deref(e.ActorID), e.Action, e.TargetType, e.TargetID,
		deref(e.ArticleID), deref(e.FromRevision), deref(e.ToRevision),
		e.BeforeJSON, e.AfterJSON, e.RequestID, e.CreatedAt.UTC().Format(time.RFC3339),
	})
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// Filter narrows a listing.
type Filter struct {
	ArticleID int64
	ActorID   int64
	Action    string
	BeforeID  int64 // keyset cursor: entries with id < BeforeID
	Limit     int
}

// List returns a clinic's entries, newest first, with actor names.
func List(ctx context.Context, db *gorm.DB, clinicID int64, f Filter) ([]Entry, error) {
	q := db.WithContext(ctx).Table("audit_entries AS a").
		Select("a.*, COALESCE(u.name, 'system') AS actor_name").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Where("a.clinic_id = ?", clinicID)
	if f.ArticleID != 0 {
		q = q.Where("a.article_id = ?", f.ArticleID)
	}
	if f.ActorID != 0 {
		q = q.Where("a.actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("a.action = ?", f.Action)
	}
	if f.BeforeID != 0 {
		q = q.Where("a.id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	type row struct {
		Entry
		ActorName string
	}
	var rows []row
	if err := q.Order("a.id DESC").Limit(f.Limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = r.Entry
		out[i].ActorName = r.ActorName
	}
	return out, nil
}

// Broken names the first entry whose chain does not verify.
type Broken struct {
	ClinicID int64 // 0 for the platform chain
	EntryID  int64
	Reason   string
}

// Verify recomputes every clinic's chain and the platform chain and
// returns the first broken entry of each broken chain.
//
// The platform chain has no stored head, so removing its very last entry
// is not detected; entries written before it was chained (each with an
// empty previous hash) are accepted as a prefix, each checked on its own.
func Verify(ctx context.Context, db *gorm.DB) ([]Broken, int, error) {
	var clinics []struct {
		ID        int64
		AuditHead string
	}
	if err := db.WithContext(ctx).Raw(`SELECT id, audit_head FROM clinics ORDER BY id`).Scan(&clinics).Error; err != nil {
		return nil, 0, err
	}
	var broken []Broken
	checked := 0
	for _, c := range clinics {
		rows, err := db.WithContext(ctx).Model(&Entry{}).Where("clinic_id = ?", c.ID).Order("id").Rows()
		if err != nil {
			return nil, checked, err
		}
		prev := ""
		var bad *Broken
		for rows.Next() {
			var e Entry
			if err := db.ScanRows(rows, &e); err != nil {
				rows.Close()
				return nil, checked, err
			}
			checked++
			if bad != nil {
				continue
			}
			switch {
			case e.PrevHash != prev:
				bad = &Broken{c.ID, e.ID, "previous hash does not match the entry before it (an entry was removed or reordered)"}
			case ChainHash(prev, e) != e.Hash:
				bad = &Broken{c.ID, e.ID, "entry content does not match its hash (the row was changed)"}
			}
			prev = e.Hash
		}
		rows.Close()
		if bad == nil && prev != c.AuditHead {
			bad = &Broken{c.ID, 0, "chain head does not match the last entry (entries were removed from the end)"}
		}
		if bad != nil {
			broken = append(broken, *bad)
		}
	}
	bad, n, err := verifyPlatform(ctx, db)
	checked += n
	if err != nil {
		return nil, checked, err
	}
	if bad != nil {
		broken = append(broken, *bad)
	}
	return broken, checked, nil
}

func verifyPlatform(ctx context.Context, db *gorm.DB) (*Broken, int, error) {
	rows, err := db.WithContext(ctx).Model(&Entry{}).Where("clinic_id IS NULL").Order("id").Rows()
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	checked := 0
	prev, chained := "", false
	var bad *Broken
	for rows.Next() {
		var e Entry
		if err := db.ScanRows(rows, &e); err != nil {
			return nil, checked, err
		}
		checked++
		if bad != nil {
			continue
		}
		legacy := !chained && e.PrevHash == ""
		switch {
		case !legacy && e.PrevHash != prev:
			bad = &Broken{0, e.ID, "previous hash does not match the entry before it (an entry was removed or reordered)"}
		case ChainHash(e.PrevHash, e) != e.Hash:
			bad = &Broken{0, e.ID, "entry content does not match its hash (the row was changed)"}
		}
		// The first entry ever starts the chain with an empty previous
		// hash; from the second linked entry on, every entry must link.
		if e.PrevHash != "" {
			chained = true
		}
		prev = e.Hash
	}
	return bad, checked, rows.Err()
}
