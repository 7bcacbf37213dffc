package adminui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/redirect"
)

// Session cookie names. Over TLS (or behind a trusted proxy that says
// https) the cookie is "__Host-cp_admin": Secure, Path=/, no Domain, so no
// sibling host or plain-http page can set or read it. Browsers refuse the
// __Host- prefix without Secure, so over plain http (local use on
// 127.0.0.1) the cookie is "cp_admin" instead, with the same HttpOnly and
// SameSite=Lax attributes.
const (
	CookieSecure = "__Host-cp_admin"
	CookiePlain  = "cp_admin"
	flashCookie  = "cp_admin_flash"
	loginCookie  = "cp_admin_login"
)

// secure reports whether this request reached us over https: TLS on our
// own listener, or a trusted proxy's X-Forwarded-Proto.
func (u *UI) secure(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	return u.trustProxy && c.IsProxyTrusted() && c.Protocol() == "https"
}

func (u *UI) cookieName(c *fiber.Ctx) string {
	if u.secure(c) {
		return CookieSecure
	}
	return CookiePlain
}

// setCookie sets a browser-session cookie (no Expires: it ends when the
// browser closes; the server enforces the idle and absolute timeouts of the
// session itself), or deletes it when clear is true.
func (u *UI) setCookie(c *fiber.Ctx, name, value string, clear bool, path string) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: path, HTTPOnly: true, SameSite: "Lax", Secure: u.secure(c), SessionOnly: true}
	if clear {
		ck.SessionOnly = false
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	}
	c.Cookie(ck)
}

// CSRFToken is the synchronizer token of a session: an HMAC keyed by the
// session token itself, which only the browser holding the HttpOnly cookie
// knows (the database stores only its hash). It is tied to the session,
// changes at every sign-in and needs no server-side state, so every
// instance behind a load balancer agrees on it.
func CSRFToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("clinicpress admin csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// session authenticates the admin cookie; without a valid session a GET is
// sent to the sign-in page (coming back afterwards) and anything else is
// refused.
func (u *UI) session(c *fiber.Ctx) error {
	tok := c.Cookies(u.cookieName(c))
	usr, sess, err := u.accounts.Authenticate(c.UserContext(), tok)
	if err != nil {
		if !errs.HasCode(err, "unauthenticated") {
			return err
		}
		if tok != "" {
			u.setCookie(c, u.cookieName(c), "", true, "/")
			u.flash(c, "error", "Your session has ended. Sign in again to continue.")
		}
		if c.Locals(jsonLocal) != nil {
			return err // problem+json 401: admin.js says so
		}
		if c.Method() == fiber.MethodGet {
			// The way back is rebuilt, not copied, like every redirect target.
			if next := redirect.Under(c.OriginalURL(), Prefix, ""); next != "" {
				return c.Redirect(Prefix+"/login?next="+url.QueryEscape(next), fiber.StatusSeeOther)
			}
		}
		return c.Redirect(Prefix+"/login", fiber.StatusSeeOther)
	}
	c.Locals("user", usr)
	c.Locals("session", sess)
	c.Locals("token", tok)
	c.Locals("csrf", CSRFToken(tok))
	return c.Next()
}

// csrf refuses every state-changing request whose synchronizer token (form
// field _csrf or header X-CSRF-Token) does not match the session's, and any
// request a browser marks as coming from another origin. Nothing runs, so
// nothing changes.
func (u *UI) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	want := c.Locals("csrf").(string)
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || !u.sameOrigin(c) {
		return errs.Forbidden("csrf", "this form has expired or did not come from this site; go back, reload the page and try again")
	}
	return c.Next()
}

// sameOrigin checks the Origin header when the browser sends one.
func (u *UI) sameOrigin(c *fiber.Ctx) bool {
	o := c.Get(fiber.HeaderOrigin)
	if o == "" {
		return true
	}
	ou, err := url.Parse(o)
	if err != nil {
		return false
	}
	return strings.EqualFold(ou.Host, c.Hostname())
}

// flash stores a one-time message shown by the next page.
func (u *UI) flash(c *fiber.Ctx, kind, text string) {
	b, _ := json.Marshal(Flash{Kind: kind, Text: text})
	u.setCookie(c, flashCookie, base64.RawURLEncoding.EncodeToString(b), false, Prefix)
}

func (u *UI) takeFlash(c *fiber.Ctx) *Flash {
	v := c.Cookies(flashCookie)
	if v == "" {
		return nil
	}
	u.setCookie(c, flashCookie, "", true, Prefix)
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var f Flash
	if json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	if f.Kind != "error" {
		f.Kind = "ok"
	}
	return &f
}

// done redirects (303) to path with a confirmation message.
func (u *UI) done(c *fiber.Ctx, path, msg string) error {
	u.flash(c, "ok", msg)
	return c.Redirect(path, fiber.StatusSeeOther)
}

// failed redirects back with an error message saying what to do next;
// internal failures are returned to the error page instead.
func (u *UI) failed(c *fiber.Ctx, path string, err error) error {
	e, ok := errs.As(err)
	if !ok || e.Status >= 500 {
		return err
	}
	if e.Code == "not_found" {
		return err
	}
	u.flash(c, "error", Message(e))
	return c.Redirect(path, fiber.StatusSeeOther)
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Flash is a one-time message.
type Flash struct {
	Kind string `json:"k"` // "ok" or "error"
	Text string `json:"t"`
}

// Page is what every template gets: the layout's data plus the screen's own
// in D.
type Page struct {
	Title       string
	User        *account.User
	CSRF        string
	Flash       *Flash
	Clinic      *clinic.Clinic
	Role        authz.Role // the user's role in Clinic ("" for a platform admin visiting)
	Memberships []clinic.Membership
	Nav         string // which navigation entry is current
	// Menu says which of the clinic's screens the caller may open; the
	// layout offers only those.
	Menu Menu
	D    any
}

// Menu is what the navigation offers in a clinic, decided by the policy
// through the caller's scope.
type Menu struct {
	Articles, Write, Queue, Members, Settings, Audit bool
	Redirects                                        bool
}

func menuFor(sc clinic.Scope) Menu {
	return Menu{Articles: sc.Can(authz.ObjArticle, authz.ActRead), Write: sc.Can(authz.ObjArticle, authz.ActWrite),
		Queue: sc.Can(authz.ObjArticle, authz.ActReview), Members: sc.Can(authz.ObjMember, authz.ActManage),
		Settings: sc.Can(authz.ObjClinic, authz.ActUpdate), Audit: sc.Can(authz.ObjAudit, authz.ActRead),
		Redirects: sc.Can(authz.ObjClinic, authz.ActUpdate)}
}

func currentUser(c *fiber.Ctx) (account.User, bool) {
	usr, ok := c.Locals("user").(account.User)
	return usr, ok
}

func actor(c *fiber.Ctx) authz.Actor {
	usr, _ := currentUser(c)
	return usr.Actor(rid(c))
}

func (u *UI) fillPage(c *fiber.Ctx, p *Page) {
	if usr, ok := currentUser(c); ok {
		p.User = &usr
		p.CSRF, _ = c.Locals("csrf").(string)
		if p.Memberships == nil {
			p.Memberships, _ = u.clinics.MembershipsOf(c.UserContext(), usr.ID)
		}
		if p.Clinic == nil {
			if cl, ok := c.Locals("clinic").(clinic.Clinic); ok {
				p.Clinic = &cl
			}
		}
		if sc, ok := c.Locals("scope").(clinic.Scope); ok && p.Clinic != nil && sc.ClinicID() == p.Clinic.ID {
			p.Role = sc.Role()
			p.Menu = menuFor(sc)
		}
	}
	if p.Flash == nil {
		p.Flash = u.takeFlash(c)
	}
}

// clinicOf resolves the clinic in the URL for the signed-in user: 404 for a
// clinic they cannot see (another clinic's screens never show).
// The scope is resolved once per request and kept for the request's
// later calls.
func (u *UI) clinicOf(c *fiber.Ctx) (clinic.Scope, error) {
	if sc, ok := c.Locals("scope").(clinic.Scope); ok {
		return sc, nil
	}
	sc, err := u.clinics.Resolve(c.UserContext(), actor(c), strings.Clone(c.Params("clinic")))
	if err != nil {
		return sc, err
	}
	if err := sc.Require(authz.ObjClinic, authz.ActRead); err != nil {
		return sc, err
	}
	if err := u.secondFactorGate(c, sc); err != nil {
		return sc, err
	}
	c.Locals("scope", sc)
	c.Locals("clinic", sc.Clinic())
	return sc, nil
}

// base is the admin path of the clinic in the URL.
func base(c *fiber.Ctx) string { return Prefix + "/c/" + url.PathEscape(c.Params("clinic")) }

// articleOf resolves the clinic and the article named in the URL for the
// signed-in user (404 for another clinic's).
func (u *UI) articleOf(c *fiber.Ctx) (clinic.Scope, int64, article.View, error) {
	sc, err := u.clinicOf(c)
	if err != nil {
		return sc, 0, article.View{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return sc, 0, article.View{}, err
	}
	a, err := u.articles.Get(c.UserContext(), sc, id)
	return sc, id, a, err
}
