// Package site serves the clinics' public websites: the request's Host (or
// the /sites/{clinic} prefix) picks the clinic, pages are built from live
// revisions only (through internal/live) and rendered with the clinic's
// theme (internal/theme), and every rendered page is kept in an in-memory
// cache with its gzip and brotli variants and ETag until something the
// clinic's pages show changes.
//
// Cache invalidation: every change to what a clinic's pages show (publish,
// unpublish, archive, scheduled publish, re-review, clinic settings,
// membership or doctor profile) bumps the clinic's row in site_epochs inside
// its own transaction (internal/projection); after commit the app calls
// Changed, which drops that clinic's pages here at once. Other instances on
// the same database learn of it at once on PostgreSQL through LISTEN on
// projection.Channel (the transaction NOTIFYs the clinic id; the app runs
// a projection.Listener per instance that calls Changed), and poll
// site_epochs (PollEpochs) only as a fallback: every two seconds while the
// listener is down (and always on SQLite, where there is one instance),
// every 30 s as a safety net while it is up. Invalidation is per clinic.
// Entries also expire after a few minutes, which
// bounds staleness if a bump is ever lost and refreshes the "review
// overdue" notices that depend on the clock.
//
// It also serves draft previews: a clinic member mints a random token for
// one revision (stored hashed, expiring, revocable) and the link renders
// that revision with the clinic's theme, noindex and never cached.
package site

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/singleflight"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/redirects"
	"github.com/clinicpress/clinicpress/internal/render"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// Config is what the public sites are built from.
type Config struct {
	DB       *db.DB
	Clinics  *clinic.Service
	Articles *article.Service // access checks for preview links
	Themes   *theme.Engine
	// Redirects answers paths no page serves (nil: plain 404s).
	Redirects *redirects.Service
	Now       func() time.Time // nil: the wall clock
	// CacheBytes caps the page cache (default 48 MiB); CacheEntries caps
	// its number of pages (default 20,000); CacheTTL is how long a page may
	// stay cached without any change (default 5 minutes).
	CacheBytes   int64
	CacheEntries int
	CacheTTL     time.Duration
}

// Site is the public-site part of the HTTP app.
type Site struct {
	live      *live.Store
	clinics   *clinic.Service
	articles  *article.Service
	themes    *theme.Engine
	redirects *redirects.Service
	md        *render.Renderer
	now       func() time.Time
	cache     *pageCache
	flight    singleflight.Group

	infoMu  sync.RWMutex
	byHost  map[string]*clinic.Clinic
	bySlug  map[string]*clinic.Clinic
	epochMu sync.Mutex
	epochs  map[int64]int64 // last epoch seen per clinic; nil before the first poll

	listening func() bool // nil: no listener, poll every time
	slowPoll  time.Duration
	lastPoll  atomic.Int64 // unix nanos of the last poll
}

// New builds the public sites.
func New(cfg Config) *Site {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 48 << 20
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = 20000
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 5 * time.Minute
	}
	return &Site{
		live: live.New(cfg.DB), clinics: cfg.Clinics, articles: cfg.Articles, themes: cfg.Themes,
		redirects: cfg.Redirects,
		md:        render.New(), now: cfg.Now, cache: newPageCache(cfg.CacheBytes, cfg.CacheEntries, cfg.CacheTTL),
		byHost: map[string]*clinic.Clinic{}, bySlug: map[string]*clinic.Clinic{},
	}
}

// Register mounts the public pages: /sites/{clinic}/... and, for every
// other GET outside /api and /admin, the site the Host header names. Mount
// it last: it answers every path it is given.
func (s *Site) Register(r fiber.Router) {
	r.Get("/*", s.handle)
}

// Changed drops the clinic's cached pages on this instance. The app calls
// it after a committed transaction changed what the clinic's public pages
// show; that transaction also moved the clinic's site epoch, which is how
// the other instances learn of it (PollEpochs).
func (s *Site) Changed(clinicID int64) {
	s.forget(clinicID)
}

// forget drops the clinic's pages and the cached clinic settings.
func (s *Site) forget(clinicID int64) {
	s.cache.invalidate(clinicID)
	s.infoMu.Lock()
	clear(s.byHost)
	clear(s.bySlug)
	s.infoMu.Unlock()
}

// PollEpochs reads site_epochs and drops the pages of every clinic another
// instance changed since the last poll; it returns how many clinics that
// was. Run it every second or two (app.Jobs does).
func (s *Site) PollEpochs(ctx context.Context) (int, error) {
	s.lastPoll.Store(time.Now().UnixNano())
	cur, err := s.live.Epochs(ctx)
	if err != nil {
		return 0, err
	}
	s.epochMu.Lock()
	first := s.epochs == nil
	if first {
		s.epochs = map[int64]int64{}
	}
	var stale []int64
	for id, ep := range cur {
		if ep > s.epochs[id] {
			if !first {
				stale = append(stale, id)
			}
			s.epochs[id] = ep
		}
	}
	s.epochMu.Unlock()
	for _, id := range stale {
		s.forget(id)
	}
	return len(stale), nil
}

// UseListener tells the site that a LISTEN loop delivers other instances'
// changes (up reports whether it is connected right now): PollFallback
// then reads site_epochs only while the listener is down, and otherwise
// once every slow interval as a last safety net.
func (s *Site) UseListener(up func() bool, slow time.Duration) {
	s.listening, s.slowPoll = up, slow
}

// PollFallback is PollEpochs when no listener is up (or none is used), or
// when the slow interval has passed since the last poll; else it does
// nothing. Run it on a short ticker (every two seconds).
func (s *Site) PollFallback(ctx context.Context) (int, error) {
	if s.listening != nil && s.listening() && time.Since(time.Unix(0, s.lastPoll.Load())) < s.slowPoll {
		return 0, nil
	}
	return s.PollEpochs(ctx)
}

// CacheStats reports the page cache's entries, bytes, hits, misses and
// evictions (for the bench and diagnostics).
func (s *Site) CacheStats() (entries int, size int64, hits, misses, evictions int64) {
	return s.cache.stats()
}

var (
	prefixAPI   = []byte("/api/")
	prefixAdmin = []byte("/admin")
	prefixSites = []byte("/sites/")
	hdrXFH      = []byte(fiber.HeaderXForwardedHost)
)

// hostBytes is c.Hostname() without the copy.
func hostBytes(c *fiber.Ctx) []byte {
	if c.IsProxyTrusted() {
		if h := c.Request().Header.PeekBytes(hdrXFH); len(h) > 0 {
			if i := bytes.IndexByte(h, ','); i >= 0 {
				h = h[:i]
			}
			return h
		}
	}
	return c.Request().URI().Host()
}

var keyPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// CachedHit answers a public GET or HEAD straight from the page cache and
// passes everything else on. The server installs it ahead of its
// middleware: a cached page is served like a static file, with no request
// id, log line or recovery wrapper (hits are counted in CacheStats).
func (s *Site) CachedHit(c *fiber.Ctx) error {
	if m := c.Request().Header.Method(); (len(m) != 3 || string(m) != fiber.MethodGet) && string(m) != fiber.MethodHead {
		return c.Next()
	}
	p := c.Request().URI().PathOriginal()
	if bytes.HasPrefix(p, prefixAPI) || bytes.HasPrefix(p, prefixAdmin) || bytes.Equal(p, pathHealthz) || bytes.Equal(p, pathReadyz) {
		return c.Next()
	}
	kp := keyPool.Get().(*[]byte)
	key := s.cacheKey((*kp)[:0], c)
	e := s.cache.get(key)
	*kp = key
	keyPool.Put(kp)
	if e == nil {
		return c.Next()
	}
	return writeEntry(c, e)
}

var (
	pathHealthz = []byte("/healthz")
	pathReadyz  = []byte("/readyz")
)

// cacheKey appends the page cache key of the request to dst: scheme,
// canonical host, path and only the query parameters pages read (first
// value each, fixed order). Every other query-string or Host spelling of a
// page (upper case, a trailing dot, a port on a clinic's own hostname,
// ?utm_x=1...) shares one entry, so variants cannot fill the cache.
func (s *Site) cacheKey(dst []byte, c *fiber.Ctx) []byte {
	dst = append(dst, c.Protocol()...)
	dst = append(dst, "://"...)
	p := c.Request().URI().PathOriginal()
	dst = appendCanonicalHost(dst, hostBytes(c), bytes.HasPrefix(p, prefixSites))
	dst = append(dst, p...)
	args := c.Request().URI().QueryArgs()
	sep := byte('?')
	for _, k := range knownQuery {
		if v := args.PeekBytes(k); len(v) > 0 {
			dst = append(dst, sep)
			dst = append(dst, k...)
			dst = append(dst, '=')
			dst = append(dst, url.QueryEscape(string(v))...)
			sep = '&'
		}
	}
	return dst
}

// knownQuery are the query parameters public pages read (pages.go:
// "before" for pagination, "q" for search; redirects.go: WordPress's id
// links "attachment_id", "p" and "page_id"), in key order.
var knownQuery = [][]byte{[]byte("attachment_id"), []byte("before"), []byte("p"), []byte("page_id"), []byte("q")}

// appendCanonicalHost appends h in lower case without a trailing dot. The
// port is dropped for a clinic's own hostname (the page is the same on any
// port, and its links are built from CanonicalHost too); under /sites/ it
// is kept, as the links of those development URLs need it.
func appendCanonicalHost(dst, h []byte, keepPort bool) []byte {
	if !keepPort {
		h = stripPort(h)
	}
	h = bytes.TrimSuffix(h, []byte("."))
	for _, b := range h {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}

func stripPort(h []byte) []byte {
	if i := bytes.LastIndexByte(h, ':'); i >= 0 && !bytes.Contains(h[i:], []byte("]")) {
		return h[:i]
	}
	return h
}

// CanonicalHost is host in the form the page cache and a clinic's own
// pages use: lower case, no trailing dot, no port.
func CanonicalHost(host string) string {
	return string(appendCanonicalHost(nil, []byte(host), false))
}

// handle serves one public GET or HEAD request.
func (s *Site) handle(c *fiber.Ctx) error {
	p := c.Request().URI().PathOriginal()
	if bytes.HasPrefix(p, prefixAPI) || bytes.Equal(p, prefixAPI[:4]) || bytes.HasPrefix(p, prefixAdmin) {
		return c.Next()
	}
	kp := keyPool.Get().(*[]byte)
	key := s.cacheKey((*kp)[:0], c)
	if e := s.cache.get(key); e != nil {
		*kp = key
		keyPool.Put(kp)
		return writeEntry(c, e)
	}
	skey := string(key)
	*kp = key
	keyPool.Put(kp)
	return s.miss(c, skey)
}

// req is a resolved public request.
type req struct {
	clinic *clinic.Clinic
	base   string // absolute site root without trailing slash
	prefix string // "" or "/sites/{slug}": the path part of base
	path   string // path below the site root, starting with "/"
	query  url.Values
}

// miss resolves the clinic, renders the page and caches it when it may be.
func (s *Site) miss(c *fiber.Ctx, key string) error {
	ctx := c.UserContext()
	rawPath := string(c.Request().URI().PathOriginal())
	origin := c.Protocol() + "://" + c.Hostname()
	var r req
	var err error
	if strings.HasPrefix(rawPath, "/sites/") {
		rest := strings.TrimPrefix(rawPath, "/sites/")
		slug, sub, _ := strings.Cut(rest, "/")
		r.clinic, err = s.clinicBySlug(ctx, slug)
		r.prefix = "/sites/" + slug
		r.base = origin + r.prefix
		r.path = "/" + sub
		if err == nil && !strings.Contains(rest, "/") {
			// /sites/slug -> /sites/slug/ so that relative paths are stable.
			return c.Redirect(r.prefix+"/", fiber.StatusMovedPermanently)
		}
	} else {
		host := CanonicalHost(c.Hostname())
		r.clinic, err = s.clinicByHost(ctx, host)
		r.base = c.Protocol() + "://" + host
		r.path = rawPath
	}
	if err != nil {
		if errors.Is(err, errUnknownSite) {
			return unknownSite(c)
		}
		return s.internalError(c, err)
	}
	// Pages see only the parameters that are part of the cache key.
	r.query = url.Values{}
	args := c.Request().URI().QueryArgs()
	for _, k := range knownQuery {
		if v := args.PeekBytes(k); len(v) > 0 {
			r.query.Set(string(k), string(v))
		}
	}

	// Concurrent misses of one URL render it once.
	v, err, _ := s.flight.Do(key, func() (any, error) {
		gen := s.cache.gen(r.clinic.ID)
		res, err := s.route(ctx, r)
		if err != nil {
			return nil, err
		}
		if !res.cacheable {
			return res, nil
		}
		e := newEntry(key, r.clinic.ID, res.status, res.ctype, res.cacheControl, res.body, s.cache.ttl)
		s.cache.put(e, gen)
		return e, nil
	})
	if err != nil {
		return s.internalError(c, err)
	}
	if e, ok := v.(*entry); ok {
		return writeEntry(c, e)
	}
	return writeResult(c, v.(result))
}

var errUnknownSite = errors.New("site: unknown site")

func (s *Site) clinicBySlug(ctx context.Context, slug string) (*clinic.Clinic, error) {
	s.infoMu.RLock()
	cl := s.bySlug[slug]
	s.infoMu.RUnlock()
	if cl != nil {
		return cl, nil
	}
	if !clinic.ValidSlug(slug) {
		return nil, errUnknownSite
	}
	c, err := s.clinics.BySlug(ctx, slug)
	if errs.HasCode(err, "not_found") {
		return nil, errUnknownSite
	}
	if err != nil {
		return nil, err
	}
	s.infoMu.Lock()
	s.bySlug[slug] = &c
	s.infoMu.Unlock()
	return &c, nil
}

func (s *Site) clinicByHost(ctx context.Context, host string) (*clinic.Clinic, error) {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	s.infoMu.RLock()
	cl := s.byHost[host]
	s.infoMu.RUnlock()
	if cl != nil {
		return cl, nil
	}
	if host == "" || len(host) > 253 {
		return nil, errUnknownSite
	}
	c, err := s.clinics.ByHost(ctx, host)
	if errs.HasCode(err, "not_found") {
		return nil, errUnknownSite
	}
	if err != nil {
		return nil, err
	}
	s.infoMu.Lock()
	if len(s.byHost) < 10000 {
		s.byHost[host] = &c
	}
	s.infoMu.Unlock()
	return &c, nil
}

// result is a rendered response before it is cached or written.
type result struct {
	status       int
	ctype        string
	cacheControl string
	body         []byte
	cacheable    bool
	noindex      bool
	location     string
}

// Cache-Control values.
const (
	// ccPublic lets browsers and shared caches keep a page for a minute and
	// serve it stale for one more while they revalidate (a 304 from memory).
	ccPublic = "public, max-age=60, stale-while-revalidate=60"
	// ccPrivate is for previews: never stored anywhere.
	ccPrivate = "private, no-store"
	// ccShort is for 404 pages and search results, which are not cached here.
	ccShort = "public, max-age=30"
)

var (
	hdrCacheControl   = []byte(fiber.HeaderCacheControl)
	hdrETag           = []byte(fiber.HeaderETag)
	hdrVary           = []byte(fiber.HeaderVary)
	hdrContentEnc     = []byte(fiber.HeaderContentEncoding)
	hdrIfNoneMatch    = []byte(fiber.HeaderIfNoneMatch)
	hdrAcceptEncoding = []byte(fiber.HeaderAcceptEncoding)
	valAcceptEncoding = []byte(fiber.HeaderAcceptEncoding)
	valGzip           = []byte("gzip")
	valBr             = []byte("br")
)

// PublicCSP is the Content-Security-Policy of every public page. Pages run
// no script at all (JSON-LD blocks are data, which script-src does not
// govern); themes put their CSS inline with per-clinic colours, so styles
// are allowed inline ('unsafe-inline' for style only: a hash would differ
// per clinic and theme, and no clinic text reaches a style block except
// the validated #rrggbb colour). Images may come from the site or any
// https origin (logo_url); nothing may frame a public page.
const PublicCSP = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var (
	hdrCSP      = []byte("Content-Security-Policy")
	valCSP      = []byte(PublicCSP)
	hdrXFO      = []byte(fiber.HeaderXFrameOptions)
	valDeny     = []byte("DENY")
	hdrNosniff  = []byte(fiber.HeaderXContentTypeOptions)
	valNosniff  = []byte("nosniff")
	hdrReferrer = []byte(fiber.HeaderReferrerPolicy)
	valReferrer = []byte("strict-origin-when-cross-origin")
)

// setSecurityHeaders adds the public pages' security headers (CSP,
// framing, nosniff, referrer policy) without allocating.
func setSecurityHeaders(h *fasthttp.ResponseHeader) {
	h.SetCanonical(hdrCSP, valCSP)
	h.SetCanonical(hdrXFO, valDeny)
	h.SetCanonical(hdrNosniff, valNosniff)
	h.SetCanonical(hdrReferrer, valReferrer)
}

// writeEntry sends a cached entry: 304 when If-None-Match names it,
// otherwise the best variant the client accepts. It allocates nothing.
func writeEntry(c *fiber.Ctx, e *entry) error {
	resp := c.Response()
	h := &resp.Header
	h.SetContentTypeBytes(e.ctype)
	h.SetCanonical(hdrCacheControl, e.cc)
	h.SetCanonical(hdrVary, valAcceptEncoding)
	if inm := c.Request().Header.PeekBytes(hdrIfNoneMatch); len(inm) > 0 && etagMatches(inm, e.hash) {
		h.SetCanonical(hdrETag, e.etag)
		resp.SetStatusCode(fiber.StatusNotModified)
		resp.SkipBody = true
		return nil
	}
	body, tag := e.plain, e.etag
	if ae := c.Request().Header.PeekBytes(hdrAcceptEncoding); len(ae) > 0 {
		switch {
		case e.br != nil && acceptsEncoding(ae, "br"):
			body, tag = e.br, e.etagBr
			h.SetCanonical(hdrContentEnc, valBr)
		case e.gz != nil && acceptsEncoding(ae, "gzip"):
			body, tag = e.gz, e.etagGz
			h.SetCanonical(hdrContentEnc, valGzip)
		}
	}
	h.SetCanonical(hdrETag, tag)
	setSecurityHeaders(h)
	resp.SetStatusCode(e.status)
	resp.SetBodyRaw(body)
	return nil
}

// writeResult sends an uncached result.
func writeResult(c *fiber.Ctx, res result) error {
	if res.location != "" {
		c.Set(fiber.HeaderCacheControl, ccShort)
		return c.Redirect(res.location, res.status)
	}
	c.Set(fiber.HeaderContentType, res.ctype)
	c.Set(fiber.HeaderCacheControl, res.cacheControl)
	setSecurityHeaders(&c.Response().Header)
	if res.noindex {
		c.Set("X-Robots-Tag", "noindex")
	}
	return c.Status(res.status).Send(res.body)
}

const unknownSiteHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Site not found</title></head>
<body><main><h1>Site not found</h1><p>No clinic website is served at this address.</p></main></body></html>
`

// unknownSite answers a host or clinic slug that no clinic has.
func unknownSite(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	setSecurityHeaders(&c.Response().Header)
	return c.Status(fiber.StatusNotFound).SendString(unknownSiteHTML)
}

const internalErrorHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Something went wrong</title></head>
<body><main><h1>Something went wrong</h1><p>This page could not be shown just now. Please try again in a moment.</p></main></body></html>
`

func (s *Site) internalError(c *fiber.Ctx, err error) error {
	slog.Error("site: request failed", "err", err, "path", c.Path(), "request_id", c.Locals("requestid"))
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusInternalServerError).SendString(internalErrorHTML)
}
