package adminui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

type dashboardView struct {
	Base                        string
	MyDrafts, Changes, Recent   []article.Summary
	Approved                    []article.Summary
	Awaiting, Due               []queueRow
	ShowQueue, ShowPublishQueue bool
	// Credentials lists, for a clinic admin, the doctors whose
	// credentials expire within 30 days, have expired or are incomplete.
	Credentials     []clinic.MemberView
	ShowCredentials bool
}

type queueRow struct {
	article.QueueItem
	Waited string
}

// dashboard is a clinic's start page: the writer's drafts, changes
// requested and recent publications; a doctor's review queue; a clinic
// admin's approved articles waiting to be published.
func (u *UI) dashboard(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	ctx, act := c.UserContext(), actor(c)
	v := dashboardView{Base: base(c)}
	find := func(q article.Query) []article.Summary {
		if err != nil {
			return nil
		}
		var out []article.Summary
		out, _, err = u.articles.Find(ctx, sc, q)
		return out
	}
	v.MyDrafts = find(article.Query{AuthorID: act.UserID, Status: article.StatusDraft, PerPage: 10})
	v.Changes = find(article.Query{AuthorID: act.UserID, Status: article.StatusChangesRequested, PerPage: 10})
	v.Recent = find(article.Query{Status: article.StatusPublished, PerPage: 5})
	v.Approved = find(article.Query{Status: article.StatusApproved, PerPage: 10})
	if err != nil {
		return err
	}
	p := &Page{Title: "Dashboard · " + cl.Name, Nav: "dashboard", Clinic: &cl}
	u.fillPage(c, p)
	v.ShowQueue = sc.Can(authz.ObjArticle, authz.ActReview)
	v.ShowPublishQueue = sc.Can(authz.ObjArticle, authz.ActPublish)
	if v.ShowQueue {
		if v.Awaiting, v.Due, err = u.queue(c, sc); err != nil {
			return err
		}
	}
	if v.ShowCredentials = sc.Can(authz.ObjMember, authz.ActManage); v.ShowCredentials {
		ms, err := u.clinics.ListMembers(ctx, sc)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if s := m.CredentialsStatus; s == "expiring" || s == "expired" || s == "incomplete" {
				v.Credentials = append(v.Credentials, m)
			}
		}
	}
	p.D = v
	return u.view(c, fiber.StatusOK, "dashboard", p)
}

func (u *UI) queue(c *fiber.Ctx, sc clinic.Scope) (awaiting, due []queueRow, err error) {
	a, d, err := u.articles.ReviewQueue(c.UserContext(), sc, 30*24*time.Hour)
	if err != nil {
		return nil, nil, err
	}
	now := u.now()
	for _, q := range a {
		awaiting = append(awaiting, queueRow{q, waited(q.Since, now)})
	}
	for _, q := range d {
		w := ""
		if q.ReviewDueAt != nil {
			if q.ReviewDueAt.Before(now) {
				w = "overdue by " + waited(*q.ReviewDueAt, now)
			} else {
				w = "due in " + waited(now, *q.ReviewDueAt)
			}
		}
		due = append(due, queueRow{q, w})
	}
	return awaiting, due, nil
}

type queueView struct {
	Base          string
	Awaiting, Due []queueRow
}

// queuePage is the doctor's "awaiting your review" queue, oldest first,
// with waiting times, and the re-reviews due within 30 days.
func (u *UI) queuePage(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	a, d, err := u.queue(c, sc)
	if err != nil {
		return err
	}
	return u.view(c, fiber.StatusOK, "queue", &Page{Title: "Awaiting review · " + cl.Name, Nav: "queue",
		D: queueView{Base: base(c), Awaiting: a, Due: d}})
}
