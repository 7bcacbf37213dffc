package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

type userJSON struct {
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	PlatformAdmin bool   `json:"platform_admin"`
}

func userOut(u account.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, PlatformAdmin: u.PlatformAdmin}
}

func (a *API) login(c *fiber.Ctx) error {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if len(req.Email) > 254 || len(req.Password) > 256 || len(req.Code) > 64 {
		return errs.New(fiber.StatusUnauthorized, "invalid_credentials", "email or password is too long")
	}
	tok, sess, u, err := a.Accounts.SignIn(c.UserContext(), account.SignInInput{Email: req.Email, Password: req.Password, ClientAddr: c.IP(), Code: req.Code})
	if err != nil {
		return err
	}
	if step, ok, err := a.Accounts.BeginSecondStep(c.UserContext(), tok, u.ID, relyingParty(c)); err != nil || ok {
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"second_factor_required": true, "ticket": step.Ticket, "methods": step.Methods, "options": step.PublicKey})
	}
	setSession(c, tok, sess)
	return c.JSON(fiber.Map{"token": tok, "expires_at": sess.ExpiresAt, "user": userOut(u)})
}

func setSession(c *fiber.Ctx, tok string, sess account.Session) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: tok, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Expires: sess.ExpiresAt})
}

func (a *API) logout(c *fiber.Ctx) error {
	if err := a.Accounts.Logout(c.UserContext(), c.Locals("token").(string)); err != nil {
		return err
	}
	c.ClearCookie(SessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) me(c *fiber.Ctx) error {
	u := c.Locals("user").(account.User)
	ms, err := a.Clinics.MembershipsOf(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": userOut(u), "memberships": ms})
}

func (a *API) changePassword(c *fiber.Ctx) error {
	var req struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	sess := c.Locals("session").(account.Session)
	act := actor(c)
	if err := a.Accounts.ChangePassword(c.UserContext(), act.UserID, sess.ID, req.CurrentPassword, req.NewPassword, act.RequestID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) createClinic(c *fiber.Ctx) error {
	var req struct {
		Slug      string   `json:"slug"`
		Name      string   `json:"name"`
		Hostnames []string `json:"hostnames"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cl, err := a.Clinics.Create(c.UserContext(), actor(c), clinic.NewClinic{Slug: req.Slug, Name: req.Name, Hostnames: req.Hostnames})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cl)
}

func (a *API) listClinics(c *fiber.Ctx) error {
	cs, err := a.Clinics.List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"clinics": cs})
}

func (a *API) getClinic(c *fiber.Ctx, sc clinic.Scope) error {
	if err := sc.Require(authz.ObjClinic, authz.ActRead); err != nil {
		return err
	}
	return c.JSON(sc.Clinic())
}

func (a *API) patchClinic(c *fiber.Ctx, sc clinic.Scope) error {
	var req struct {
		Name                *string                 `json:"name"`
		Hostnames           *[]string               `json:"hostnames"`
		Theme               *string                 `json:"theme"`
		Branding            *clinic.BrandingPatch   `json:"branding"`
		ReviewIntervalDays  *int                    `json:"review_interval_days"`
		OverduePolicy       *clinic.OverduePolicy   `json:"overdue_policy"`
		WritersMayPublish   *bool                   `json:"writers_may_publish"`
		RequireSecondFactor *bool                   `json:"require_second_factor"`
		RegistrationCountry *string                 `json:"registration_country"`
		Compliance          *clinic.CompliancePatch `json:"compliance"`
		Version             *int                    `json:"version"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cl, err := a.Clinics.Update(c.UserContext(), sc, clinic.Patch{Name: req.Name,
		Hostnames: req.Hostnames, Theme: req.Theme, Branding: req.Branding, ReviewIntervalDays: req.ReviewIntervalDays,
		OverduePolicy: req.OverduePolicy, WritersMayPublish: req.WritersMayPublish, RequireSecondFactor: req.RequireSecondFactor, RegistrationCountry: req.RegistrationCountry, Compliance: req.Compliance, Version: req.Version})
	if err != nil {
		return err
	}
	return c.JSON(cl)
}

func (a *API) clinicAudit(c *fiber.Ctx, sc clinic.Scope) error {
	var err error
	f := audit.Filter{Action: c.Query("action"), Limit: 100}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return errs.BadRequest("invalid_query", "limit must be a number between 1 and 500")
		}
		f.Limit = n
	}
	if v := c.Query("actor"); v != "" {
		if f.ActorID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return errs.BadRequest("invalid_query", "actor must be a user id")
		}
	}
	if v := c.Query("article"); v != "" {
		if f.ArticleID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return errs.BadRequest("invalid_query", "article must be an article id")
		}
	}
	if v := c.Query("cursor"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeID <= 0 {
			return errs.BadRequest("invalid_query", "cursor is not valid")
		}
	}
	es, err := a.Clinics.AuditLog(c.UserContext(), sc, f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": auditOut(es)})
}

type doctorReq struct {
	RegistrationNumber  string `json:"registration_number"`
	Specialty           string `json:"specialty"`
	CredentialsExpireOn string `json:"credentials_expire_on"`
}

func (d *doctorReq) profile() *clinic.DoctorProfile {
	if d == nil {
		return nil
	}
	return &clinic.DoctorProfile{RegistrationNumber: d.RegistrationNumber, Specialty: d.Specialty, CredentialsExpireOn: d.CredentialsExpireOn}
}

// addMember invites email with role: the membership exists only once the
// invitee accepts. The answer is the same whether or not the address has
// an account (no enumeration).
func (a *API) addMember(c *fiber.Ctx, sc clinic.Scope) error {
	var req struct {
		Email string     `json:"email"`
		Role  authz.Role `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	inv, err := a.Clinics.Invite(c.UserContext(), sc, req.Email, req.Role)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(inv)
}

func (a *API) listMembers(c *fiber.Ctx, sc clinic.Scope) error {
	ms, err := a.Clinics.ListMembers(c.UserContext(), sc)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": ms})
}

func (a *API) patchMember(c *fiber.Ctx, sc clinic.Scope) error {
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	var req struct {
		Role   *authz.Role `json:"role"`
		Doctor *doctorReq  `json:"doctor"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := a.Clinics.UpdateMember(c.UserContext(), sc, uid, clinic.MemberPatch{Role: req.Role, Doctor: req.Doctor.profile()})
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (a *API) removeMember(c *fiber.Ctx, sc clinic.Scope) error {
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	if err := a.Clinics.RemoveMember(c.UserContext(), sc, uid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type approvalJSON struct {
	Doctor             int64     `json:"doctor"`
	DoctorName         string    `json:"doctor_name"`
	RegistrationNumber string    `json:"registration_number"`
	Revision           int       `json:"revision"`
	ContentHash        string    `json:"content_hash"`
	At                 time.Time `json:"at"`
}

func approvalOut(r *article.Review) *approvalJSON {
	if r == nil {
		return nil
	}
	return &approvalJSON{Doctor: r.DoctorID, DoctorName: r.DoctorName, RegistrationNumber: r.RegistrationNumber,
		Revision: r.RevisionNumber, ContentHash: r.ContentHash, At: r.CreatedAt}
}

// articleJSON is the article as the API shows it (DESIGN.md "Article JSON").
type articleJSON struct {
	ID           int64         `json:"id"`
	Clinic       string        `json:"clinic"`
	Slug         string        `json:"slug"`
	Status       string        `json:"status"`
	Version      int           `json:"version"`
	Revision     int           `json:"revision"`
	ContentHash  string        `json:"content_hash"`
	LiveRevision *int          `json:"live_revision"`
	Title        string        `json:"title"`
	Summary      string        `json:"summary"`
	Body         string        `json:"body"`
	Tags         []string      `json:"tags"`
	Author       string        `json:"author"`
	RevisedBy    string        `json:"revised_by"`
	Approval     *approvalJSON `json:"approval"`
	LiveApproval *approvalJSON `json:"live_approval"`
	PublishedAt  *time.Time    `json:"published_at"`
	ScheduledAt  *time.Time    `json:"scheduled_at"`
	UnpublishAt  *time.Time    `json:"unpublish_at"`
	ReviewDueAt  *time.Time    `json:"review_due_at"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Findings     []findingJSON `json:"findings"`
}

func articleOut(clinicSlug string, v article.View) articleJSON {
	return articleJSON{ID: v.ID, Clinic: clinicSlug, Slug: v.Slug, Status: v.Status, Version: v.Version,
		Revision: v.CurrentRevision, ContentHash: v.Current.ContentHash, LiveRevision: v.LiveRevision,
		Title: v.Current.Title, Summary: v.Current.Summary, Body: v.Current.Body, Tags: v.Current.Tags,
		Author: v.AuthorName, RevisedBy: v.Current.AuthorName, Approval: approvalOut(v.Approval), LiveApproval: approvalOut(v.Live),
		PublishedAt: v.PublishedAt, ScheduledAt: v.ScheduledAt, UnpublishAt: v.UnpublishAt, ReviewDueAt: v.ReviewDueAt, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		Findings: findingsOut(v)}
}

func (a *API) sendArticle(c *fiber.Ctx, status int, v article.View, err error) error {
	if err != nil {
		return err
	}
	return c.Status(status).JSON(articleOut(c.Params("clinic"), v))
}

type draftReq struct {
	Title   string   `json:"title"`
	Slug    string   `json:"slug"`
	Summary string   `json:"summary"`
	Body    string   `json:"body"`
	Tags    []string `json:"tags"`
}

func (d draftReq) draft() article.Draft {
	return article.Draft{Title: d.Title, Slug: d.Slug, Summary: d.Summary, Body: d.Body, Tags: d.Tags}
}

func (a *API) createArticle(c *fiber.Ctx, sc clinic.Scope) error {
	var req draftReq
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.Create(c.UserContext(), sc, req.draft())
	return a.sendArticle(c, fiber.StatusCreated, v, err)
}

func (a *API) listArticles(c *fiber.Ctx, sc clinic.Scope) error {
	limit := 0
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 100 {
			return errs.BadRequest("invalid_query", "limit must be a number between 1 and 100")
		}
		limit = n
	}
	items, next, err := a.Articles.List(c.UserContext(), sc,
		article.ListFilter{Status: c.Query("status"), Limit: limit, Cursor: c.Query("cursor")})
	if err != nil {
		return err
	}
	if items == nil {
		items = []article.Summary{}
	}
	return c.JSON(fiber.Map{"articles": items, "next": next})
}

func (a *API) getArticle(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := a.Articles.Get(c.UserContext(), sc, id)
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) updateArticle(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		draftReq
		Version int `json:"version"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.Update(c.UserContext(), sc, id, article.Edit{Draft: req.draft(), Version: req.Version})
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) listRevisions(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	rs, err := a.Articles.Revisions(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"revisions": rs})
}

func (a *API) getRevision(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n <= 0 {
		return errs.NotFound("revision")
	}
	r, err := a.Articles.Revision(c.UserContext(), sc, id, n)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *API) listReviews(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	rs, err := a.Articles.Reviews(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"reviews": rs})
}

func (a *API) review(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Decision    string  `json:"decision"`
		Revision    int     `json:"revision"`
		ContentHash string  `json:"content_hash"`
		Note        string  `json:"note"`
		Attest      bool    `json:"attest"`
		Signature   *sigReq `json:"signature"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.ReviewArticle(c.UserContext(), sc, id,
		article.ReviewInput{Decision: req.Decision, Revision: req.Revision, ContentHash: req.ContentHash, Note: req.Note, Attest: req.Attest,
			Signature: req.Signature.signature(c)})
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

type versionReq struct {
	Version *int `json:"version"`
}

func (a *API) transition(c *fiber.Ctx, fn func(id int64, version *int) (article.View, error)) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req versionReq
	if err := decodeOptional(c, &req); err != nil {
		return err
	}
	v, err := fn(id, req.Version)
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) submit(c *fiber.Ctx, sc clinic.Scope) error {
	return a.transition(c, func(id int64, ver *int) (article.View, error) {
		return a.Articles.Submit(c.UserContext(), sc, id, ver)
	})
}

func (a *API) cancelSchedule(c *fiber.Ctx, sc clinic.Scope) error {
	return a.transition(c, func(id int64, ver *int) (article.View, error) {
		return a.Articles.CancelSchedule(c.UserContext(), sc, id, ver)
	})
}

func (a *API) archive(c *fiber.Ctx, sc clinic.Scope) error {
	return a.transition(c, func(id int64, ver *int) (article.View, error) {
		return a.Articles.Archive(c.UserContext(), sc, id, ver)
	})
}

func (a *API) publish(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		At      *time.Time `json:"at"`
		Version *int       `json:"version"`
	}
	if err := decodeOptional(c, &req); err != nil {
		return err
	}
	v, err := a.Articles.Publish(c.UserContext(), sc, id, req.At, req.Version)
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

func (a *API) restore(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Revision int  `json:"revision"`
		Version  *int `json:"version"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Revision <= 0 {
		v := errs.Validation{}
		v.Add("revision", "is required: the revision number to restore")
		return v.Err()
	}
	v, err := a.Articles.Restore(c.UserContext(), sc, id, req.Revision, req.Version)
	return a.sendArticle(c, fiber.StatusOK, v, err)
}

type auditJSON struct {
	audit.Entry
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

func auditOut(es []audit.Entry) []auditJSON {
	out := make([]auditJSON, len(es))
	for i, e := range es {
		out[i] = auditJSON{Entry: e, Before: rawJSON(e.BeforeJSON), After: rawJSON(e.AfterJSON)}
	}
	return out
}

func rawJSON(s string) any {
	if s == "" {
		return nil
	}
	return jsonRaw(s)
}

type jsonRaw string

func (j jsonRaw) MarshalJSON() ([]byte, error) { return []byte(j), nil }

func (a *API) articleAudit(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	es, err := a.Articles.Audit(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": auditOut(es)})
}
