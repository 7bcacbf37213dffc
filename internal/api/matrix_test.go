package api_test

import (
	"context"
	"encoding/json"

	"fmt"
	"github.com/pquerna/otp/totp"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// caller is one column of the authorization matrix.
type caller int

const (
	anon caller = iota
	writer
	doctor
	admin
	otherWriter
	otherDoctor
	otherAdmin
	platform
	nCallers
)

var callerNames = [nCallers]string{"anonymous", "writer", "doctor", "clinic_admin",
	"writer of another clinic", "doctor of another clinic", "clinic_admin of another clinic", "platform admin"}

// matrix is the state shared by the cells: a home clinic whose routes are
// called, another clinic whose members must see nothing, and a counter for
// unique names.
type matrix struct {
	e           *testenv.Env
	home, other testenv.Clinic
	n           int
	shared      int64 // the published article read-only routes share
}

func (m *matrix) uniq(prefix string) string {
	m.n++
	return fmt.Sprintf("%s-%d", prefix, m.n)
}

func (m *matrix) email(who caller) string {
	switch who {
	case writer:
		return "writer@" + m.home.Slug + ".test"
	case doctor:
		return "doctor@" + m.home.Slug + ".test"
	case admin:
		return "admin@" + m.home.Slug + ".test"
	case otherWriter:
		return "writer@" + m.other.Slug + ".test"
	case otherDoctor:
		return "doctor@" + m.other.Slug + ".test"
	case otherAdmin:
		return "admin@" + m.other.Slug + ".test"
	case platform:
		return "root@platform.test"
	}
	return ""
}

func (m *matrix) token(who caller) string {
	switch who {
	case writer:
		return m.home.Writer
	case doctor:
		return m.home.Doctor
	case admin:
		return m.home.Admin
	case otherWriter:
		return m.other.Writer
	case otherDoctor:
		return m.other.Doctor
	case otherAdmin:
		return m.other.Admin
	case platform:
		return m.e.Platform
	}
	return ""
}

// signIn replaces the caller's token with a new session (after a cell
// ended or narrowed the old one).
func (m *matrix) signIn(who caller) {
	tok := m.e.Login(m.email(who))
	switch who {
	case writer:
		m.home.Writer = tok
	case doctor:
		m.home.Doctor = tok
	case admin:
		m.home.Admin = tok
	case otherWriter:
		m.other.Writer = tok
	case otherDoctor:
		m.other.Doctor = tok
	case otherAdmin:
		m.other.Admin = tok
	case platform:
		m.e.Platform = tok
	}
}

// draft, inReview, approved and published make a fresh article of the home
// clinic in that state, written by the home writer.
func (m *matrix) draft() art { return m.e.Draft(m.home, m.home.Writer, m.uniq("Matrix article")) }

func (m *matrix) inReview() art {
	a := m.draft()
	m.e.MustDo("POST", path(m.home.Slug, a.ID, "/submit"), m.home.Writer, nil, 200, &a)
	return a
}

func (m *matrix) approved() art  { return m.e.Approved(m.home, m.uniq("Matrix approved")) }
func (m *matrix) published() art { return m.e.Published(m.home, m.uniq("Matrix published")) }

// blocked is a draft with one blocking advertising-rule finding, returning
// the finding's key.
func (m *matrix) blocked() (art, string) {
	var a struct {
		art
		Findings []struct{ Key, Severity string } `json:"findings"`
	}
	m.e.MustDo("POST", path(m.home.Slug, 0, ""), m.home.Writer, map[string]any{"title": m.uniq("Matrix blocked"),
		"body": "Our laser gives guaranteed results."}, 201, &a)
	for _, f := range a.Findings {
		if f.Severity == "block" {
			return a.art, f.Key
		}
	}
	m.e.T.Fatalf("no blocking finding in %+v", a.Findings)
	return art{}, ""
}

type redirectOut struct {
	ID      int64  `json:"id"`
	From    string `json:"from"`
	Version int    `json:"version"`
}

// redirect adds a throwaway 410 redirect to the home clinic.
func (m *matrix) redirect() redirectOut {
	var out redirectOut
	m.e.MustDo("POST", "/api/v1/clinics/"+m.home.Slug+"/redirects", m.e.Platform, map[string]any{"from": "/" + m.uniq("gone"), "kind": "gone"}, 201, &out)
	return out
}

// member adds a throwaway writer to the home clinic and returns its id.
func (m *matrix) member() int64 {
	_, id := m.e.AddMember(m.home, m.e.Platform, m.uniq("member")+"@matrix.test", "Throwaway Member", "writer")
	return id
}

// invitation invites a throwaway address to the home clinic.
func (m *matrix) invitation() (id int64, token string) {
	inv := m.e.Invite(m.home, m.e.Platform, m.uniq("invitee")+"@matrix.test", "writer")
	return inv.ID, inv.Token
}

// resetToken mails a throwaway account a reset link (from an address of
// its own, so the client throttle is not used up) and returns its token.
func (m *matrix) resetToken() string {
	email := m.uniq("reset") + "@matrix.test"
	m.e.CreateUser(email, "Reset Person", false)
	if err := m.e.App.Accounts.RequestReset(context.Background(), email, "192.0.2."+fmt.Sprint(m.n%250)); err != nil {
		m.e.T.Fatal(err)
	}
	link := m.e.LastMail(email).Link("/admin/reset/")
	return link[strings.LastIndex(link, "/")+1:]
}

// cell is one prepared request. fresh asks for a new session of the caller
// (for routes that end or narrow the session they run on).
type cell struct {
	url   string
	body  any
	fresh bool
}

type matrixRow struct {
	method, path string
	prepare      func(m *matrix, who caller) cell
	want         [nCallers]int
}

// The columns of want: anonymous; writer, doctor, clinic_admin of the
// clinic; writer, doctor, clinic_admin of another clinic; platform admin.
var matrixRows = []matrixRow{
	{"GET", "/api/v1/openapi.json", fixed("/api/v1/openapi.json", nil),
		[nCallers]int{200, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/api/v1/auth/login", func(m *matrix, who caller) cell {
		email := m.email(who)
		if email == "" {
			email = m.email(writer)
		}
		return cell{url: "/api/v1/auth/login", body: map[string]string{"email": email, "password": testenv.Password}}
	}, [nCallers]int{200, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/api/v1/auth/reset", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/auth/reset", body: map[string]string{"email": m.uniq("nobody") + "@matrix.test"}}
	}, [nCallers]int{202, 202, 202, 202, 202, 202, 202, 202}},
	{"POST", "/api/v1/auth/reset/confirm", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/auth/reset/confirm", body: map[string]string{"token": m.resetToken(), "password": testenv.Password}}
	}, [nCallers]int{204, 204, 204, 204, 204, 204, 204, 204}},
	{"POST", "/api/v1/invitations/accept", func(m *matrix, who caller) cell {
		_, tok := m.invitation()
		return cell{url: "/api/v1/invitations/accept", body: map[string]string{"token": tok, "name": "New Person", "password": testenv.Password}}
	}, [nCallers]int{200, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/api/v1/auth/logout", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/auth/logout", fresh: true}
	}, [nCallers]int{401, 204, 204, 204, 204, 204, 204, 204}},
	{"GET", "/api/v1/me", fixed("/api/v1/me", nil),
		[nCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/api/v1/me/password", func(m *matrix, who caller) cell {
		// The same password again: the change is real (sessions end) but
		// the fixture's password stays valid.
		return cell{url: "/api/v1/me/password", fresh: true,
			body: map[string]string{"current_password": testenv.Password, "new_password": testenv.Password}}
	}, [nCallers]int{401, 204, 204, 204, 204, 204, 204, 204}},

	{"POST", "/api/v1/clinics", func(m *matrix, who caller) cell {
		s := m.uniq("newclinic")
		return cell{url: "/api/v1/clinics", body: map[string]any{"slug": s, "name": "New " + s, "hostnames": []string{s + ".example"}}}
	}, [nCallers]int{401, 403, 403, 403, 403, 403, 403, 201}},
	{"GET", "/api/v1/clinics", fixed("/api/v1/clinics", nil),
		[nCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/v1/clinics/:clinic", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 200}},
	{"PATCH", "/api/v1/clinics/:clinic", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug, body: map[string]any{"name": m.uniq("Renamed clinic")}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"GET", "/api/v1/clinics/:clinic/audit", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/audit"}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},

	{"POST", "/api/v1/clinics/:clinic/members", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/members", body: map[string]any{
			"email": m.uniq("added") + "@matrix.test", "role": "writer"}}
	}, [nCallers]int{401, 403, 403, 201, 404, 404, 404, 201}},
	{"GET", "/api/v1/clinics/:clinic/invitations", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/invitations"}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"GET", "/api/v1/clinics/:clinic/invitations/:id", func(m *matrix, who caller) cell {
		id, _ := m.invitation()
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/invitations/%d", m.home.Slug, id)}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"DELETE", "/api/v1/clinics/:clinic/invitations/:id", func(m *matrix, who caller) cell {
		id, _ := m.invitation()
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/invitations/%d", m.home.Slug, id)}
	}, [nCallers]int{401, 403, 403, 204, 404, 404, 404, 204}},
	{"POST", "/api/v1/clinics/:clinic/invitations/:id/resend", func(m *matrix, who caller) cell {
		id, _ := m.invitation()
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/invitations/%d/resend", m.home.Slug, id)}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"GET", "/api/v1/clinics/:clinic/members", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/members"}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"PATCH", "/api/v1/clinics/:clinic/members/:user", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/members/%d", m.home.Slug, m.member()), body: map[string]any{"role": "clinic_admin"}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"DELETE", "/api/v1/clinics/:clinic/members/:user", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/members/%d", m.home.Slug, m.member())}
	}, [nCallers]int{401, 403, 403, 204, 404, 404, 404, 204}},

	{"POST", "/api/v1/clinics/:clinic/articles", func(m *matrix, who caller) cell {
		return cell{url: path(m.home.Slug, 0, ""), body: map[string]any{"title": m.uniq("Created in the matrix"), "summary": "S.", "body": "Text."}}
	}, [nCallers]int{401, 201, 201, 201, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles", func(m *matrix, who caller) cell {
		return cell{url: path(m.home.Slug, 0, "?limit=5")}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id", shared(""),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"PUT", "/api/v1/clinics/:clinic/articles/:id", func(m *matrix, who caller) cell {
		a := m.draft()
		return cell{url: path(m.home.Slug, a.ID, ""), body: map[string]any{"title": a.Title, "summary": "Edited.", "body": "Edited text.", "version": a.Version}}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/revisions", shared("/revisions"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/revisions/:n", shared("/revisions/1"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/reviews", shared("/reviews"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/reviews", func(m *matrix, who caller) cell {
		a := m.inReview()
		return cell{url: path(m.home.Slug, a.ID, "/reviews"), body: map[string]any{"decision": "approve", "revision": a.Revision, "content_hash": a.ContentHash, "attest": true, "signature": testenv.Sign}}
	}, [nCallers]int{401, 403, 200, 403, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/submit", func(m *matrix, who caller) cell {
		a := m.draft()
		return cell{url: path(m.home.Slug, a.ID, "/submit"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/publish", func(m *matrix, who caller) cell {
		a := m.approved()
		return cell{url: path(m.home.Slug, a.ID, "/publish"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/cancel-schedule", func(m *matrix, who caller) cell {
		a := m.approved()
		m.e.MustDo("POST", path(m.home.Slug, a.ID, "/publish"), m.home.Admin, map[string]any{"at": m.e.Clock.Now().Add(time.Hour)}, 200, &a)
		return cell{url: path(m.home.Slug, a.ID, "/cancel-schedule"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/unpublish", func(m *matrix, who caller) cell {
		a := m.published()
		return cell{url: path(m.home.Slug, a.ID, "/unpublish"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/cancel-unpublish", func(m *matrix, who caller) cell {
		a := m.published()
		m.e.MustDo("POST", path(m.home.Slug, a.ID, "/unpublish"), m.home.Admin, map[string]any{"at": m.e.Clock.Now().Add(time.Hour)}, 200, &a)
		return cell{url: path(m.home.Slug, a.ID, "/cancel-unpublish"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/archive", func(m *matrix, who caller) cell {
		a := m.draft()
		return cell{url: path(m.home.Slug, a.ID, "/archive"), body: map[string]any{"version": a.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/restore", func(m *matrix, who caller) cell {
		a := m.draft()
		return cell{url: path(m.home.Slug, a.ID, "/restore"), body: map[string]any{"revision": 1, "version": a.Version}}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/audit", shared("/audit"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/articles/:id/acknowledgements", func(m *matrix, who caller) cell {
		a, key := m.blocked()
		return cell{url: path(m.home.Slug, a.ID, "/acknowledgements"), body: map[string]any{"revision": a.Revision, "finding": key,
			"content_hash": a.ContentHash, "signature": testenv.Sign, "reason": "The sentence quotes the device label verbatim."}}
	}, [nCallers]int{401, 403, 200, 403, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/record", shared("/record"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"POST", "/api/v1/clinics/:clinic/compliance/check", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/compliance/check", body: map[string]any{"title": "T", "body": "Guaranteed results."}}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/redirects", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/redirects"}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"POST", "/api/v1/clinics/:clinic/redirects", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/redirects", body: map[string]any{"from": "/" + m.uniq("old"), "kind": "gone"}}
	}, [nCallers]int{401, 403, 403, 201, 404, 404, 404, 201}},
	{"POST", "/api/v1/clinics/:clinic/redirects/import", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/redirects/import", body: map[string]any{"csv": "/" + m.uniq("csv") + ",410\n"}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"GET", "/api/v1/clinics/:clinic/redirects/:id", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/redirects/%d", m.home.Slug, m.redirect().ID)}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"PATCH", "/api/v1/clinics/:clinic/redirects/:id", func(m *matrix, who caller) cell {
		r := m.redirect()
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/redirects/%d", m.home.Slug, r.ID), body: map[string]any{"from": r.From, "kind": "path", "target": "/", "version": r.Version}}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"DELETE", "/api/v1/clinics/:clinic/redirects/:id", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/clinics/%s/redirects/%d", m.home.Slug, m.redirect().ID)}
	}, [nCallers]int{401, 403, 403, 204, 404, 404, 404, 204}},
	{"GET", "/api/v1/clinics/:clinic/jobs/failed", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/jobs/failed"}
	}, [nCallers]int{401, 403, 403, 200, 404, 404, 404, 200}},
	{"GET", "/api/v1/clinics/:clinic/reviews/due", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/clinics/" + m.home.Slug + "/reviews/due"}
	}, [nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},

	{"POST", "/api/v1/clinics/:clinic/articles/:id/previews", shared("/previews"),
		[nCallers]int{401, 201, 201, 201, 404, 404, 404, 403}},
	{"GET", "/api/v1/clinics/:clinic/articles/:id/previews", shared("/previews"),
		[nCallers]int{401, 200, 200, 200, 404, 404, 404, 403}},
	{"DELETE", "/api/v1/clinics/:clinic/articles/:id/previews", shared("/previews"),
		[nCallers]int{401, 204, 204, 204, 404, 404, 404, 403}},
	{"DELETE", "/api/v1/clinics/:clinic/articles/:id/previews/:preview", func(m *matrix, who caller) cell {
		a := m.sharedArticle()
		var p struct{ ID int64 }
		m.e.MustDo("POST", path(m.home.Slug, a, "/previews"), m.home.Writer, nil, 201, &p)
		return cell{url: path(m.home.Slug, a, fmt.Sprintf("/previews/%d", p.ID))}
	}, [nCallers]int{401, 204, 204, 204, 404, 404, 404, 403}},

	{"POST", "/api/v1/clinics/:clinic/articles/:id/reviews/challenge", func(m *matrix, who caller) cell {
		a := m.inReview()
		return cell{url: path(m.home.Slug, a.ID, "/reviews/challenge"), body: map[string]any{"revision": a.Revision, "content_hash": a.ContentHash}}
	}, [nCallers]int{401, 403, 201, 403, 404, 404, 404, 403}},
	{"POST", "/api/v1/auth/second-factor", fixed("/api/v1/auth/second-factor", map[string]any{"ticket": "not-a-ticket", "totp": "123456"}),
		[nCallers]int{401, 401, 401, 401, 401, 401, 401, 401}},
	{"GET", "/api/v1/me/doctor-profile", fixed("/api/v1/me/doctor-profile", nil),
		[nCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"PATCH", "/api/v1/me/doctor-profile", fixed("/api/v1/me/doctor-profile", map[string]any{"languages": []string{"en"}}),
		[nCallers]int{401, 403, 200, 403, 403, 200, 403, 403}},
	{"GET", "/api/v1/doctors/pending", fixed("/api/v1/doctors/pending", nil),
		[nCallers]int{401, 403, 403, 403, 403, 403, 403, 403}},
	{"GET", "/api/v1/doctors/:user", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/doctors/%d", m.home.DoctorID)}
	}, [nCallers]int{401, 403, 403, 403, 403, 403, 403, 403}},
	{"POST", "/api/v1/doctors/:user/verification", func(m *matrix, who caller) cell {
		return cell{url: fmt.Sprintf("/api/v1/doctors/%d/verification", m.home.Doctor2ID), body: map[string]any{"reference": "register entry"}}
	}, [nCallers]int{401, 403, 403, 403, 403, 403, 403, 403}},
	{"POST", "/api/v1/credential-verifiers", func(m *matrix, who caller) cell {
		return cell{url: "/api/v1/credential-verifiers", body: map[string]any{"email": m.email(writer)}}
	}, [nCallers]int{401, 403, 403, 403, 403, 403, 403, 204}},
	{"GET", "/api/v1/me/second-factors", fixed("/api/v1/me/second-factors", nil),
		[nCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	// Enrolling second factors changes how each caller signs and signs
	// in, so these rows come last and the TOTP ones undo themselves.
	{"POST", "/api/v1/me/totp", fixed("/api/v1/me/totp", nil),
		[nCallers]int{401, 201, 201, 201, 201, 201, 201, 201}},
	{"POST", "/api/v1/me/totp/confirm", func(m *matrix, who caller) cell {
		if who == anon {
			return cell{url: "/api/v1/me/totp/confirm", body: map[string]any{"code": "123456"}}
		}
		var en struct{ Secret string }
		m.e.MustDo("POST", "/api/v1/me/totp", m.token(who), nil, 201, &en)
		code, _ := totp.GenerateCode(en.Secret, m.e.Clock.Now())
		return cell{url: "/api/v1/me/totp/confirm", body: map[string]any{"code": code}}
	}, [nCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/api/v1/me/recovery-codes", fixed("/api/v1/me/recovery-codes", map[string]any{"password": testenv.Password}),
		[nCallers]int{401, 201, 201, 201, 201, 201, 201, 201}},
	{"DELETE", "/api/v1/me/totp", fixed("/api/v1/me/totp", map[string]any{"password": testenv.Password}),
		[nCallers]int{401, 204, 204, 204, 204, 204, 204, 204}},
	{"POST", "/api/v1/me/passkeys/begin", fixed("/api/v1/me/passkeys/begin", nil),
		[nCallers]int{401, 201, 201, 201, 201, 201, 201, 201}},
	{"POST", "/api/v1/me/passkeys/finish", func(m *matrix, who caller) cell {
		if who == anon {
			return cell{url: "/api/v1/me/passkeys/finish", body: map[string]any{"challenge_id": "x", "credential": map[string]any{}}}
		}
		var begin struct {
			ChallengeID string          `json:"challenge_id"`
			Options     json.RawMessage `json:"options"`
		}
		m.e.MustDo("POST", "/api/v1/me/passkeys/begin", m.token(who), nil, 201, &begin)
		return cell{url: "/api/v1/me/passkeys/finish", body: map[string]any{"challenge_id": begin.ChallengeID, "credential": testenv.NewAuthenticator(m.e.T).Create(begin.Options)}}
	}, [nCallers]int{401, 201, 201, 201, 201, 201, 201, 201}},
}

func fixed(url string, body any) func(*matrix, caller) cell {
	return func(*matrix, caller) cell { return cell{url: url, body: body} }
}

// shared calls tail on the one published article read-only routes share.
func shared(tail string) func(*matrix, caller) cell {
	return func(m *matrix, _ caller) cell { return cell{url: path(m.home.Slug, m.sharedArticle(), tail)} }
}

func (m *matrix) sharedArticle() int64 {
	if m.shared == 0 {
		m.shared = m.published().ID
	}
	return m.shared
}

func routeKey(method, path string) string { return method + " " + path }

// TestAuthorizationMatrix calls every /api/v1 route as every kind of
// caller and checks the status: anonymous 401 (except sign-in and the
// document), members of another clinic 404 (invariant 7), a role without
// the permission 403, the platform admin only clinic and member
// management (invariants hold for platform admins too). Refused calls
// write nothing to the audit trail.
func TestAuthorizationMatrix(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		m := &matrix{e: e, home: e.NewClinic("matrix-home"), other: e.NewClinic("matrix-other")}

		// The table must name exactly the registered routes.
		inTable := map[string]bool{}
		for _, r := range matrixRows {
			k := routeKey(r.method, r.path)
			if inTable[k] {
				t.Errorf("%s appears twice in the matrix", k)
			}
			inTable[k] = true
		}
		registered := map[string]bool{}
		for _, r := range e.App.HTTP.GetRoutes(true) {
			if r.Method == "HEAD" || !strings.HasPrefix(r.Path, "/api/v1/") {
				continue
			}
			registered[routeKey(r.Method, r.Path)] = true
		}
		var missing, stale []string
		for k := range registered {
			if !inTable[k] {
				missing = append(missing, k)
			}
		}
		for k := range inTable {
			if !registered[k] {
				stale = append(stale, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(stale)
		for _, k := range missing {
			t.Errorf("route %s is registered but not in the authorization matrix", k)
		}
		for _, k := range stale {
			t.Errorf("route %s is in the authorization matrix but not registered", k)
		}

		wantCode := map[int]string{401: "unauthenticated", 403: "forbidden", 404: "not_found"}
		for _, r := range matrixRows {
			for who := anon; who < nCallers; who++ {
				c := r.prepare(m, who)
				tok := m.token(who)
				if c.fresh && who != anon {
					tok = e.Login(m.email(who))
				}
				before := countRows(t, d, "audit_entries")
				res := e.Do(r.method, c.url, tok, c.body)
				if c.fresh && who != anon {
					m.signIn(who) // a password change ended every other session
				}
				want := r.want[who]
				if res.Status != want {
					t.Errorf("%s %s as %s: status %d, want %d: %s", r.method, r.path, callerNames[who], res.Status, want, res.Body)
					continue
				}
				if want < 400 {
					continue
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" || res.Code() != wantCode[want] {
					t.Errorf("%s %s as %s: %d answered %q code %q, want problem+json %q", r.method, r.path, callerNames[who], want, ct, res.Code(), wantCode[want])
				}
				if after := countRows(t, d, "audit_entries"); after != before {
					t.Errorf("%s %s as %s: refused with %d but %d audit entries were written", r.method, r.path, callerNames[who], want, after-before)
				}
			}
		}
	})
}

// TestForeignIDs is the matrix's extra column: members of the home clinic,
// in the home clinic's own URL, naming an object of another clinic (its
// article, member or preview id). Every route that takes an id answers 404
// and writes nothing (invariant 8); a role refused the action answers 403
// as it would for an id of its own clinic.
func TestForeignIDs(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		m := &matrix{e: e, home: e.NewClinic("foreign-home"), other: e.NewClinic("foreign-other")}
		foreign := e.Published(m.other, "Another clinic's article")
		var p struct{ ID int64 }
		e.MustDo("POST", path(m.other.Slug, foreign.ID, "/previews"), m.other.Writer, nil, 201, &p)
		articleRE := regexp.MustCompile(`/articles/\d+`)
		memberRE := regexp.MustCompile(`/members/\d+`)
		previewRE := regexp.MustCompile(`/previews/\d+`)
		redirectRE := regexp.MustCompile(`/redirects/\d+`)
		var fr struct{ ID int64 }
		e.MustDo("POST", "/api/v1/clinics/"+m.other.Slug+"/redirects", m.other.Admin, map[string]any{"from": "/foreign-old", "kind": "gone"}, 201, &fr)
		invitationRE := regexp.MustCompile(`/invitations/\d+`)
		foreignInv := e.Invite(m.other, m.other.Admin, "foreign-invitee@matrix.test", "writer")
		n := 0
		for _, r := range matrixRows {
			if !strings.Contains(r.path, "/:id") && !strings.Contains(r.path, "/:user") {
				continue
			}
			for _, who := range []caller{writer, doctor, admin} {
				c := r.prepare(m, who)
				u := c.url
				switch {
				case strings.Contains(r.path, "/invitations/:id"):
					u = invitationRE.ReplaceAllString(u, fmt.Sprintf("/invitations/%d", foreignInv.ID))
				case strings.Contains(r.path, "/:preview"):
					u = previewRE.ReplaceAllString(u, fmt.Sprintf("/previews/%d", p.ID))
				case strings.Contains(r.path, "/redirects/:id"):
					u = redirectRE.ReplaceAllString(u, fmt.Sprintf("/redirects/%d", fr.ID))
				case strings.Contains(r.path, "/:user"):
					u = memberRE.ReplaceAllString(u, fmt.Sprintf("/members/%d", m.other.WriterID))
				default:
					u = articleRE.ReplaceAllString(u, fmt.Sprintf("/articles/%d", foreign.ID))
				}
				tok := m.token(who)
				if c.fresh {
					tok = e.Login(m.email(who))
				}
				before := countRows(t, d, "audit_entries")
				res := e.Do(r.method, u, tok, c.body)
				n++
				// A role without the permission is refused before any
				// lookup (403, as with a home id: it tells nothing).
				want, code := 404, "not_found"
				if r.want[who] == 403 {
					want, code = 403, "forbidden"
				}
				if res.Status != want || res.Code() != code {
					t.Errorf("%s %s as %s with another clinic's id: %d %s, want %d %s", r.method, u, callerNames[who], res.Status, res.Body, want, code)
				}
				if after := countRows(t, d, "audit_entries"); after != before {
					t.Errorf("%s %s as %s: %d audit entries written", r.method, u, callerNames[who], after-before)
				}
			}
		}
		if n < 60 {
			t.Fatalf("only %d foreign-id cells ran", n)
		}
		var other testenv.Article
		e.MustDo("GET", path(m.other.Slug, foreign.ID, ""), m.other.Writer, nil, 200, &other)
		if other.Version != foreign.Version || other.Status != "published" {
			t.Fatalf("the other clinic's article changed: %+v", other)
		}
	})
}

func countRows(t *testing.T, d *db.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := d.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
