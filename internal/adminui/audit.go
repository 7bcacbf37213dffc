package adminui

import (
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

type auditRow struct {
	audit.Entry
	Details string
}

type auditView struct {
	Base                  string
	Rows                  []auditRow
	Members               []clinic.MemberView
	Action, Actor, ArtStr string
	NextURL               string
	Actions               []string
}

// auditPage shows the clinic's audit log, newest first, filtered by action,
// person and article, 50 entries a page (keyset).
func (u *UI) auditPage(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	actions, err := u.clinics.AuditActions(c.UserContext(), sc)
	if err != nil {
		return err
	}
	v := auditView{Base: base(c), Action: c.Query("action"), Actor: c.Query("actor"), ArtStr: c.Query("article"), Actions: actions}
	f := audit.Filter{Action: v.Action, Limit: 50}
	f.ActorID, _ = strconv.ParseInt(v.Actor, 10, 64)
	f.ArticleID, _ = strconv.ParseInt(v.ArtStr, 10, 64)
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	es, err := u.clinics.AuditLog(c.UserContext(), sc, f)
	if err != nil {
		return err
	}
	for _, e := range es {
		v.Rows = append(v.Rows, auditRow{Entry: e, Details: details(e)})
	}
	if len(es) == f.Limit {
		q := url.Values{"action": {v.Action}, "actor": {v.Actor}, "article": {v.ArtStr}, "before": {strconv.FormatInt(es[len(es)-1].ID, 10)}}
		v.NextURL = v.Base + "/audit?" + q.Encode()
	}
	if v.Members, err = u.clinics.Members(c.UserContext(), cl.ID, ""); err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "audit", &Page{Title: "Audit log · " + cl.Name, Nav: "audit", D: v})
}

// details summarises an entry's after-state in one line.
func details(e audit.Entry) string {
	var m map[string]any
	if json.Unmarshal([]byte(e.AfterJSON), &m) != nil {
		return ""
	}
	out := ""
	for _, k := range []string{"status", "live_revision", "content_hash", "note", "role", "registration_number"} {
		if v, ok := m[k]; ok && v != nil && v != "" {
			if out != "" {
				out += ", "
			}
			s, _ := json.Marshal(v)
			out += k + " " + string(s)
		}
	}
	return out
}
