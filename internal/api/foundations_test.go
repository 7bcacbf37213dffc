package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// TestAttestationRequired: a sign-off is a statement the doctor signs. The
// service refuses a decision without it (as the admin's checkbox does) and
// stores the exact text, naming revision and hash, on the review and in
// the audit entry.
func TestAttestationRequired(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("attest")
		a := e.Draft(c, c.Writer, "Attested text")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		r := e.Do("POST", path(c.Slug, a.ID, "/reviews"), c.Doctor, map[string]any{"decision": "approve",
			"revision": a.Revision, "content_hash": a.ContentHash})
		expect(t, r, 422, "validation_failed")
		if !strings.Contains(string(r.Body), `"field":"attest"`) {
			t.Fatalf("no attest field error: %s", r.Body)
		}
		if n := countRows(t, d, "reviews"); n != 0 {
			t.Fatalf("%d reviews stored without an attestation", n)
		}
		review(e, c, c.Doctor, a, "approve", "").JSON(t, &a)
		var stored string
		d.Raw(`SELECT attestation FROM reviews WHERE article_id = ?`, a.ID).Scan(&stored)
		want := fmt.Sprintf("I have medically reviewed revision %d (content hash %s) and approve it for publication.", a.Revision, a.ContentHash)
		if stored != want {
			t.Fatalf("stored attestation %q, want %q", stored, want)
		}
		var after string
		d.Raw(`SELECT after_json FROM audit_entries WHERE action = 'review.approved' AND article_id = ?`, a.ID).Scan(&after)
		if !strings.Contains(after, a.ContentHash) || !strings.Contains(after, "approve it for publication") {
			t.Fatalf("audit entry lacks the attestation: %s", after)
		}
	})
}

// TestRestoreCannotBypassFourEyes: doctor P writes revision 1, a writer
// edits it, another doctor approves; restoring P's revision 1 (or pasting
// P's exact text back) makes text P wrote, and P may not approve it.
func TestRestoreCannotBypassFourEyes(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("restore-eyes")
		a := e.Draft(c, c.WriterDoctor, "Written by doctor P")
		p1 := a
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "Writer's summary.",
			"body": "The writer's own wording.", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor, a, "approve", "").JSON(t, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/restore"), c.Writer, map[string]any{"revision": 1, "version": a.Version}, 200, &a)
		if a.Revision != 3 || a.ContentHash != p1.ContentHash {
			t.Fatalf("restore: %+v", a)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, review(e, c, c.WriterDoctor, a, "approve", ""), 403, "self_approval")

		// Back to the writer's text, approved by the other doctor; then the
		// writer types P's text in again by hand: still P's text.
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "summary": "Writer's summary.",
			"body": "The writer's own wording.", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor2, a, "approve", "").JSON(t, &a)
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": p1.Title, "summary": "A short summary.",
			"body": p1.Body, "tags": p1.Tags, "version": a.Version}, 200, &a)
		if a.ContentHash != p1.ContentHash {
			t.Fatalf("retyped text has another hash: %s vs %s", a.ContentHash, p1.ContentHash)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, review(e, c, c.WriterDoctor, a, "approve", ""), 403, "self_approval")
		expect(t, review(e, c, c.Doctor, a, "approve", ""), 200, "")
	})
}

// TestCancelScheduleKeepsLive: cancelling the schedule of a newer revision
// of a live article leaves the live revision live.
func TestCancelScheduleKeepsLive(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("cancel")
		a := e.Published(c, "Live and scheduled")
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": "Second text.", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		review(e, c, c.Doctor, a, "approve", "").JSON(t, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(48 * time.Hour)}, 200, &a)
		if a.Status != "scheduled" || *a.LiveRevision != 1 {
			t.Fatalf("scheduled: %+v", a)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/cancel-schedule"), c.Admin, map[string]any{"version": a.Version}, 200, &a)
		if a.Status != "approved" || a.LiveRevision == nil || *a.LiveRevision != 1 {
			t.Fatalf("after cancel: %+v", a)
		}
		if n := countRows(t, d, "live_articles"); n != 1 {
			t.Fatalf("%d live rows after cancelling the schedule", n)
		}
		page := e.Do("GET", "/sites/"+c.Slug+"/articles/"+a.Slug, "", nil)
		if page.Status != 200 {
			t.Fatalf("public page after cancel: %d", page.Status)
		}
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/cancel-schedule"), c.Admin, nil), 409, "not_scheduled")
		// Unpublishing is a different act and says so for a scheduled draft.
		b := e.Approved(c, "Only scheduled")
		e.MustDo("POST", path(c.Slug, b.ID, "/publish"), c.Admin, map[string]any{"at": e.Clock.Now().Add(time.Hour)}, 200, &b)
		expect(t, e.Do("POST", path(c.Slug, b.ID, "/unpublish"), c.Admin, nil), 409, "not_published")
	})
}

// TestPatchIsPartial: PATCH changes only what it names, at every level.
func TestPatchIsPartial(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("partial")
		url := "/api/v1/clinics/" + c.Slug
		e.MustDo("PATCH", url, c.Admin, map[string]any{"branding": map[string]any{"phone": "+65 6000 0000",
			"address": "1 Example Road", "footer_notice": "In an emergency call 995."},
			"compliance": map[string]any{"packs": []string{"sg-healthcare-ads"}, "link_allowlist": []string{"moh.gov.sg"}}}, 200, nil)
		var got struct {
			Branding   map[string]string
			Compliance struct {
				Packs         []string `json:"packs"`
				LinkAllowlist []string `json:"link_allowlist"`
			}
		}
		e.MustDo("PATCH", url, c.Admin, map[string]any{"branding": map[string]any{"tagline": "Skin, explained"},
			"compliance": map[string]any{"link_allowlist": []string{"healthhub.sg"}}}, 200, &got)
		want := map[string]string{"tagline": "Skin, explained", "phone": "+65 6000 0000", "address": "1 Example Road", "footer_notice": "In an emergency call 995."}
		for k, v := range want {
			if got.Branding[k] != v {
				t.Errorf("branding.%s = %q, want %q (all: %v)", k, got.Branding[k], v, got.Branding)
			}
		}
		if len(got.Compliance.Packs) != 1 || got.Compliance.LinkAllowlist[0] != "healthhub.sg" {
			t.Errorf("compliance after a partial patch: %+v", got.Compliance)
		}
	})
}

// TestReviewsDueJSON: the review queue answers documented snake_case keys.
func TestReviewsDueJSON(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("due-json")
		a := e.Draft(c, c.Writer, "Waiting for a doctor")
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		r := e.Do("GET", "/api/v1/clinics/"+c.Slug+"/reviews/due", c.Doctor, nil)
		var raw map[string][]map[string]json.RawMessage
		r.JSON(t, &raw)
		items := raw["awaiting_review"]
		if len(items) != 1 {
			t.Fatalf("awaiting: %s", r.Body)
		}
		for _, k := range []string{"id", "slug", "title", "status", "revision", "author", "since", "review_due_at"} {
			if _, ok := items[0][k]; !ok {
				t.Errorf("key %q missing in %s", k, r.Body)
			}
		}
		for k := range items[0] {
			if k != strings.ToLower(k) {
				t.Errorf("key %q is not snake_case", k)
			}
		}
	})
}

// TestWritersMayPublish: who publishes is a clinic decision, off by
// default; the setting applies at the next request.
func TestWritersMayPublish(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("who-publishes")
		a := e.Approved(c, "Writers and publishing")
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/publish"), c.Writer, nil), 403, "forbidden")
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"writers_may_publish": true}, 200, nil)
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Writer, nil, 200, &a)
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"writers_may_publish": false}, 200, nil)
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/unpublish"), c.Writer, nil), 403, "forbidden")
		// Doctors never publish through this setting.
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"writers_may_publish": true}, 200, nil)
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/unpublish"), c.Doctor, nil), 403, "forbidden")
	})
}

// TestRoleChangeOnAnotherInstance: a role is read from the membership row
// at every request, so a demotion or removal on instance A is refused on
// instance B at B's very next request.
func TestRoleChangeOnAnotherInstance(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testenv.New(t, d)
		b := a.Instance()
		c := a.NewClinic("two-instances")
		second := a.CreateUser("second-admin@two.test", "Second Admin", false)
		tok, _ := a.AddMember(c, c.Admin, second.Email, "", "clinic_admin")
		members := "/api/v1/clinics/" + c.Slug + "/members"
		b.MustDo("GET", members, tok, nil, 200, nil) // B has served this admin before
		a.MustDo("PATCH", fmt.Sprintf("%s/%d", members, second.ID), c.Admin, map[string]any{"role": "writer"}, 200, nil)
		expect(t, b.Do("GET", members, tok, nil), 403, "forbidden")
		expect(t, b.Do("POST", members, tok, map[string]any{"email": "sneaky@two.test", "role": "clinic_admin"}), 403, "forbidden")
		a.MustDo("DELETE", fmt.Sprintf("%s/%d", members, second.ID), c.Admin, nil, 204, nil)
		expect(t, b.Do("GET", "/api/v1/clinics/"+c.Slug+"/articles", tok, nil), 404, "not_found")
	})
}
