package article

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/compliance"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Ack is a doctor's written acknowledgement of one blocking finding of one
// revision.
type Ack struct {
	ID                 int64     `json:"-"`
	ClinicID           int64     `json:"-"`
	ArticleID          int64     `json:"-"`
	RevisionNumber     int       `json:"revision"`
	FindingKey         string    `json:"finding"`
	Rule               string    `json:"rule"`
	DoctorID           int64     `json:"doctor_id"`
	DoctorName         string    `json:"doctor_name" gorm:"->"`
	RegistrationNumber string    `json:"registration_number"`
	Reason             string    `json:"reason"`
	SignatureMethod    string    `json:"signature_method"`
	Attestation        string    `json:"attestation"`
	CreatedAt          time.Time `json:"at"`
}

// AckAttestation is the statement a doctor signs when acknowledging
// finding key of revision n with content hash hash.
func AckAttestation(key string, n int, hash string) string {
	return fmt.Sprintf("I have medically reviewed the wording flagged by finding %s in revision %d, content hash %s, and accept it for the reason given.", key, n, hash)
}

// TableName is the acknowledgements table.
func (Ack) TableName() string { return "finding_acks" }

// FindingKey identifies a finding within its revision.
func FindingKey(f compliance.Finding) string {
	return fmt.Sprintf("%s:%s:%d:%s:%d-%d", f.Rule, f.Field, f.Index, f.Part, f.Start, f.End)
}

// lint runs the clinic's advertising rules over a draft.
func lint(c clinic.Clinic, d Draft) []compliance.Finding {
	cfg := c.Compliance
	cfg.OwnHostnames = c.Hostnames
	fs := compliance.Check(compliance.Input{Title: d.Title, Summary: d.Summary, Body: d.Body}, cfg)
	if fs == nil {
		fs = []compliance.Finding{}
	}
	return fs
}

func acksTx(tx *gorm.DB, clinicID, articleID int64, revision int) ([]Ack, error) {
	var out []Ack
	err := tx.Table("finding_acks AS k").Select("k.*, u.name AS doctor_name").Joins("JOIN users u ON u.id = k.doctor_id").
		Where("k.clinic_id = ? AND k.article_id = ? AND k.revision_number = ?", clinicID, articleID, revision).
		Order("k.id").Find(&out).Error
	return out, err
}

// FindingState is one finding of a revision joined with its
// acknowledgement: the one join the gate, the screens and the API share.
type FindingState struct {
	compliance.Finding
	Key          string `json:"key"`          // FindingKey
	Acknowledged *Ack   `json:"acknowledged"` // nil: no doctor acknowledged it
	Blocks       bool   `json:"blocks"`       // block severity and not acknowledged
}

// JoinFindings pairs each finding of fs with its acknowledgement in acks,
// in the order of fs.
func JoinFindings(fs []compliance.Finding, acks []Ack) []FindingState {
	byKey := make(map[string]*Ack, len(acks))
	for i := range acks {
		byKey[acks[i].FindingKey] = &acks[i]
	}
	out := make([]FindingState, len(fs))
	for i, f := range fs {
		k := FindingKey(f)
		out[i] = FindingState{Finding: f, Key: k, Acknowledged: byKey[k]}
		out[i].Blocks = f.Severity == compliance.SeverityBlock && out[i].Acknowledged == nil
	}
	return out
}

// Blocking returns the block-severity findings of rev not acknowledged in
// acks.
func Blocking(rev Revision, acks []Ack) []compliance.Finding {
	var out []compliance.Finding
	for _, f := range JoinFindings(rev.Findings, acks) {
		if f.Blocks {
			out = append(out, f.Finding)
		}
	}
	return out
}

// complianceGateTx refuses (409 compliance_blocked) while the revision has
// blocking findings no doctor has acknowledged.
func complianceGateTx(tx *gorm.DB, a Article, rev Revision) error {
	acks, err := acksTx(tx, a.ClinicID, a.ID, rev.Number)
	if err != nil {
		return err
	}
	if b := Blocking(rev, acks); len(b) > 0 {
		e := errs.Conflict("compliance_blocked", "revision %d has %d advertising-rule finding(s) that block it (first: %q, %s); fix the text or have a doctor acknowledge each with a reason",
			rev.Number, len(b), b[0].Match, b[0].Message)
		keys := make([]map[string]any, len(b))
		for i, f := range b {
			keys[i] = map[string]any{"key": FindingKey(f), "rule": f.Rule, "field": f.Field, "match": f.Match, "line": f.Line, "column": f.Column}
		}
		e.Extra = map[string]any{"findings": keys}
		return e
	}
	return nil
}

// AckInput acknowledges one blocking finding of the current revision.
type AckInput struct {
	Revision    int
	ContentHash string
	Finding     string
	Reason      string
	// Signature is the doctor's fresh re-authentication bound to Revision
	// and ContentHash: an acknowledgement is an electronic signature.
	Signature account.Signature
}

// Acknowledge records a doctor's reasoned acknowledgement of a blocking
// finding of the current revision. Only an eligible doctor of the clinic
// (registered, unexpired credentials, and not an author of the text since
// the last approval) may acknowledge.
func (s *Service) Acknowledge(ctx context.Context, sc clinic.Scope, id int64, in AckInput) (View, error) {
	validate := func() error {
		var v errs.Validation
		in.Reason = strings.TrimSpace(in.Reason)
		if utf8.RuneCountInString(in.Reason) < 10 || utf8.RuneCountInString(in.Reason) > 2000 {
			v.Add("reason", "explain in 10 to 2000 characters why the wording is acceptable")
		}
		if in.Revision <= 0 {
			v.Add("revision", "is required: the revision the finding belongs to")
		}
		if in.Finding == "" {
			v.Add("finding", "is required: the finding's key")
		}
		if !strings.HasPrefix(in.ContentHash, "sha256:") {
			v.Add("content_hash", "is required: the content hash of the revision")
		}
		return v.Err()
	}
	method, err := s.signChecked(ctx, sc, id, in.Revision, in.ContentHash, in.Signature, validate)
	if err != nil {
		return View{}, err
	}
	return s.change(ctx, sc, id, authz.ActReview, nil, validate, func(tx *gorm.DB, sc clinic.Scope, a *Article) error {
		c, actor := sc.Clinic(), sc.Actor()
		cur, err := revisionTx(tx, c.ID, a.ID, a.CurrentRevision)
		if err != nil {
			return err
		}
		if in.Revision != cur.Number || in.ContentHash != cur.ContentHash {
			return errs.Conflict("stale_revision", "findings can only be acknowledged on the current revision (%d, %s)", cur.Number, cur.ContentHash)
		}
		var f *compliance.Finding
		for i := range cur.Findings {
			if FindingKey(cur.Findings[i]) == in.Finding && cur.Findings[i].Severity == compliance.SeverityBlock {
				f = &cur.Findings[i]
			}
		}
		if f == nil {
			return errs.NotFound("blocking finding")
		}
		now := s.clock()
		if err := eligibleDoctorTx(tx, *a, cur.Number, actor.UserID, now); err != nil {
			return err
		}
		m, err := clinic.MembershipTx(tx, c.ID, actor.UserID)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Ack{}).Where("clinic_id = ? AND article_id = ? AND revision_number = ? AND finding_key = ?", c.ID, a.ID, cur.Number, in.Finding).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("already_acknowledged", "this finding is already acknowledged")
		}
		k := Ack{ClinicID: c.ID, ArticleID: a.ID, RevisionNumber: cur.Number, FindingKey: in.Finding, Rule: f.Rule,
			DoctorID: actor.UserID, RegistrationNumber: m.RegistrationNumber, Reason: in.Reason, SignatureMethod: method,
			Attestation: AckAttestation(in.Finding, cur.Number, cur.ContentHash), CreatedAt: now}
		if err := tx.Omit("doctor_name").Create(&k).Error; err != nil {
			return err
		}
		a.UpdatedAt = now
		if err := save(tx, a, a.Version); err != nil {
			return err
		}
		return s.record(tx, actor, *a, "finding.acknowledged", cur.Number, cur.Number, nil,
			map[string]any{"finding": in.Finding, "rule": f.Rule, "match": f.Match, "reason": in.Reason, "registration_number": m.RegistrationNumber,
				"signed_by": actor.UserID, "signature_method": method, "signed_at": now, "attestation": k.Attestation})
	})
}

// Lint checks text against the clinic's advertising rules without saving.
func (s *Service) Lint(ctx context.Context, sc clinic.Scope, d Draft) ([]compliance.Finding, error) {
	if err := sc.Require(authz.ObjArticle, authz.ActRead); err != nil {
		return nil, err
	}
	c := sc.Clinic()
	if len(d.Title)+len(d.Summary)+len(d.Body) > MaxBody+MaxTitle+MaxSummary {
		v := errs.Validation{}
		v.Add("body", "must be at most %d characters", MaxBody)
		return nil, v.Err()
	}
	return lint(c, d), nil
}
