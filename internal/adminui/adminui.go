// Package adminui is the admin web app under /admin: server-rendered pages
// (html/template through Fiber's template engine, files embedded from
// admin/) for writers, doctors, clinic admins and platform admins. Every
// handler reads a form, calls one service method with the signed-in actor
// and redirects with a flash message (POST-redirect-GET); every rule lives in
// the services. This package owns the admin session cookie, the CSRF
// synchronizer token and the security headers of every admin response.
package adminui

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"github.com/clinicpress/clinicpress/admin"
	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/redirects"
	"github.com/clinicpress/clinicpress/internal/render"
)

// Prefix is where the admin app is mounted.
const Prefix = "/admin"

// UI holds the services the admin handlers call.
type UI struct {
	accounts *account.Service
	clinics  *clinic.Service
	articles *article.Service
	// trustProxy says X-Forwarded-Proto may be believed (trusted proxies are
	// configured and fiber checks them).
	trustProxy bool
	now        func() time.Time
	views      *html.Engine
	md         *render.Renderer
	static     fs.FS
	themes     Themes
	outbox     Outbox
	redirects  *redirects.Service
}

// Config is what New needs.
type Config struct {
	Accounts *account.Service
	Clinics  *clinic.Service
	Articles *article.Service
	// TrustProxy: the app checks trusted proxies, so a proxy's
	// X-Forwarded-Proto: https marks the connection secure.
	TrustProxy bool
	Now        func() time.Time
	// Themes renders the editor's theme preview with the clinic's public
	// theme (the app's *theme.Engine); nil answers that preview with 404.
	Themes Themes
	// Outbox is the mail service behind the platform admins' Outbox
	// screen (nil: the screen is not mounted).
	Outbox Outbox
	// Redirects is the clinics' redirect tables (nil: no Redirects screen).
	Redirects *redirects.Service
}

// New builds the admin app; it panics if the embedded templates do not parse
// (a build defect, caught by every test).
func New(cfg Config) *UI {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	tpl, err := fs.Sub(admin.FS, "templates")
	if err != nil {
		panic(err)
	}
	st, err := fs.Sub(admin.FS, "static")
	if err != nil {
		panic(err)
	}
	eng := html.NewFileSystem(http.FS(tpl), ".html")
	for k, v := range funcs {
		eng.AddFunc(k, v)
	}
	if err := eng.Load(); err != nil {
		panic("adminui: templates: " + err.Error())
	}
	return &UI{accounts: cfg.Accounts, clinics: cfg.Clinics, articles: cfg.Articles, trustProxy: cfg.TrustProxy,
		now: cfg.Now, views: eng, md: render.New(), static: st, themes: cfg.Themes, outbox: cfg.Outbox, redirects: cfg.Redirects}
}

// Register mounts every /admin route on r. Routes that need no session
// (static files, sign-in) come before the session middleware.
func (u *UI) Register(r fiber.Router) {
	g := r.Group(Prefix, u.headers, u.errorPages)
	g.Get("/static/:file", u.staticFile)
	g.Get("/login", u.loginPage)
	g.Post("/login", u.loginSubmit)
	g.Get("/forgot", u.forgotPage)
	g.Post("/forgot", u.forgotSubmit)
	g.Get("/reset/:token", u.resetPage)
	g.Post("/reset/:token", u.resetSubmit)
	g.Get("/invite/:token", u.invitePage)
	g.Post("/invite/:token", u.inviteAccept)
	g.Post("/login/second-factor", u.secondStepSubmit)
	// The editor's theme preview frame answers with headers of its own
	// (see headers), so it is marked before the session and CSRF checks.
	g.Post("/c/:clinic/preview-frame", u.inFrame, u.session, u.csrf, u.previewFrame)
	g.Post("/c/:clinic/articles/:id/preview-frame", u.inFrame, u.session, u.csrf, u.previewFrame)
	// What admin.js calls answers JSON, and its errors problem+json (the
	// session and CSRF checks' too), never an HTML page or a redirect.
	g.Post("/c/:clinic/articles/:id/autosave", u.answersJSON, u.session, u.csrf, u.autosave)
	g.Post("/c/:clinic/lint", u.answersJSON, u.session, u.csrf, u.lint)

	a := g.Group("", u.session, u.csrf)
	a.Get("/", u.home)
	a.Post("/logout", u.logout)
	a.Get("/password", u.passwordPage)
	a.Post("/password", u.passwordSubmit)
	a.Get("/security", u.securityPage)
	a.Post("/security/totp", u.totpBegin)
	a.Post("/security/totp/confirm", u.totpConfirm)
	a.Post("/security/passkeys", u.passkeyAdd)
	a.Get("/verify-doctors", u.verifyPage)
	a.Post("/verify-doctors/:user", u.verifySubmit)
	a.Get("/clinics", u.clinicsPage)
	a.Post("/clinics", u.clinicCreate)
	a.Get("/switch", u.switchClinic)
	if u.outbox != nil {
		a.Get("/outbox", u.outboxPage(u.outbox))
		a.Post("/outbox/:id/retry", u.outboxRetry(u.outbox))
	}

	c := a.Group("/c/:clinic")
	c.Get("/", u.dashboard)
	c.Get("/articles", u.articlesPage)
	c.Get("/articles/new", u.articleNew)
	c.Post("/articles", u.articleCreate)
	c.Get("/articles/:id", u.editor)
	c.Post("/articles/:id", u.articleSave)
	c.Post("/articles/:id/discard", u.discardDraft)
	c.Post("/preview", u.preview)
	c.Post("/articles/:id/submit", u.submit)
	c.Get("/articles/:id/review", u.reviewPage)
	c.Post("/articles/:id/reviews", u.reviewSubmit)
	c.Post("/articles/:id/acknowledge", u.acknowledge)
	c.Post("/articles/:id/comments", u.commentAdd)
	c.Post("/articles/:id/publish", u.publish)
	c.Post("/articles/:id/unpublish", u.unpublish)
	c.Post("/articles/:id/cancel-schedule", u.cancelSchedule)
	c.Get("/articles/:id/history", u.history)
	c.Post("/articles/:id/restore", u.restore)
	c.Get("/articles/:id/record", u.recordPage)
	c.Get("/articles/:id/archive", u.archiveConfirm)
	c.Post("/articles/:id/archive", u.archive)
	c.Get("/review-queue", u.queuePage)
	c.Get("/members", u.membersPage)
	c.Get("/redirects", u.redirectsPage)
	c.Post("/redirects", u.redirectAdd)
	c.Post("/redirects/import", u.redirectsCSV)
	c.Post("/redirects/:id", u.redirectChange)
	c.Post("/redirects/:id/delete", u.redirectDelete)
	c.Post("/members", u.memberAdd)
	c.Post("/members/:user", u.memberUpdate)
	c.Get("/members/:user/remove", u.memberRemoveConfirm)
	c.Post("/members/:user/remove", u.memberRemove)
	c.Post("/invitations/:id/resend", u.invitationResend)
	c.Post("/invitations/:id/revoke", u.invitationRevoke)
	c.Get("/settings", u.settingsPage)
	c.Post("/settings", u.settingsSave)
	c.Get("/audit", u.auditPage)

	// Anything else under /admin is the admin's own 404, never the public
	// site's catch-all.
	g.Use(func(c *fiber.Ctx) error { return errs.NotFound("page") })
}

// csp is the Content-Security-Policy of every admin response: scripts and
// styles only from files of this origin, frames only of this origin (the
// editor's theme preview), no framing by anyone, forms only to us.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// cspInFrame is csp for an admin page (an error, such as an expired form)
// answered to the theme preview frame: the admin may frame it, nobody else.
var cspInFrame = strings.Replace(csp, "frame-ancestors 'none'", "frame-ancestors 'self'", 1)

// headers sets the security headers on every admin response, errors
// included. The theme preview frame's page gets frameCSP instead, and the
// admin pages answered to that frame may be framed by the admin only.
func (u *UI) headers(c *fiber.Ctx) error {
	set := func() {
		policy, framing := csp, "DENY"
		switch c.Locals(frameLocal) {
		case framePage:
			policy, framing = frameCSP, "SAMEORIGIN"
			c.Set("X-Robots-Tag", "noindex")
		case frameRoute:
			policy, framing = cspInFrame, "SAMEORIGIN"
		}
		c.Set("Content-Security-Policy", policy)
		c.Set(fiber.HeaderXFrameOptions, framing)
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
	}
	set()
	err := c.Next()
	set()
	return err
}

func (u *UI) staticFile(c *fiber.Ctx) error {
	name := c.Params("file")
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return errs.NotFound("file")
	}
	b, err := fs.ReadFile(u.static, name)
	if err != nil {
		return errs.NotFound("file")
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		c.Type("css", "utf-8")
	case strings.HasSuffix(name, ".js"):
		c.Type("js", "utf-8")
	case strings.HasSuffix(name, ".svg"):
		c.Type("svg")
	default:
		c.Type("txt")
	}
	return c.Send(b)
}

// view renders template name inside the layout with p.
func (u *UI) view(c *fiber.Ctx, status int, name string, p *Page) error {
	u.fillPage(c, p)
	var buf bytes.Buffer
	if err := u.views.Render(&buf, name, p, "layout"); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

// errorPages turns an error returned by a handler into a friendly HTML
// page: what happened and what to do next. Internal failures are logged and
// shown only as "something went wrong" with the request id.
func (u *UI) errorPages(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	status, msg := friendly(err)
	if status >= 500 {
		slog.Error("admin request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", c.Locals("requestid"))
		msg = "Something went wrong on our side. Try again in a moment; if it keeps happening, tell your administrator and quote request id " + rid(c) + "."
	}
	if c.Locals(jsonLocal) != nil {
		return writeProblem(c, err, status, msg)
	}
	p := &Page{Title: http.StatusText(status), D: errorView{Status: status, Message: msg}}
	if rerr := u.view(c, status, "error", p); rerr != nil {
		slog.Error("admin error page failed", "err", rerr)
		c.Type("txt")
		return c.Status(status).SendString(msg)
	}
	return nil
}

// jsonLocal marks a request of an endpoint admin.js calls (answersJSON).
const jsonLocal = "adminui.json"

// answersJSON marks a request whose errors answer application/problem+json
// like the API's, with the admin's own message (Message) as the detail.
func (u *UI) answersJSON(c *fiber.Ctx) error {
	c.Locals(jsonLocal, true)
	return c.Next()
}

// writeProblem answers err as problem+json with the status and message the
// error page would show; an internal failure never shows its text.
func writeProblem(c *fiber.Ctx, err error, status int, msg string) error {
	p := api.ProblemFor(c, err)
	if status >= 500 {
		p = api.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: "internal"}
	}
	p.Status, p.Detail = status, msg
	return api.WriteProblem(c, p)
}

type errorView struct {
	Status  int
	Message string
}

func rid(c *fiber.Ctx) string {
	s, _ := c.Locals("requestid").(string)
	return s
}

// friendly maps an error to a status and a message saying what to do next.
func friendly(err error) (int, string) {
	if e, ok := errs.As(err); ok {
		return e.Status, Message(e)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case http.StatusNotFound:
			return 404, notFoundMsg
		case http.StatusRequestEntityTooLarge:
			return fe.Code, "What you sent is too large. Shorten the text and try again."
		}
		if fe.Code < 500 {
			return fe.Code, fe.Message
		}
	}
	return 500, ""
}

const notFoundMsg = "We could not find that page. It may have been removed, or it belongs to a clinic you are not a member of. Go back to your dashboard and pick it from there."

// Message says, for an application error, what happened and what to do next.
func Message(e *errs.Error) string {
	switch e.Code {
	case "not_found":
		return notFoundMsg
	case "forbidden":
		return "Your role in this clinic does not allow this. Ask a clinic admin if you need it."
	case "version_conflict":
		return "Someone else changed this article while you were working on it. Reload it to see the current state, then try again."
	case "self_approval":
		return "You wrote part of this text since the last approval, so you cannot approve it yourself (four-eyes rule). Another doctor of this clinic must review it."
	case "doctor_not_registered":
		return "Your doctor profile has no registration number, so you cannot sign off yet. Add it under Security & profile; a credential verifier then checks it."
	case "credentials_expired":
		return "Your credentials have expired or have no expiry date on file, so you cannot sign off. Update your practising certificate date under Security & profile; a credential verifier then checks it."
	case "doctor_unverified":
		return "A credential verifier has not yet checked your registration in the public register (or you changed it since), so you cannot sign off yet. This check is done by someone other than your clinic admin."
	case "second_factor_required":
		return "This clinic requires a second factor. Set up a passkey or an authenticator app under Security & profile first."
	case "signature_required":
		return capitalize(e.Message) + "."
	case "signature_invalid":
		return "Your signature was not accepted: " + e.Message + "."
	case "signature_stale", "signature_reused", "signature_expired", "challenge_invalid":
		return capitalize(e.Message) + ". Reload the page and sign again."
	case "profile_verified":
		return "This doctor's registration number and practising certificate were verified by a credential verifier; only the doctor can change them (and they are checked again)."
	case "not_a_doctor":
		return "Only doctors of this clinic can review articles. Ask one of the clinic's doctors to review it."
	case "not_approved":
		return "This revision has no valid doctor approval, so it cannot go live. Submit it for review and wait for a doctor to approve it."
	case "compliance_blocked":
		return blockedMessage(e)
	case "already_acknowledged":
		return "A doctor has already acknowledged this finding. Reload the review screen to see who and why."
	case "stale_revision":
		return "The article changed while you were reviewing it. Open the review screen again and review the current revision."
	case "invalid_state":
		return capitalize(e.Message) + ". Reload the article to see what state it is in now."
	case "slug_taken":
		return "Another article of this clinic already uses this slug. Choose a different slug and save again."
	case "slug_locked":
		return "This article has been published, so its address (slug) can no longer change. Keep the old slug."
	case "already_published":
		return "This revision is already live; there is nothing to publish."
	case "not_published":
		return "This article is not live or scheduled, so there is nothing to unpublish."
	case "last_admin":
		return "A clinic needs at least one clinic admin. Make someone else a clinic admin first."
	case "email_taken":
		return "A person with this email already exists. Sign in with that account to accept the invitation."
	case "code_required":
		return "This account has had many failed sign-ins from elsewhere, so it needs a one-time code as well: we emailed you a 6-digit code. Enter it below with your password."
	case "invalid_code":
		return "The sign-in code is not right or has expired. Check the newest mail from ClinicPress and try again."
	case "token_not_found", "invitation_not_found":
		return "This link is not valid. It may have been replaced by a newer one: use the link in the newest mail, or ask for a new one."
	case "token_used", "invitation_used":
		return "This link was already used. If that was not you, ask for a new one."
	case "token_expired", "invitation_expired":
		return "This link has expired. Ask for a new one (a clinic admin can send an invitation again)."
	case "invitation_revoked":
		return "This invitation was withdrawn by the clinic. Ask the clinic admin if you think this is a mistake."
	case "already_member":
		return capitalize(e.Message) + ". Change their role in the list instead."
	case "hostname_taken":
		return capitalize(e.Message) + ". Remove it from the other clinic first, or use another hostname."
	case "too_many_attempts":
		return capitalize(e.Message) + "."
	case "invalid_credentials":
		return "The email or password is not right. Check them and try again."
	case "unauthenticated":
		return "Your session has ended. Sign in again."
	case "validation_failed":
		var b strings.Builder
		b.WriteString("Some fields need attention:")
		for i, f := range e.Fields {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(" " + strings.ReplaceAll(f.Field, "_", " ") + " " + f.Message)
		}
		b.WriteString(". Correct them and try again.")
		return b.String()
	}
	// Every other code: what happened, then what to do (errs.Codes).
	if h := errs.HintOf(e.Code); h != "" {
		return capitalize(e.Message) + ". " + h
	}
	return capitalize(e.Message) + "."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
