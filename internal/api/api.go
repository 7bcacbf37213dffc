// Package api is the JSON HTTP API under /api/v1. Handlers read and check
// the request shape, call one service method and write JSON; every rule
// lives in the services. Errors become application/problem+json through
// ProblemHandler.
package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/jobs"
	"github.com/clinicpress/clinicpress/internal/redirects"
)

// SessionCookie carries the session token for browsers.
const SessionCookie = "cp_session"

// API holds the services the handlers call.
type API struct {
	Accounts *account.Service
	Clinics  *clinic.Service
	Articles *article.Service
	// Redirects is the clinics' redirect tables.
	Redirects *redirects.Service
	Jobs      *jobs.Queue // the failed-jobs list; nil answers an empty one
}

// Register mounts every /api/v1 route on r.
func (a *API) Register(r fiber.Router) {
	v1 := r.Group("/api/v1")
	v1.Get("/openapi.json", openAPI)
	v1.Post("/auth/login", a.login)
	v1.Post("/auth/reset", a.resetRequest)
	v1.Post("/auth/reset/confirm", a.resetConfirm)
	v1.Post("/invitations/accept", a.acceptInvitation)
	v1.Post("/auth/second-factor", a.secondFactor)
	auth := v1.Group("", a.authenticate)
	auth.Post("/auth/logout", a.logout)
	auth.Get("/me", a.me)
	auth.Post("/me/password", a.changePassword)

	auth.Post("/clinics", a.createClinic)
	auth.Get("/clinics", a.listClinics)
	auth.Get("/clinics/:clinic", a.scoped(a.getClinic))
	auth.Patch("/clinics/:clinic", a.scoped(a.patchClinic))
	auth.Get("/clinics/:clinic/audit", a.scoped(a.clinicAudit))

	auth.Post("/clinics/:clinic/members", a.scoped(a.addMember))
	auth.Get("/clinics/:clinic/members", a.scoped(a.listMembers))
	auth.Patch("/clinics/:clinic/members/:user", a.scoped(a.patchMember))
	auth.Delete("/clinics/:clinic/members/:user", a.scoped(a.removeMember))
	auth.Get("/clinics/:clinic/invitations", a.scoped(a.listInvitations))
	auth.Get("/clinics/:clinic/invitations/:id", a.scoped(a.getInvitation))
	auth.Delete("/clinics/:clinic/invitations/:id", a.scoped(a.revokeInvitation))
	auth.Post("/clinics/:clinic/invitations/:id/resend", a.scoped(a.resendInvitation))

	auth.Post("/clinics/:clinic/articles", a.scoped(a.createArticle))
	auth.Get("/clinics/:clinic/articles", a.scoped(a.listArticles))
	auth.Get("/clinics/:clinic/articles/:id", a.scoped(a.getArticle))
	auth.Put("/clinics/:clinic/articles/:id", a.scoped(a.updateArticle))
	auth.Get("/clinics/:clinic/articles/:id/revisions", a.scoped(a.listRevisions))
	auth.Get("/clinics/:clinic/articles/:id/revisions/:n", a.scoped(a.getRevision))
	auth.Get("/clinics/:clinic/articles/:id/reviews", a.scoped(a.listReviews))
	auth.Post("/clinics/:clinic/articles/:id/reviews", a.scoped(a.review))
	auth.Post("/clinics/:clinic/articles/:id/submit", a.scoped(a.submit))
	auth.Post("/clinics/:clinic/articles/:id/publish", a.scoped(a.publish))
	auth.Post("/clinics/:clinic/articles/:id/unpublish", a.scoped(a.unpublish))
	auth.Post("/clinics/:clinic/articles/:id/cancel-schedule", a.scoped(a.cancelSchedule))
	auth.Post("/clinics/:clinic/articles/:id/cancel-unpublish", a.scoped(a.cancelUnpublish))
	auth.Post("/clinics/:clinic/articles/:id/archive", a.scoped(a.archive))
	auth.Post("/clinics/:clinic/articles/:id/restore", a.scoped(a.restore))
	auth.Get("/clinics/:clinic/articles/:id/audit", a.scoped(a.articleAudit))
	auth.Post("/clinics/:clinic/articles/:id/acknowledgements", a.scoped(a.acknowledge))
	auth.Post("/clinics/:clinic/articles/:id/previews", a.scoped(a.mintPreview))
	auth.Get("/clinics/:clinic/articles/:id/previews", a.scoped(a.listPreviews))
	auth.Delete("/clinics/:clinic/articles/:id/previews", a.scoped(a.revokePreview))
	auth.Delete("/clinics/:clinic/articles/:id/previews/:preview", a.scoped(a.revokePreview))
	auth.Get("/clinics/:clinic/articles/:id/record", a.scoped(a.record))
	auth.Post("/clinics/:clinic/compliance/check", a.scoped(a.lint))
	a.registerRedirects(auth)
	auth.Get("/clinics/:clinic/reviews/due", a.scoped(a.reviewsDue))
	auth.Post("/clinics/:clinic/articles/:id/reviews/challenge", a.scoped(a.signatureChallenge))
	a.registerIdentity(auth)
	auth.Get("/clinics/:clinic/jobs/failed", a.scoped(a.failedJobs))

	v1.Use(func(c *fiber.Ctx) error { return errs.NotFound("API route") })
}

// Problem is the application/problem+json body.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Code   errs.Code         `json:"code"`
	Errors []errs.FieldError `json:"errors,omitempty"`
	Extra  map[string]any    `json:"-"`
}

// ProblemFor turns any error into a Problem. Unexpected errors are logged
// and shown only as "internal error".
func ProblemFor(c *fiber.Ctx, err error) Problem {
	if e, ok := errs.As(err); ok {
		// The status belongs to the code (errs.Codes), whatever the domain
		// code built the error with.
		status := e.Status
		if _, listed := errs.Codes[e.Code]; listed {
			status = errs.StatusOf(e.Code)
		}
		return Problem{Type: "https://clinicpress.dev/problems/" + string(e.Code), Title: http.StatusText(status),
			Status: status, Detail: e.Message, Code: e.Code, Errors: e.Fields, Extra: e.Extra}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code := map[int]errs.Code{
			http.StatusRequestEntityTooLarge: "body_too_large", http.StatusNotFound: "not_found",
			http.StatusMethodNotAllowed: "method_not_allowed", http.StatusBadRequest: "bad_request",
			http.StatusRequestTimeout: "timeout", http.StatusUnsupportedMediaType: "unsupported_media_type",
		}[fe.Code]
		if code == "" {
			code = errs.Code("http_" + strconv.Itoa(fe.Code))
		}
		if fe.Code >= 500 {
			slog.Error("request failed", "err", err, "path", c.Path(), "request_id", c.Locals("requestid"))
			return Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, Detail: "internal error", Code: "internal"}
		}
		return Problem{Type: "https://clinicpress.dev/problems/" + string(code), Title: http.StatusText(fe.Code), Status: fe.Code, Detail: fe.Message, Code: code}
	}
	slog.Error("request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", c.Locals("requestid"))
	return Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500,
		Detail: "internal error; quote request id " + fmt.Sprint(c.Locals("requestid")), Code: "internal"}
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(c *fiber.Ctx, p Problem) error {
	body := map[string]any{"type": p.Type, "title": p.Title, "status": p.Status, "detail": p.Detail, "code": p.Code}
	if len(p.Errors) > 0 {
		body["errors"] = p.Errors
	}
	for k, v := range p.Extra {
		body[k] = v
	}
	if ra, ok := p.Extra["retry_after"]; ok {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(ra))
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(p.Status).Send(b)
}

// decode reads a JSON body strictly into dst: the content type must be
// JSON, unknown fields are refused (so status, author, approval or live
// fields can never be smuggled in), and there must be exactly one value.
func decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.BadRequest("malformed_json", "the request body must be a JSON object")
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "application/json") {
		return errs.New(http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as application/json")
	}
	// encoding/json silently turns invalid UTF-8 into U+FFFD; refuse it
	// instead of storing text the client did not send.
	if !utf8.Valid(body) {
		return errs.BadRequest("malformed_json", "the request body is not valid UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
			return errs.BadRequest("malformed_json", "the request body is not valid JSON")
		case errors.As(err, &typ):
			return errs.BadRequest("invalid_type", "field %q has the wrong type (want %s)", typ.Field, typ.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.TrimPrefix(err.Error(), "json: unknown field ")
			e := errs.BadRequest("unknown_field", "field %s is not accepted here", f)
			e.Extra = map[string]any{"field": strings.Trim(f, `"`)}
			return e
		default:
			return errs.BadRequest("malformed_json", "the request body is not valid JSON")
		}
	}
	if d.More() {
		return errs.BadRequest("malformed_json", "the request body must hold exactly one JSON object")
	}
	return nil
}

// decodeOptional is decode for bodies that may be empty.
func decodeOptional(c *fiber.Ctx, dst any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decode(c, dst)
}

func (a *API) authenticate(c *fiber.Ctx) error {
	tok := ""
	fromCookie := false
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else {
		tok = c.Cookies(SessionCookie)
		fromCookie = tok != ""
	}
	u, sess, err := a.Accounts.Authenticate(c.UserContext(), tok)
	if err != nil {
		return err
	}
	if fromCookie {
		// The browser sends the cookie on cross-site requests too, so a
		// cookie-authenticated write must prove it comes from our own
		// pages (issue 9: a foreign form could publish). Bearer calls
		// carry their credential explicitly and need no such proof.
		c.Set(CSRFHeader, CSRFToken(tok))
		if !safeMethod(c.Method()) && !sameOriginRequest(c, tok) {
			return errs.Forbidden("csrf_failed", "cross-site request refused: send the X-CSRF-Token header or call from the same origin")
		}
	}
	c.Locals("user", u)
	c.Locals("session", sess)
	c.Locals("token", tok)
	return c.Next()
}

// CSRFHeader is the request and response header carrying the CSRF token
// of a cookie session.
const CSRFHeader = "X-CSRF-Token"

// CSRFToken is the CSRF token of session token tok: a hash only the holder
// of the cookie (or a page of ours, which gets it in the response header)
// can know.
func CSRFToken(tok string) string {
	sum := sha256.Sum256([]byte("clinicpress-csrf\x00" + tok))
	return hex.EncodeToString(sum[:16])
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// sameOriginRequest accepts a cookie-authenticated write when it carries
// the session's CSRF token, or when the browser says it comes from the
// same origin (Sec-Fetch-Site, else an Origin naming this host). A request
// with neither signal and no token is refused: browsers send Origin on
// every cross-origin POST, so only a non-browser client lacks both, and it
// can send the token (or a bearer header).
func sameOriginRequest(c *fiber.Ctx, tok string) bool {
	if t := c.Get(CSRFHeader); t != "" {
		return subtle.ConstantTimeCompare([]byte(t), []byte(CSRFToken(tok))) == 1
	}
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin":
		return originMatches(c, c.Get(fiber.HeaderOrigin), true)
	case "":
	default:
		return false // cross-site, same-site (another subdomain) or none (typed URL: no writes)
	}
	return originMatches(c, c.Get(fiber.HeaderOrigin), false)
}

func originMatches(c *fiber.Ctx, origin string, emptyOK bool) bool {
	if origin == "" {
		return emptyOK
	}
	ou, err := url.Parse(origin)
	if err != nil || ou.Host == "" {
		return false
	}
	return strings.EqualFold(ou.Host, c.Hostname())
}

// scoped resolves the caller's scope in the URL's clinic once, before the
// handler runs; a clinic the caller cannot see answers 404.
func (a *API) scoped(h func(c *fiber.Ctx, sc clinic.Scope) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sc, err := a.Clinics.Resolve(c.UserContext(), actor(c), strings.Clone(c.Params("clinic")))
		if err != nil {
			return err
		}
		if err := a.secondFactorGate(c, sc); err != nil {
			return err
		}
		return h(c, sc)
	}
}

func actor(c *fiber.Ctx) authz.Actor {
	u, _ := c.Locals("user").(account.User)
	rid, _ := c.Locals("requestid").(string)
	return u.Actor(rid)
}

func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(name)
	}
	return id, nil
}
