package api_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// tokenOf is the last path segment of a mailed link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	if link == "" {
		t.Fatal("no link in the mail")
	}
	return link[strings.LastIndex(link, "/")+1:]
}

// shape is the sorted key list of a JSON object.
func shape(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// TestInvitations: inviting answers the same for a known and an unknown
// address; the invitation mail arrives at the real SMTP server; a new
// person sets their own name and password; an existing person must be
// signed in as themselves and becomes a member only on accepting; links
// reused, unknown, expired, revoked or replaced by a resend are refused
// with stable codes.
func TestInvitations(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("inv")
		other := e.NewClinic("inv-other")
		members := "/api/v1/clinics/" + c.Slug + "/members"

		// No password (or name) can be sent for someone else.
		expect(t, e.Do("POST", members, c.Admin, map[string]any{"email": "x@inv.test", "role": "writer", "password": testenv.Password}), 400, "unknown_field")

		fresh := e.MustDo("POST", members, c.Admin, map[string]any{"email": "new@inv.test", "role": "writer"}, 201, nil)
		known := e.MustDo("POST", members, c.Admin, map[string]any{"email": "doctor@inv-other.test", "role": "doctor"}, 201, nil)
		if shape(t, fresh.Body) != shape(t, known.Body) {
			t.Fatalf("known and unknown addresses answer differently:\n%s\n%s", fresh.Body, known.Body)
		}
		var inv struct {
			ID     int64
			Status string
		}
		known.JSON(t, &inv)
		if inv.Status != "pending" || strings.Contains(string(known.Body), "token") {
			t.Fatalf("invitation answer: %s", known.Body)
		}
		// Not a member before accepting (consent).
		var me struct{ Memberships []struct{ Clinic string } }
		e.MustDo("GET", "/api/v1/me", other.Doctor, nil, 200, &me)
		if len(me.Memberships) != 1 {
			t.Fatalf("invited person became a member without accepting: %+v", me)
		}
		var list struct {
			Invitations []struct{ Email, Status string }
		}
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/invitations", c.Admin, nil, 200, &list)
		if len(list.Invitations) != 2 {
			t.Fatalf("pending invitations: %+v", list)
		}

		// The new person reads the mail and sets their own password.
		m := e.LastMail("new@inv.test")
		if !strings.Contains(m.Subject, "Clinic inv") || m.HTML == "" || m.Header.Get("List-Unsubscribe") != "" {
			t.Fatalf("invitation mail: subject %q, html %d bytes, unsubscribe %q", m.Subject, len(m.HTML), m.Header.Get("List-Unsubscribe"))
		}
		link := m.Link("/admin/invite/")
		if !strings.HasPrefix(link, testenv.BaseURL+"/admin/invite/") {
			t.Fatalf("link %q", link)
		}
		tok := tokenOf(t, link)
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": tok, "name": "New Writer", "password": "short"}), 422, "validation_failed")
		var acc struct {
			Token      string
			NewAccount bool `json:"new_account"`
			Role       string
		}
		e.MustDo("POST", "/api/v1/invitations/accept", "", map[string]string{"token": tok, "name": "New Writer", "password": "my own secret pw"}, 200, &acc)
		if acc.Token == "" || !acc.NewAccount || acc.Role != "writer" {
			t.Fatalf("accept: %+v", acc)
		}
		e.MustDo("GET", testenv.ArticlePath(c.Slug, 0, ""), acc.Token, nil, 200, nil)
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "new@inv.test", "password": "my own secret pw"}, 200, nil)
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": tok, "name": "Again", "password": "my own secret pw"}), 410, "invitation_used")
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": "nope" + tok[4:]}), 404, "invitation_not_found")

		// The existing person: signed out, signed in as someone else, then as themselves.
		ktok := tokenOf(t, e.LastMail("doctor@inv-other.test").Link("/admin/invite/"))
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": ktok}), 401, "sign_in_required")
		expect(t, e.Do("POST", "/api/v1/invitations/accept", other.Writer, map[string]string{"token": ktok}), 403, "wrong_account")
		e.MustDo("POST", "/api/v1/invitations/accept", other.Doctor, map[string]string{"token": ktok}, 200, nil)
		e.MustDo("GET", "/api/v1/me", other.Doctor, nil, 200, &me)
		if len(me.Memberships) != 2 {
			t.Fatalf("after accepting: %+v", me)
		}

		// Revoked, replaced by a resend, expired.
		var r1 struct{ ID int64 }
		e.MustDo("POST", members, c.Admin, map[string]any{"email": "revoked@inv.test", "role": "writer"}, 201, &r1)
		rtok := tokenOf(t, e.LastMail("revoked@inv.test").Link("/admin/invite/"))
		e.MustDo("DELETE", "/api/v1/clinics/"+c.Slug+"/invitations/"+itoa(r1.ID), c.Admin, nil, 204, nil)
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": rtok, "name": "R", "password": testenv.Password}), 410, "invitation_revoked")
		expect(t, e.Do("POST", "/api/v1/clinics/"+c.Slug+"/invitations/"+itoa(r1.ID)+"/resend", c.Admin, nil), 410, "invitation_revoked")

		var r2 struct{ ID int64 }
		e.MustDo("POST", members, c.Admin, map[string]any{"email": "resent@inv.test", "role": "writer"}, 201, &r2)
		old := tokenOf(t, e.LastMail("resent@inv.test").Link("/admin/invite/"))
		e.MustDo("POST", "/api/v1/clinics/"+c.Slug+"/invitations/"+itoa(r2.ID)+"/resend", c.Admin, nil, 200, nil)
		newer := tokenOf(t, e.LastMail("resent@inv.test").Link("/admin/invite/"))
		if newer == old {
			t.Fatal("a resend kept the old link")
		}
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": old, "name": "R", "password": testenv.Password}), 404, "invitation_not_found")

		e.Clock.Advance(73 * time.Hour)
		expect(t, e.Do("POST", "/api/v1/invitations/accept", "", map[string]string{"token": newer, "name": "R", "password": testenv.Password}), 410, "invitation_expired")
	})
}

// TestPasswordReset: the same answer for known and unknown addresses, a
// mail only for the known one, a single-use link valid 30 minutes that
// ends every session, and a throttle per address.
func TestPasswordReset(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		e.CreateUser("forgot@reset.test", "Forgetful", false)
		old := e.Login("forgot@reset.test")
		known := e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"email": "forgot@reset.test"})
		unknown := e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"email": "nobody@reset.test"})
		if known.Status != 202 || unknown.Status != 202 || string(known.Body) != string(unknown.Body) {
			t.Fatalf("reset answers differ:\n%d %s\n%d %s", known.Status, known.Body, unknown.Status, unknown.Body)
		}
		e.DeliverMail()
		if n := len(e.Mailbox.To("nobody@reset.test")); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}
		m := e.LastMail("forgot@reset.test")
		if m.Header.Get("List-Unsubscribe") != "" {
			t.Fatal("a security mail carries an unsubscribe link")
		}
		tok := tokenOf(t, m.Link("/admin/reset/"))
		expect(t, e.Do("POST", "/api/v1/auth/reset/confirm", "", map[string]string{"token": tok, "password": "short"}), 422, "validation_failed")
		e.MustDo("POST", "/api/v1/auth/reset/confirm", "", map[string]string{"token": tok, "password": "a brand new secret"}, 204, nil)
		expect(t, e.Do("GET", "/api/v1/me", old, nil), 401, "unauthenticated")
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "forgot@reset.test", "password": "a brand new secret"}, 200, nil)
		expect(t, e.Do("POST", "/api/v1/auth/reset/confirm", "", map[string]string{"token": tok, "password": "another new secret"}), 410, "token_used")
		expect(t, e.Do("POST", "/api/v1/auth/reset/confirm", "", map[string]string{"token": "x" + tok[1:], "password": "another new secret"}), 404, "token_not_found")

		// Expired after 30 minutes; a newer link replaces an older one.
		e.MustDo("POST", "/api/v1/auth/reset", "", map[string]string{"email": "forgot@reset.test"}, 202, nil)
		late := tokenOf(t, e.LastMail("forgot@reset.test").Link("/admin/reset/"))
		e.Clock.Advance(31 * time.Minute)
		expect(t, e.Do("POST", "/api/v1/auth/reset/confirm", "", map[string]string{"token": late, "password": "another new secret"}), 410, "token_expired")

		// Throttled per address (3 per 15 minutes), unknown or not.
		for i := 0; i < 3; i++ {
			e.MustDo("POST", "/api/v1/auth/reset", "", map[string]string{"email": "flood@reset.test"}, 202, nil)
		}
		expect(t, e.Do("POST", "/api/v1/auth/reset", "", map[string]string{"email": "flood@reset.test"}), 429, "too_many_attempts")
	})
}

func itoa(n int64) string { return jsonNum(n) }

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
