package adminui_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/adminui"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// flashOf decodes the one-time message a redirect sets.
func flashOf(t *testing.T, r resp) string {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name != "cp_admin_flash" || ck.Value == "" {
			continue
		}
		b, err := base64.RawURLEncoding.DecodeString(ck.Value)
		if err != nil {
			t.Fatalf("flash cookie: %v", err)
		}
		var f struct{ T string }
		json.Unmarshal(b, &f)
		return f.T
	}
	return ""
}

// post sends a form with the session's CSRF token.
func post(t *testing.T, e *testenv.Env, path, tok string, form url.Values) resp {
	t.Helper()
	return do(t, e, "POST", path, tok, withCSRF(form, adminui.CSRFToken(tok)), nil)
}

type apiFinding struct {
	Key          string `json:"key"`
	Rule         string `json:"rule"`
	Severity     string `json:"severity"`
	Acknowledged *struct {
		Reason string `json:"reason"`
	} `json:"acknowledged"`
}

type apiArticle struct {
	testenv.Article
	Findings    []apiFinding `json:"findings"`
	ReviewDueAt *time.Time   `json:"review_due_at"`
}

func getArticle(e *testenv.Env, c testenv.Clinic, id int64) apiArticle {
	var a apiArticle
	e.MustDo("GET", testenv.ArticlePath(c.Slug, id, ""), c.Admin, nil, 200, &a)
	return a
}

// TestHTTPCompliance covers what the admin adds for medical-advertising
// checks, re-review, settings, credentials, the sign-off record, archiving
// and member removal, on SQLite and PostgreSQL.
func TestHTTPCompliance(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("alpha")
		base := "/admin/c/alpha"

		t.Run("lint endpoint", func(t *testing.T) {
			text := url.Values{"title": {"Laser care"}, "body": {"## About\n\nOur laser gives guaranteed results " + xss + ".\n\nResults are not guaranteed for everyone."}}
			if r := do(t, e, "POST", base+"/lint", c.Writer, text, nil); r.Status != 403 {
				t.Fatalf("lint without CSRF token: %d", r.Status)
			}
			if r := do(t, e, "POST", base+"/lint", c.Writer, text, map[string]string{"X-CSRF-Token": adminui.CSRFToken(c.Doctor)}); r.Status != 403 {
				t.Fatalf("lint with another session's token: %d", r.Status)
			}
			r := do(t, e, "POST", base+"/lint", c.Writer, text, map[string]string{"X-CSRF-Token": adminui.CSRFToken(c.Writer)})
			if r.Status != 200 {
				t.Fatalf("lint: %d %s", r.Status, r.Body)
			}
			var out struct {
				Findings []struct {
					Rule, Severity, Match, Where, Key string
					Line, Column                      int
				}
				Blocking int
				HTML     string
			}
			if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
				t.Fatal(err)
			}
			if out.Blocking != 1 || len(out.Findings) == 0 {
				t.Fatalf("lint findings: %+v", out)
			}
			f := out.Findings[0]
			if f.Rule != "guarantee" || f.Severity != "block" || f.Match != "guaranteed" || f.Line != 3 || f.Where != "Body, line 3, column 17" || f.Key == "" {
				t.Fatalf("first finding: %+v", f)
			}
			if !strings.Contains(out.HTML, "<mark>guaranteed</mark>") || !strings.Contains(out.HTML, "Blocks") {
				t.Fatalf("rendered list: %s", out.HTML)
			}
			if strings.Contains(out.HTML, "<img src=x") || !strings.Contains(out.HTML, "&lt;img src=x") {
				t.Fatalf("the matched line is not escaped: %s", out.HTML)
			}
			// The negated sentence is not flagged.
			for _, f := range out.Findings {
				if f.Line == 5 {
					t.Fatalf("negated statement flagged: %+v", f)
				}
			}
			// Another clinic's lint endpoint answers 404.
			e.NewClinic("beta")
			if r := do(t, e, "POST", "/admin/c/beta/lint", c.Writer, text, map[string]string{"X-CSRF-Token": adminui.CSRFToken(c.Writer)}); r.Status != 404 {
				t.Fatalf("other clinic's lint: %d", r.Status)
			}
		})

		t.Run("acknowledge from the review screen, then submit", func(t *testing.T) {
			var a apiArticle
			e.MustDo("POST", testenv.ArticlePath("alpha", 0, ""), c.Writer, map[string]any{"title": "Clearer skin",
				"body": "Our laser gives guaranteed results.\n\nResults are not guaranteed for everyone."}, 201, &a)
			p := fmt.Sprintf("%s/articles/%d", base, a.ID)
			var key string
			for _, f := range a.Findings {
				if f.Severity == "block" {
					key = f.Key
				}
			}
			if key == "" {
				t.Fatalf("no blocking finding: %+v", a.Findings)
			}
			// The editor lists the finding with its text highlighted and
			// says why submitting will not work.
			r := do(t, e, "GET", p, c.Writer, nil, nil)
			for _, want := range []string{"Advertising-rule findings", "<mark>guaranteed</mark>", "Body, line 1, column 17", "blocked-note", `data-lint="/admin/c/alpha/lint"`} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("editor lacks %q", want)
				}
			}
			// Submitting is refused with which finding blocks and what to do.
			r = post(t, e, p+"/submit", c.Writer, url.Values{"version": {fmt.Sprint(a.Version)}})
			msg := flashOf(t, r)
			if r.Status != 303 || !strings.Contains(msg, "“guaranteed” (Guarantees and absolute outcomes, body line 1, column 17)") ||
				!strings.Contains(msg, "change the wording") || !strings.Contains(msg, "ask a doctor") {
				t.Fatalf("blocked submit: %d %q", r.Status, msg)
			}
			if got := getArticle(e, c, a.ID); got.Status != "draft" {
				t.Fatalf("refused submit changed the state: %s", got.Status)
			}
			// A writer sees no Acknowledge form, and a forged one is refused.
			r = do(t, e, "GET", p+"/review", c.Writer, nil, nil)
			if strings.Contains(r.Body, `name="finding"`) || !strings.Contains(r.Body, "Only a doctor of this clinic can acknowledge") {
				t.Fatalf("writer's review screen offers acknowledging")
			}
			ack := url.Values{"revision": {fmt.Sprint(a.Revision)}, "finding": {key}, "reason": {"The device maker's label says so, quoted."}}
			r = post(t, e, p+"/acknowledge", c.Writer, ack)
			if r.Status != 403 || !strings.Contains(r.Body, "not acknowledged") {
				t.Fatalf("writer acknowledging: %d", r.Status)
			}
			if got := getArticle(e, c, a.ID); got.Findings[0].Acknowledged != nil {
				t.Fatalf("a writer's acknowledgement was stored")
			}
			// The doctor is offered the form; a too-short reason is shown
			// next to the finding with what was typed.
			r = do(t, e, "GET", p+"/review", c.Doctor, nil, nil)
			if !strings.Contains(r.Body, `value="`+key+`"`) || !strings.Contains(r.Body, "Acknowledge this finding") {
				t.Fatalf("doctor is not offered the acknowledge form")
			}
			r = post(t, e, p+"/acknowledge", c.Doctor, url.Values{"revision": {"1"}, "finding": {key}, "reason": {"too short"}})
			if r.Status != 422 || !strings.Contains(r.Body, "Reason: explain in 10 to 2000 characters") || !strings.Contains(r.Body, ">too short</textarea>") ||
				!strings.Contains(r.Body, `aria-invalid="true"`) {
				t.Fatalf("short reason: %d", r.Status)
			}
			r = post(t, e, p+"/acknowledge", c.Doctor, url.Values{"revision": {"1"}, "finding": {key}, "reason": {"Quoted from the approved device label; rewritten before print."},
				"content_hash": {a.ContentHash}, "sig_method": {"password"}, "sig_password": {testenv.Password}})
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "Finding acknowledged") {
				t.Fatalf("doctor acknowledging: %d %q", r.Status, flashOf(t, r))
			}
			r = do(t, e, "GET", p+"/review", c.Writer, nil, nil)
			if !strings.Contains(r.Body, "Acknowledged by Dr Doctor alpha (registration M10042Z)") || !strings.Contains(r.Body, "Quoted from the approved device label") {
				t.Fatalf("acknowledgement not shown on the review screen")
			}
			// Now the writer's submit works.
			r = post(t, e, p+"/submit", c.Writer, url.Values{"version": {fmt.Sprint(getArticle(e, c, a.ID).Version)}})
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "submitted for medical review") {
				t.Fatalf("submit after acknowledgement: %d %q", r.Status, flashOf(t, r))
			}
			if got := getArticle(e, c, a.ID); got.Status != "in_review" {
				t.Fatalf("after submit: %s", got.Status)
			}
		})

		t.Run("archive with a confirmation step", func(t *testing.T) {
			a := e.Published(c, "Old advice")
			p := fmt.Sprintf("%s/articles/%d", base, a.ID)
			if r := do(t, e, "GET", p+"/history", c.Admin, nil, nil); !strings.Contains(r.Body, `id="archive-link"`) || !strings.Contains(r.Body, `id="record-link"`) {
				t.Fatalf("history lacks the archive or record link")
			}
			if r := do(t, e, "GET", p+"/history", c.Doctor, nil, nil); strings.Contains(r.Body, `id="archive-link"`) {
				t.Fatalf("a doctor is offered Archive")
			}
			r := do(t, e, "GET", p+"/archive", c.Writer, nil, nil)
			if r.Status != 200 || !strings.Contains(r.Body, "Archive “Old advice”?") || !strings.Contains(r.Body, "Revision 1 is live now") ||
				!strings.Contains(r.Body, `id="confirm-archive"`) {
				t.Fatalf("confirm page: %d", r.Status)
			}
			if got := getArticle(e, c, a.ID); got.Status != "published" {
				t.Fatalf("the confirm page changed something: %s", got.Status)
			}
			if r := do(t, e, "POST", p+"/archive", c.Writer, url.Values{"version": {fmt.Sprint(a.Version)}}, nil); r.Status != 403 {
				t.Fatalf("archive without CSRF: %d", r.Status)
			}
			if r := post(t, e, p+"/archive", c.Doctor, url.Values{"version": {fmt.Sprint(a.Version)}}); r.Status != 303 || getArticle(e, c, a.ID).Status != "published" {
				t.Fatalf("a doctor archived: %d", r.Status)
			}
			r = post(t, e, p+"/archive", c.Admin, url.Values{"version": {fmt.Sprint(a.Version)}})
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "archived") {
				t.Fatalf("archive: %d %q", r.Status, flashOf(t, r))
			}
			if got := getArticle(e, c, a.ID); got.Status != "archived" || got.LiveRevision != nil {
				t.Fatalf("after archive: %+v", got.Article)
			}
			if r := do(t, e, "GET", p+"/history", c.Admin, nil, nil); strings.Contains(r.Body, `id="archive-link"`) || strings.Contains(r.Body, "Restore revision") {
				t.Fatalf("an archived article still offers archive or restore")
			}
		})

		t.Run("sign-off record page", func(t *testing.T) {
			a := e.Published(c, "Sun safety")
			p := fmt.Sprintf("%s/articles/%d/record", base, a.ID)
			r := do(t, e, "GET", p, c.Writer, nil, nil)
			if r.Status != 200 {
				t.Fatalf("record: %d", r.Status)
			}
			checkHeaders(t, "record", r)
			for _, want := range []string{"Sign-off record", "Revision 1: Sun safety", a.ContentHash, "Dr Doctor alpha, registration M10042Z, Dermatology",
				"Writer alpha", "Advertising-rule findings of revision 1", "Audit chain head", `href="/admin/static/admin.css"`} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("record lacks %q", want)
				}
			}
			draft := e.Draft(c, c.Writer, "Never live")
			if r := do(t, e, "GET", fmt.Sprintf("%s/articles/%d/record", base, draft.ID), c.Writer, nil, nil); !strings.Contains(r.Body, "never been live") {
				t.Errorf("never-live record: %d", r.Status)
			}
			if r := do(t, e, "GET", fmt.Sprintf("/admin/c/beta/articles/%d/record", a.ID), c.Writer, nil, nil); r.Status != 404 {
				t.Errorf("record through another clinic: %d", r.Status)
			}
		})

		t.Run("member removal with a confirmation step", func(t *testing.T) {
			var m struct{ UserID int64 }
			_, m.UserID = e.AddMember(c, c.Admin, "temp@alpha.test", "Temp Person", "writer")
			p := fmt.Sprintf("%s/members/%d/remove", base, m.UserID)
			if r := do(t, e, "GET", base+"/members", c.Admin, nil, nil); !strings.Contains(r.Body, `href="`+p+`"`) {
				t.Fatalf("members list does not link to the confirmation")
			}
			r := do(t, e, "GET", p, c.Admin, nil, nil)
			if r.Status != 200 || !strings.Contains(r.Body, "Remove Temp Person from Clinic alpha?") || !strings.Contains(r.Body, `id="confirm-remove"`) {
				t.Fatalf("confirm page: %d", r.Status)
			}
			if _, err := e.App.Clinics.Membership(t.Context(), c.ID, m.UserID); err != nil {
				t.Fatalf("the confirm page removed the member: %v", err)
			}
			if r := do(t, e, "GET", p, c.Writer, nil, nil); r.Status != 403 {
				t.Fatalf("a writer's confirm page: %d", r.Status)
			}
			if r := do(t, e, "GET", fmt.Sprintf("%s/members/%d/remove", base, 999999), c.Admin, nil, nil); r.Status != 404 {
				t.Fatalf("unknown member: %d", r.Status)
			}
			r = post(t, e, p, c.Admin, url.Values{})
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "removed") {
				t.Fatalf("remove: %d", r.Status)
			}
			if _, err := e.App.Clinics.Membership(t.Context(), c.ID, m.UserID); err == nil {
				t.Fatalf("member not removed")
			}
		})

		t.Run("settings: overdue policy, country and compliance", func(t *testing.T) {
			type clinicJSON struct {
				Name                string   `json:"name"`
				Theme               string   `json:"theme"`
				Version             int      `json:"version"`
				ReviewIntervalDays  int      `json:"review_interval_days"`
				OverduePolicy       string   `json:"overdue_policy"`
				RegistrationCountry string   `json:"registration_country"`
				Hostnames           []string `json:"hostnames"`
				Compliance          struct {
					Packs         []string `json:"packs"`
					LinkAllowlist []string `json:"link_allowlist"`
					ExtraPhrases  []struct {
						Text     string `json:"text"`
						Severity string `json:"severity"`
					} `json:"extra_phrases"`
				} `json:"compliance"`
			}
			get := func() clinicJSON {
				var cl clinicJSON
				e.MustDo("GET", "/api/v1/clinics/alpha", c.Admin, nil, 200, &cl)
				return cl
			}
			r := do(t, e, "GET", base+"/settings", c.Admin, nil, nil)
			for _, want := range []string{`id="pack-sg-healthcare-ads"`, `id="pack-general"`, `id="policy-notice"`, `id="policy-unpublish"`, `name="registration_country"`, `name="link_allowlist"`, `name="extra_phrases"`} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("settings lacks %q", want)
				}
			}
			cl := get()
			form := func(cl clinicJSON) url.Values {
				return url.Values{"name": {cl.Name}, "theme": {cl.Theme}, "hostnames": {strings.Join(cl.Hostnames, "\n")}, "version": {fmt.Sprint(cl.Version)},
					"review_interval_days": {fmt.Sprint(cl.ReviewIntervalDays)}, "overdue_policy": {"unpublish"}, "registration_country": {"sg"},
					"packs": {"general", "sg-healthcare-ads"}, "link_allowlist": {"moh.gov.sg\nhealthhub.sg"}, "extra_phrases": {"miracle cream | block\nglow up"}}
			}
			r = post(t, e, base+"/settings", c.Admin, form(cl))
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "Settings saved") {
				t.Fatalf("save: %d %s", r.Status, r.Body)
			}
			cl = get()
			if cl.OverduePolicy != "unpublish" || cl.RegistrationCountry != "SG" || strings.Join(cl.Compliance.Packs, ",") != "general,sg-healthcare-ads" ||
				strings.Join(cl.Compliance.LinkAllowlist, ",") != "moh.gov.sg,healthhub.sg" || len(cl.Compliance.ExtraPhrases) != 2 ||
				cl.Compliance.ExtraPhrases[0].Text != "miracle cream" || cl.Compliance.ExtraPhrases[0].Severity != "block" || cl.Compliance.ExtraPhrases[1].Severity != "" {
				t.Fatalf("saved settings: %+v", cl)
			}
			r = do(t, e, "GET", base+"/settings", c.Admin, nil, nil)
			if !strings.Contains(r.Body, `value="unpublish" checked`) || !strings.Contains(r.Body, "miracle cream | block\nglow up") {
				t.Fatalf("settings page does not show the saved values")
			}
			// The new extra phrase takes effect in the lint endpoint.
			lr := do(t, e, "POST", base+"/lint", c.Writer, url.Values{"title": {"Try our miracle cream"}}, map[string]string{"X-CSRF-Token": adminui.CSRFToken(c.Writer)})
			if !strings.Contains(lr.Body, `"rule":"extra-phrase"`) {
				t.Fatalf("extra phrase not flagged: %s", lr.Body)
			}
			// A bad pack (and a bad allowlist line) is refused with the
			// reasons next to the fields, and nothing changes.
			bad := form(cl)
			bad.Set("overdue_policy", "noindex")
			bad["packs"] = []string{"general", "nope"}
			bad.Set("link_allowlist", "moh.gov.sg\nnot a domain")
			r = post(t, e, base+"/settings", c.Admin, bad)
			if r.Status != 422 {
				t.Fatalf("bad pack: %d", r.Status)
			}
			for _, want := range []string{`Rule packs: unknown pack &#34;nope&#34;`, "Link allowlist, line 2:", `value="noindex" checked`, "not a domain</textarea>", "Some fields need attention"} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("refused settings page lacks %q", want)
				}
			}
			if after := get(); after.Version != cl.Version || after.OverduePolicy != "unpublish" || strings.Join(after.Compliance.Packs, ",") != "general,sg-healthcare-ads" {
				t.Fatalf("a refused save changed the settings: %+v", after)
			}
			// A bad overdue policy is refused too.
			bad = form(cl)
			bad.Set("overdue_policy", "shout")
			if r := post(t, e, base+"/settings", c.Admin, bad); r.Status != 422 || !strings.Contains(r.Body, "Overdue policy must be one of notice, noindex or unpublish") {
				t.Fatalf("bad policy: %d", r.Status)
			}
		})

		t.Run("credentials badges", func(t *testing.T) {
			// A verified profile is the doctor's to change, and each change
			// goes back to the credential verifier.
			set := func(tok string, uid int64, reg, exp string, verify bool) {
				t.Helper()
				e.MustDo("PATCH", "/api/v1/me/doctor-profile", tok, map[string]any{"registration_number": reg, "credentials_expire_on": exp}, 200, nil)
				if verify {
					e.VerifyDoctor(uid)
				}
			}
			now := e.Clock.Now()
			set(c.Doctor2, c.Doctor2ID, "M10063Z", now.AddDate(0, 0, 10).Format(time.DateOnly), true)
			set(c.WriterDoctor, c.WriterDoctorID, "M10056Z", now.AddDate(0, 0, -1).Format(time.DateOnly), false)
			if r := post(t, e, fmt.Sprintf("%s/members/%d", base, c.Doctor2ID), c.Admin, url.Values{"role": {"doctor"}, "registration_number": {"M10063Z"},
				"specialty": {"Dermatology"}, "credentials_expire_on": {"2031-01-01"}}); !strings.Contains(flashOf(t, r)+r.Body, "only the doctor can change them") {
				t.Fatalf("admin changed a verified profile: %d %q", r.Status, flashOf(t, r))
			}
			r := do(t, e, "GET", base+"/members", c.Admin, nil, nil)
			for _, want := range []string{"Expires within 30 days", "Expired</span>", "Valid</span>", "Not a doctor"} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("members page lacks %q", want)
				}
			}
			r = do(t, e, "GET", base+"/", c.Admin, nil, nil)
			i := strings.Index(r.Body, `id="credentials-attention"`)
			if i < 0 {
				t.Fatalf("admin dashboard lists no credentials")
			}
			sec := r.Body[i:]
			sec = sec[:strings.Index(sec, "</section>")]
			if !strings.Contains(sec, "Dr Doctortwo alpha") || !strings.Contains(sec, "Dr Drwriter alpha") || strings.Contains(sec, "Dr Doctor alpha<") ||
				!strings.Contains(sec, "Expires within 30 days") || !strings.Contains(sec, "Expired") {
				t.Fatalf("credentials section: %s", sec)
			}
			if r := do(t, e, "GET", base+"/", c.Writer, nil, nil); strings.Contains(r.Body, "credentials-attention") {
				t.Fatalf("a writer's dashboard lists credentials")
			}
			// The expired doctor is refused sign-off with the reason shown.
			a := e.Draft(c, c.Writer, "Credentials check")
			e.MustDo("POST", testenv.ArticlePath("alpha", a.ID, "/submit"), c.Writer, nil, 200, nil)
			if r := do(t, e, "GET", fmt.Sprintf("%s/articles/%d/review", base, a.ID), c.WriterDoctor, nil, nil); !strings.Contains(r.Body, "credentials have expired") {
				t.Fatalf("expired doctor's review screen does not say why")
			}
			set(c.Doctor2, c.Doctor2ID, "M10063Z", "2030-12-31", true)
			set(c.WriterDoctor, c.WriterDoctorID, "M10056Z", "2030-12-31", true)
		})

		// Last: it moves the clock almost a year.
		t.Run("re-review through the UI renews review_due_at", func(t *testing.T) {
			a := e.Published(c, "Moles to watch")
			before := getArticle(e, c, a.ID)
			if before.ReviewDueAt == nil {
				t.Fatal("no review_due_at")
			}
			e.Clock.Advance(350 * 24 * time.Hour)
			e.SignInAgain(&c)
			p := fmt.Sprintf("%s/articles/%d/review", base, a.ID)
			r := do(t, e, "GET", base+"/review-queue", c.Doctor2, nil, nil)
			if !strings.Contains(r.Body, `href="`+p+`"`) || !strings.Contains(r.Body, "Moles to watch") || !strings.Contains(r.Body, "due in") {
				t.Fatalf("queue lacks the re-review")
			}
			r = do(t, e, "GET", p, c.Doctor2, nil, nil)
			if !strings.Contains(r.Body, `id="rereview-note"`) || !strings.Contains(r.Body, "Re-approve live revision 1") ||
				!strings.Contains(r.Body, `name="content_hash" value="`+a.ContentHash+`"`) || !strings.Contains(r.Body, "Request changes") {
				t.Fatalf("re-review screen lacks the decision forms")
			}
			// Without the attestation box nothing happens.
			form := url.Values{"decision": {"approve"}, "revision": {"1"}, "content_hash": {a.ContentHash}}
			if r := post(t, e, p[:len(p)-len("/review")]+"/reviews", c.Doctor2, form); !strings.Contains(flashOf(t, r), "Tick the box") {
				t.Fatalf("approve without attestation: %q", flashOf(t, r))
			}
			form.Set("attest", "yes")
			if r := post(t, e, p[:len(p)-len("/review")]+"/reviews", c.Doctor2, form); !strings.Contains(flashOf(t, r), "electronic signature") {
				t.Fatalf("approve without signature: %q", flashOf(t, r))
			}
			form.Set("sig_method", "password")
			form.Set("sig_password", testenv.Password)
			r = post(t, e, p[:len(p)-len("/review")]+"/reviews", c.Doctor2, form)
			if r.Status != 303 || !strings.Contains(flashOf(t, r), "re-approved live revision 1") {
				t.Fatalf("re-review: %d %q", r.Status, flashOf(t, r))
			}
			got := getArticle(e, c, a.ID)
			want := e.Clock.Now().UTC().Truncate(time.Second).AddDate(0, 0, 365)
			if got.Status != "published" || got.ReviewDueAt == nil || !got.ReviewDueAt.Equal(want) || got.Revision != 1 {
				t.Fatalf("after re-review: status %s due %v want %v", got.Status, got.ReviewDueAt, want)
			}
			if r := do(t, e, "GET", base+"/review-queue", c.Doctor2, nil, nil); strings.Contains(r.Body, "Moles to watch") {
				t.Fatalf("re-reviewed article still in the queue")
			}
			// The author of the text is no reviewer of it; a writer gets
			// no Approve button either.
			if r := do(t, e, "GET", p, c.Writer, nil, nil); strings.Contains(r.Body, `id="approve"`) {
				t.Fatalf("writer offered re-approval")
			}
			// After an edit the live revision is no longer the current one:
			// the screen says how its re-review happens instead.
			e.MustDo("PUT", testenv.ArticlePath("alpha", a.ID, ""), c.Writer, map[string]any{"title": "Moles to watch", "summary": "A short summary.",
				"body": "## About\n\nUpdated advice.", "tags": []string{"skin"}, "version": got.Version}, 200, nil)
			if r := do(t, e, "GET", p, c.Doctor2, nil, nil); !strings.Contains(r.Body, `id="rereview-forward"`) || strings.Contains(r.Body, `id="approve"`) {
				t.Fatalf("forward revision: re-review note or approve button wrong")
			}
		})
	})
}
