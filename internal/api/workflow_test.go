package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

type art = testenv.Article

var path = testenv.ArticlePath

func review(e *testenv.Env, c testenv.Clinic, token string, a art, decision, note string) testenv.Response {
	return e.Do("POST", path(c.Slug, a.ID, "/reviews"), token, map[string]any{"decision": decision,
		"revision": a.Revision, "content_hash": a.ContentHash, "note": note, "attest": true, "signature": testenv.Sign})
}

func expect(t *testing.T, r testenv.Response, status int, code string) {
	t.Helper()
	if r.Status != status || (code != "" && r.Code() != code) {
		t.Fatalf("got %d %q, want %d %q: %s", r.Status, r.Code(), status, code, r.Body)
	}
	if status >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("error content type %q", r.Header.Get("Content-Type"))
	}
}

// TestHappyPathAndForwardRevisions walks draft -> review -> approve ->
// publish, then edits after publishing: the approval is voided and the
// live revision stays live until a newer one is approved and published.
// Invariants 1 and 3 (live fields come only from the workflow).
func TestHappyPathAndForwardRevisions(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("pores")
		a := e.Draft(c, c.Writer, "Are large pores permanent?")
		if a.Status != "draft" || a.Revision != 1 || a.LiveRevision != nil || a.Approval != nil {
			t.Fatalf("new article: %+v", a)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil), 409, "not_approved")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil), 409, "not_approved")
		if r := review(e, c, c.Doctor, a, "approve", ""); r.Status != 200 {
			t.Fatalf("approve: %s", r.Body)
		} else {
			r.JSON(t, &a)
		}
		if a.Status != "approved" || a.Approval == nil || a.Approval.ContentHash != a.ContentHash || a.Approval.Revision != 1 {
			t.Fatalf("approved: %+v", a)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, &a)
		if a.Status != "published" || a.LiveRevision == nil || *a.LiveRevision != 1 {
			t.Fatalf("published: %+v", a)
		}
		// Edit after publish: new revision, approval voided, live stays 1.
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "Changed.", "body": "New text.", "version": a.Version}, 200, &a)
		if a.Status != "draft" || a.Revision != 2 || a.Approval != nil || *a.LiveRevision != 1 {
			t.Fatalf("after edit: %+v", a)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil), 409, "not_approved")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor2, a, "approve", "").JSON(t, &a)
		if *a.LiveRevision != 1 || a.Status != "approved" {
			t.Fatalf("re-approved but not published: %+v", a)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, &a)
		if *a.LiveRevision != 2 {
			t.Fatalf("live revision after republish: %+v", a)
		}
		var live struct{ Revision int }
		if err := d.Raw(`SELECT revision FROM live_articles WHERE article_id = ?`, a.ID).Scan(&live).Error; err != nil || live.Revision != 2 {
			t.Fatalf("live_articles revision = %d, %v", live.Revision, err)
		}
		// Unpublish and archive take it off the site.
		e.MustDo("POST", path(c.Slug, a.ID, "/unpublish"), c.Admin, nil, 200, &a)
		if a.Status != "unpublished" || a.LiveRevision != nil {
			t.Fatalf("unpublished: %+v", a)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/archive"), c.Admin, nil, 200, &a)
		expect(t, e.Do("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "x", "version": a.Version}), 409, "invalid_state")
		var n int64
		d.Raw(`SELECT COUNT(*) FROM live_articles`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d live rows after archive", n)
		}
	})
}

// TestFourEyes covers invariant 2: no doctor approves text they wrote since
// the last approval, and only registered doctors with unexpired credentials
// approve; platform admins included.
func TestFourEyes(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("eyes")
		a := e.Draft(c, c.WriterDoctor, "Written by a doctor")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.WriterDoctor, nil, 200, &a)
		expect(t, review(e, c, c.WriterDoctor, a, "approve", ""), 403, "self_approval")
		// A writer edits on top: the doctor still authored a revision since
		// the last (no) approval.
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": "writer's edit", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, review(e, c, c.WriterDoctor, a, "approve", ""), 403, "self_approval")
		// Non-doctors and the platform admin cannot review at all.
		for _, tok := range []string{c.Writer, c.Admin, e.Platform} {
			if r := review(e, c, tok, a, "approve", ""); r.Status != 403 {
				t.Fatalf("non-doctor review: %d %s", r.Status, r.Body)
			}
		}
		// After another doctor approves, the writing doctor may approve the
		// next revision written by someone else.
		review(e, c, c.Doctor, a, "approve", "").JSON(t, &a)
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": "third text", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, review(e, c, c.WriterDoctor, a, "approve", ""), 200, "")

		// Credentials: missing registration, expired date.
		b := e.Draft(c, c.Writer, "Credentials matter")
		e.MustDo("POST", path(c.Slug, b.ID, "/submit"), c.Writer, nil, 200, &b)
		// The clinic admin cannot touch a verified profile; the doctor can,
		// and each such change waits for a credential verifier.
		expect(t, e.Do("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", c.Slug, c.DoctorID), c.Admin,
			map[string]any{"doctor": map[string]string{"registration_number": "", "specialty": "Dermatology", "credentials_expire_on": "2030-01-01"}}), 403, "profile_verified")
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor, map[string]any{"registration_number": ""}, 200, nil)
		expect(t, review(e, c, c.Doctor, b, "approve", ""), 403, "doctor_not_registered")
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor, map[string]any{"registration_number": "M11111A", "credentials_expire_on": "2026-03-01"}, 200, nil)
		expect(t, review(e, c, c.Doctor, b, "approve", ""), 403, "credentials_expired")
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor, map[string]any{"credentials_expire_on": "2026-03-02"}, 200, nil)
		expect(t, review(e, c, c.Doctor, b, "approve", ""), 403, "doctor_unverified")
		e.VerifyDoctor(c.DoctorID)
		expect(t, review(e, c, c.Doctor, b, "approve", ""), 200, "") // valid through the end of its expiry day
		// Request changes needs a note.
		x := e.Draft(c, c.Writer, "Needs a note")
		e.MustDo("POST", path(c.Slug, x.ID, "/submit"), c.Writer, nil, 200, &x)
		expect(t, review(e, c, c.Doctor2, x, "request_changes", ""), 422, "validation_failed")
		review(e, c, c.Doctor2, x, "request_changes", "Cite a source.").JSON(t, &x)
		if x.Status != "changes_requested" {
			t.Fatalf("status %s", x.Status)
		}
	})
}

// TestStaleApproval covers invariant 1 at review time: an approval for a
// revision or hash that is no longer current answers 409.
func TestStaleApproval(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("stale")
		a := e.Draft(c, c.Writer, "Stale")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		seen := a
		bad := seen
		bad.ContentHash = "sha256:" + fmt.Sprintf("%064d", 0)
		expect(t, review(e, c, c.Doctor, bad, "approve", ""), 409, "stale_revision")
		old := seen
		old.Revision = 99
		expect(t, review(e, c, c.Doctor, old, "approve", ""), 409, "stale_revision")
		// The writer edits and resubmits while the doctor reads revision 1.
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": "changed under the doctor", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, review(e, c, c.Doctor, seen, "approve", ""), 409, "stale_revision")
		expect(t, review(e, c, c.Doctor, a, "approve", ""), 200, "")
	})
}

// TestRestoreNeedsSignoff covers invariant 4.
func TestRestoreNeedsSignoff(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("restore")
		a := e.Published(c, "Restorable")
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "Second", "body": "v2", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/restore"), c.Writer, map[string]any{"revision": 1}, 200, &a)
		if a.Revision != 3 || a.Status != "draft" || a.Approval != nil || a.Title != "Restorable" {
			t.Fatalf("restored: %+v", a)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil), 409, "not_approved")
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/restore"), c.Writer, map[string]any{"revision": 42}), 404, "not_found")
		var revs struct{ Revisions []struct{ Number int } }
		e.MustDo("GET", path(c.Slug, a.ID, "/revisions"), c.Doctor, nil, 200, &revs)
		if len(revs.Revisions) != 3 || revs.Revisions[0].Number != 3 {
			t.Fatalf("revisions: %+v", revs)
		}
	})
}

// TestScheduledPublishRechecks covers invariant 5: the schedule fires on
// time and re-checks the sign-off when it does.
func TestScheduledPublishRechecks(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("sched")
		ctx := context.Background()
		at := testenv.Start.Add(time.Hour)
		a := e.Approved(c, "Scheduled fine")
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": at}, 200, &a)
		if a.Status != "scheduled" || a.LiveRevision != nil {
			t.Fatalf("scheduled: %+v", a)
		}
		b := e.Approved(c, "Scheduled but the doctor's credentials lapse")
		e.MustDo("POST", path(c.Slug, b.ID, "/publish"), c.Admin, map[string]any{"at": at}, 200, &b)
		if n, err := e.App.Articles.FireScheduled(ctx); err != nil || n != 0 {
			t.Fatalf("fired early: %d %v", n, err)
		}
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor, map[string]any{"registration_number": "M11111A", "credentials_expire_on": "2026-03-02"}, 200, nil)
		e.VerifyDoctor(c.DoctorID)
		e.Clock.Advance(24 * time.Hour) // past the schedule and past the expiry
		e.SignInAgain(&c)
		n, err := e.App.Articles.FireScheduled(ctx)
		if err != nil || n != 0 {
			t.Fatalf("fired %d with expired credentials, err %v", n, err)
		}
		e.MustDo("GET", path(c.Slug, b.ID, ""), c.Admin, nil, 200, &b)
		if b.Status != "in_review" || b.LiveRevision != nil {
			t.Fatalf("refused schedule: %+v", b)
		}
		// Renewed credentials: the first article was refused too; approve
		// again by the second doctor, schedule, fire.
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Admin, nil, 200, &a)
		review(e, c, c.Doctor2, a, "approve", "").JSON(t, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(time.Minute)}, 200, &a)
		e.Clock.Advance(2 * time.Minute)
		if n, err := e.App.Articles.FireScheduled(ctx); err != nil || n != 1 {
			t.Fatalf("fired %d, err %v", n, err)
		}
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Admin, nil, 200, &a)
		if a.Status != "published" || a.LiveRevision == nil {
			t.Fatalf("after firing: %+v", a)
		}
		var entries struct{ Entries []struct{ Action string } }
		e.MustDo("GET", path(c.Slug, b.ID, "/audit"), c.Writer, nil, 200, &entries)
		if entries.Entries[0].Action != "article.schedule_refused" {
			t.Fatalf("audit head %+v", entries.Entries[0])
		}
	})
}

// TestVersionConflict covers invariant 6: a stale version answers 409 and
// nothing is lost or overwritten.
func TestVersionConflict(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("conflict")
		a := e.Draft(c, c.Writer, "Two editors")
		base := a.Version
		var first art
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "Mine", "body": "first editor", "version": base}, 200, &first)
		r := e.Do("PUT", path(c.Slug, a.ID, ""), c.Doctor, map[string]any{"title": "Theirs", "body": "second editor", "version": base})
		expect(t, r, 409, "version_conflict")
		var p struct {
			CurrentVersion int `json:"current_version"`
		}
		r.JSON(t, &p)
		if p.CurrentVersion != first.Version {
			t.Fatalf("conflict reports version %d, want %d", p.CurrentVersion, first.Version)
		}
		var now art
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Writer, nil, 200, &now)
		if now.Body != "first editor" || now.Revision != 2 {
			t.Fatalf("after conflict: %+v", now)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/submit"), c.Writer, map[string]any{"version": base}), 409, "version_conflict")
		expect(t, e.Do("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": "No version"}), 422, "validation_failed")
	})
}

// TestNoMassAssignment covers invariant 3: workflow fields in payloads are
// refused with 400 and change nothing.
func TestNoMassAssignment(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("mass")
		for _, field := range []string{"status", "author", "approval", "live_revision", "content_hash", "published_at", "revision", "id", "clinic"} {
			body := map[string]any{"title": "Sneaky", "body": "x", field: "published"}
			expect(t, e.Do("POST", path(c.Slug, 0, ""), c.Writer, body), 400, "unknown_field")
		}
		a := e.Draft(c, c.Writer, "Honest")
		for _, field := range []string{"status", "approval", "live_revision", "author"} {
			body := map[string]any{"title": "x", "version": a.Version, field: map[string]any{"doctor": 1}}
			expect(t, e.Do("PUT", path(c.Slug, a.ID, ""), c.Writer, body), 400, "unknown_field")
		}
		var now art
		e.MustDo("GET", path(c.Slug, a.ID, ""), c.Writer, nil, 200, &now)
		if now.Status != "draft" || now.Version != a.Version || now.Approval != nil {
			t.Fatalf("changed by refused payloads: %+v", now)
		}
	})
}

// TestTenantIsolation covers invariant 7: another clinic's objects answer
// 404 and never data, for every role including doctors.
func TestTenantIsolation(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		ca, cb := e.NewClinic("alpha"), e.NewClinic("beta")
		a := e.Published(ca, "Alpha only")
		for _, tok := range []string{cb.Admin, cb.Writer, cb.Doctor} {
			// Their own clinic in the URL with the other clinic's id.
			expect(t, e.Do("GET", path(cb.Slug, a.ID, ""), tok, nil), 404, "not_found")
			expect(t, e.Do("PUT", path(cb.Slug, a.ID, ""), tok, map[string]any{"title": "x", "version": 1}), 404, "not_found")
			// The other clinic in the URL.
			expect(t, e.Do("GET", path(ca.Slug, a.ID, ""), tok, nil), 404, "not_found")
			expect(t, e.Do("GET", "/api/v1/clinics/"+ca.Slug, tok, nil), 404, "not_found")
			expect(t, e.Do("POST", path(ca.Slug, a.ID, "/unpublish"), tok, nil), 404, "not_found")
			// An invalid body does not make the other clinic's article show
			// through a 422 either: access is decided first.
			expect(t, e.Do("PUT", path(ca.Slug, a.ID, ""), tok, map[string]any{"title": "", "version": 0}), 404, "not_found")
			expect(t, e.Do("POST", path(ca.Slug, a.ID, "/reviews"), tok, map[string]any{"decision": "maybe"}), 404, "not_found")
		}
		// A doctor of beta cannot approve alpha's article even with the hash.
		b := e.Draft(ca, ca.Writer, "Pending in alpha")
		e.MustDo("POST", path(ca.Slug, b.ID, "/submit"), ca.Writer, nil, 200, &b)
		expect(t, review(e, ca, cb.Doctor, b, "approve", ""), 404, "not_found")
		expect(t, review(e, cb, cb.Doctor, b, "approve", ""), 404, "not_found")
		var list struct{ Articles []struct{ ID int64 } }
		e.MustDo("GET", path(cb.Slug, 0, ""), cb.Admin, nil, 200, &list)
		if len(list.Articles) != 0 {
			t.Fatalf("beta sees %d articles", len(list.Articles))
		}
	})
}

// TestAuditTrail checks that each transition left an entry written with
// it, and that the chain verifies until a row is edited.
func TestAuditTrail(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("audit")
		a := e.Published(c, "Audited")
		var out struct {
			Entries []struct {
				Action       string `json:"action"`
				Actor        string `json:"actor_name"`
				FromRevision *int   `json:"from_revision"`
				ToRevision   *int   `json:"to_revision"`
				Hash         string `json:"hash"`
			}
		}
		e.MustDo("GET", path(c.Slug, a.ID, "/audit"), c.Writer, nil, 200, &out)
		var actions []string
		for _, en := range out.Entries {
			actions = append(actions, en.Action)
		}
		want := []string{"article.published", "review.approved", "article.submitted", "article.created"}
		if fmt.Sprint(actions) != fmt.Sprint(want) {
			t.Fatalf("actions %v, want %v", actions, want)
		}
		if out.Entries[0].Actor != "Admin audit" || out.Entries[0].ToRevision == nil || *out.Entries[0].ToRevision != 1 {
			t.Fatalf("publish entry %+v", out.Entries[0])
		}
		ctx := context.Background()
		if broken, n, err := audit.Verify(ctx, d.DB); err != nil || len(broken) != 0 || n == 0 {
			t.Fatalf("verify: %v %d %v", broken, n, err)
		}
		if err := d.Exec(`UPDATE audit_entries SET after_json = '{"status":"draft"}' WHERE action = 'review.approved'`).Error; err != nil {
			t.Fatal(err)
		}
		broken, _, err := audit.Verify(ctx, d.DB)
		if err != nil || len(broken) != 1 {
			t.Fatalf("tampered row not detected: %v %v", broken, err)
		}
	})
}
