package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type finding struct {
	Key          string `json:"key"`
	Rule         string `json:"rule"`
	Severity     string `json:"severity"`
	Match        string `json:"match"`
	Acknowledged *struct {
		Reason string `json:"reason"`
	} `json:"acknowledged"`
}

type articleWithFindings struct {
	testenv.Article
	Findings []finding `json:"findings"`
}

func ack(e *testenv.Env, c testenv.Clinic, tok string, id int64, rev int, key, reason string) testenv.Response {
	var cur testenv.Article
	e.MustDo("GET", path(c.Slug, id, ""), c.Admin, nil, 200, &cur)
	return e.Do("POST", path(c.Slug, id, "/acknowledgements"), tok, map[string]any{"revision": rev, "content_hash": cur.ContentHash,
		"finding": key, "reason": reason, "signature": testenv.Sign})
}

// TestComplianceGate: block findings stop submit and publish for every
// caller until a doctor of the clinic acknowledges each with a reason; the
// acknowledgement is tied to the revision and audited.
func TestComplianceGate(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("gate")
		var a articleWithFindings
		e.MustDo("POST", path(c.Slug, 0, ""), c.Writer, map[string]any{"title": "Clearer skin",
			"body": "Our laser gives guaranteed results.\n\nResults are not guaranteed for everyone."}, 201, &a)
		var block []finding
		for _, f := range a.Findings {
			if f.Severity == "block" {
				block = append(block, f)
			}
		}
		if len(block) != 1 || block[0].Rule != "guarantee" || block[0].Match == "" {
			t.Fatalf("findings %+v", a.Findings)
		}
		for _, tok := range []string{c.Writer, c.Admin, c.Doctor} {
			expect(t, e.Do("POST", path(c.Slug, a.ID, "/submit"), tok, nil), 409, "compliance_blocked")
		}
		expect(t, ack(e, c, c.Writer, a.ID, a.Revision, block[0].Key, "The claim is a quotation of the device label."), 403, "")
		expect(t, ack(e, c, c.Doctor, a.ID, a.Revision, block[0].Key, "short"), 422, "validation_failed")
		expect(t, ack(e, c, c.Doctor, a.ID, a.Revision, "nope", "A reason long enough to count."), 404, "not_found")
		expect(t, ack(e, c, c.Doctor, a.ID, a.Revision+1, block[0].Key, "A reason long enough to count."), 409, "stale_revision")
		other := e.NewClinic("gate-other")
		expect(t, ack(e, c, other.Doctor, a.ID, a.Revision, block[0].Key, "A reason long enough to count."), 404, "not_found")
		e.MustDo("POST", path(c.Slug, a.ID, "/acknowledgements"), c.Doctor, map[string]any{"revision": a.Revision,
			"content_hash": a.ContentHash, "signature": testenv.Sign, "finding": block[0].Key, "reason": "Reviewed: the sentence is removed before publication of the printed leaflet."}, 200, &a)
		if a.Findings[0].Acknowledged == nil {
			t.Fatalf("not acknowledged: %+v", a.Findings)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor2, a.Article, "approve", "").JSON(t, &a)
		// Remove the acknowledgement behind the server's back: publish
		// refuses again.
		if err := d.Exec(`DELETE FROM finding_acks`).Error; err != nil {
			t.Fatal(err)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil), 409, "compliance_blocked")
		// An edit makes a new revision whose findings need their own
		// acknowledgement.
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "Clearer skin", "body": "100 % guaranteed.", "version": a.Version}, 200, &a)
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil), 409, "compliance_blocked")
		var trail struct{ Entries []struct{ Action string } }
		e.MustDo("GET", path(c.Slug, a.ID, "/audit"), c.Writer, nil, 200, &trail)
		found := false
		for _, en := range trail.Entries {
			found = found || en.Action == "finding.acknowledged"
		}
		if !found {
			t.Fatal("acknowledgement not audited")
		}
		// Lint without saving.
		var out struct {
			Findings []finding
			Blocking int
		}
		e.MustDo("POST", "/api/v1/clinics/"+c.Slug+"/compliance/check", c.Writer, map[string]any{"body": "The best clinic in Singapore, world-class and painless."}, 200, &out)
		if out.Blocking < 2 {
			t.Fatalf("lint: %+v", out)
		}
		expect(t, e.Do("POST", "/api/v1/clinics/"+c.Slug+"/compliance/check", other.Writer, map[string]any{"body": "x"}), 404, "not_found")
	})
}

// TestRereviewAndOverdue: review_due_at = approval + interval; the overdue
// job marks (notice) or unpublishes (unpublish policy) on a fake clock,
// audited; a re-review renews the sign-off without a new revision.
func TestRereviewAndOverdue(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		ctx := context.Background()
		c := e.NewClinic("due")
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"review_interval_days": 30}, 200, nil)
		a := e.Published(c, "Kept fresh")
		var got struct {
			ReviewDueAt time.Time `json:"review_due_at"`
		}
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Admin, nil, 200, &got)
		if want := testenv.Start.AddDate(0, 0, 30); !got.ReviewDueAt.Equal(want) {
			t.Fatalf("review_due_at %v, want %v", got.ReviewDueAt, want)
		}
		if n, _ := e.App.Articles.ApplyOverdue(ctx); n != 0 {
			t.Fatalf("overdue too early: %d", n)
		}
		e.Clock.Advance(31 * 24 * time.Hour)
		e.SignInAgain(&c)
		if n, err := e.App.Articles.ApplyOverdue(ctx); n != 1 || err != nil {
			t.Fatalf("overdue: %d %v", n, err)
		}
		if n, _ := e.App.Articles.ApplyOverdue(ctx); n != 0 {
			t.Fatalf("applied twice: %d", n)
		}
		var overdue int64
		d.Raw(`SELECT COUNT(*) FROM live_articles WHERE overdue_since IS NOT NULL`).Scan(&overdue)
		if overdue != 1 {
			t.Fatalf("overdue rows %d", overdue)
		}
		var q struct {
			RereviewDue []struct{ ID int64 } `json:"rereview_due"`
		}
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/reviews/due", c.Doctor, nil, 200, &q)
		if len(q.RereviewDue) != 1 || q.RereviewDue[0].ID != a.ID {
			t.Fatalf("due queue %+v", q)
		}
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Doctor2, nil, 200, &a)
		review(e, c, c.Doctor2, a, "approve", "").JSON(t, &a)
		if a.Status != "published" || a.Revision != 1 || *a.LiveRevision != 1 {
			t.Fatalf("after re-review %+v", a)
		}
		d.Raw(`SELECT COUNT(*) FROM live_articles WHERE overdue_since IS NOT NULL`).Scan(&overdue)
		if overdue != 0 {
			t.Fatal("re-review did not clear overdue")
		}
		// Unpublish policy.
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"overdue_policy": "unpublish"}, 200, nil)
		e.Clock.Advance(31 * 24 * time.Hour)
		e.SignInAgain(&c)
		if n, err := e.App.Articles.ApplyOverdue(ctx); n != 1 || err != nil {
			t.Fatalf("overdue: %d %v", n, err)
		}
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Admin, nil, 200, &a)
		if a.Status != "unpublished" || a.LiveRevision != nil {
			t.Fatalf("unpublish policy: %+v", a)
		}
		expect(t, e.Do("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"overdue_policy": "ignore"}), 422, "validation_failed")
	})
}

// TestDoctorCredentials: registration numbers are validated per register
// country, a clinic admin cannot change a verified profile, the doctor's
// own change voids the verification, and expiring or expired credentials
// are flagged to clinic admins.
func TestDoctorCredentials(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("creds")
		own := func(tok string, body map[string]any) testenv.Response {
			return e.Do("PATCH", "/api/v1/me/doctor-profile", tok, body)
		}
		expect(t, e.Do("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", c.Slug, c.DoctorID), c.Admin,
			map[string]any{"doctor": map[string]string{"registration_number": "M12345A", "credentials_expire_on": "2030-01-01"}}), 403, "profile_verified")
		expect(t, own(c.Doctor, map[string]any{"registration_number": "12345"}), 422, "validation_failed")
		expect(t, own(c.Doctor, map[string]any{"credentials_expire_on": "2026-13-01"}), 422, "validation_failed")
		expect(t, own(c.Writer, map[string]any{"specialty": "Writing"}), 403, "forbidden")
		var p struct {
			VerifiedAt *time.Time `json:"verified_at"`
			Status     string     `json:"credentials_status"`
			Languages  []string   `json:"languages"`
		}
		// A specialty or languages change keeps the verification.
		own(c.Doctor, map[string]any{"specialty": "Skin", "languages": []string{"en", "zh"}}).JSON(t, &p)
		if p.VerifiedAt == nil || p.Status != "valid" || len(p.Languages) != 2 {
			t.Fatalf("specialty change: %+v", p)
		}
		own(c.Doctor, map[string]any{"register_country": "GB", "registration_number": "GMC-7654321", "credentials_expire_on": "2030-01-01"}).JSON(t, &p)
		if p.VerifiedAt != nil || p.Status != "unverified" {
			t.Fatalf("registration change kept the verification: %+v", p)
		}
		e.VerifyDoctor(c.DoctorID)
		var list struct {
			Members []struct {
				UserID            int64  `json:"user_id"`
				CredentialsStatus string `json:"credentials_status"`
			}
		}
		expect(t, own(c.Doctor2, map[string]any{"registration_number": "M22222B", "credentials_expire_on": "2026-03-20"}), 200, "")
		e.VerifyDoctor(c.Doctor2ID) // within 30 days of the fake today (2 March 2026)
		expect(t, own(c.WriterDoctor, map[string]any{"registration_number": "M33333C", "credentials_expire_on": "2026-01-01"}), 200, "")
		expect(t, e.Do("POST", fmt.Sprintf("/api/v1/doctors/%d/verification", c.WriterDoctorID), e.Verifier,
			map[string]any{"reference": "register"}), 422, "validation_failed")
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/members", c.Admin, nil, 200, &list)
		got := map[int64]string{}
		for _, m := range list.Members {
			got[m.UserID] = m.CredentialsStatus
		}
		want := map[int64]string{c.DoctorID: "valid", c.Doctor2ID: "expiring", c.WriterDoctorID: "expired", c.WriterID: ""}
		for id, st := range want {
			if got[id] != st {
				t.Errorf("user %d: credentials_status %q, want %q", id, got[id], st)
			}
		}
	})
}

// TestSignoffRecord: the record lists every period a revision was live,
// with its hash, author, approving doctor and registration at that time.
func TestSignoffRecord(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("record")
		other := e.NewClinic("record-other")
		a := e.Published(c, "On the record")
		first := a.ContentHash
		e.Clock.Advance(time.Hour)
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "On the record", "body": "Second text.", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor2, a, "approve", "").JSON(t, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, &a)
		e.Clock.Advance(time.Hour)
		e.MustDo("POST", path(c.Slug, a.ID, "/unpublish"), c.Admin, nil, 200, &a)
		var rec struct {
			Periods []struct {
				Revision    int        `json:"revision"`
				ContentHash string     `json:"content_hash"`
				From        time.Time  `json:"live_from"`
				Until       *time.Time `json:"live_until"`
				WrittenBy   string     `json:"written_by"`
				Approvals   []struct {
					DoctorID           int64  `json:"doctor_id"`
					RegistrationNumber string `json:"registration_number"`
					ContentHash        string `json:"content_hash"`
				} `json:"approvals"`
			} `json:"periods"`
		}
		e.MustDo("GET", path(c.Slug, a.ID, "/record"), c.Writer, nil, 200, &rec)
		if len(rec.Periods) != 2 {
			t.Fatalf("periods: %+v", rec)
		}
		p1, p2 := rec.Periods[0], rec.Periods[1]
		if p1.Revision != 1 || p1.ContentHash != first || p1.Until == nil || !p1.Until.Equal(p2.From) ||
			len(p1.Approvals) != 1 || p1.Approvals[0].DoctorID != c.DoctorID || p1.Approvals[0].ContentHash != first || p1.Approvals[0].RegistrationNumber == "" {
			t.Fatalf("period 1: %+v", p1)
		}
		if p2.Revision != 2 || p2.ContentHash != a.ContentHash || p2.Until == nil || p2.Approvals[0].DoctorID != c.Doctor2ID || p2.WrittenBy != "Writer record" {
			t.Fatalf("period 2: %+v", p2)
		}
		r := e.MustDo("GET", path(c.Slug, a.ID, "/record?format=html"), c.Writer, nil, 200, nil)
		if !strings.Contains(string(r.Body), "Sign-off record") || !strings.Contains(string(r.Body), first) {
			t.Fatalf("html record: %s", r.Body)
		}
		other.Admin = e.Login("admin@record-other.test")
		expect(t, e.Do("GET", path(other.Slug, a.ID, "/record"), other.Admin, nil), 404, "not_found")
	})
}
