package site

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/api"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/theme"
)

// Preview link lifetimes.
const (
	defaultPreviewTTL = 24 * time.Hour
	maxPreviewTTL     = 7 * 24 * time.Hour
)

// previewAPI is the part holding the preview-link routes under /api/v1.
type previewAPI struct{ s *Site }

// Register mounts the preview-link routes; they authenticate like every
// /api/v1 route and answer problem+json.
func (p previewAPI) Register(r fiber.Router) {
	base := "/api/v1/clinics/:clinic/articles/:id/previews"
	auth := p.s.api.Authenticate
	r.Post(base, auth, p.s.mintPreview)
	r.Get(base, auth, p.s.listPreviews)
	r.Delete(base, auth, p.s.revokeAllPreviews)
	r.Delete(base+"/:preview", auth, p.s.revokePreview)
}

type previewJSON struct {
	ID        int64      `json:"id"`
	Revision  int        `json:"revision"`
	URL       string     `json:"url,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func previewOut(p live.PreviewToken) previewJSON {
	return previewJSON{ID: p.ID, Revision: p.Revision, CreatedAt: p.CreatedAt, ExpiresAt: p.ExpiresAt, RevokedAt: p.RevokedAt}
}

// articleFor checks that the caller may read the article and returns its
// clinic id and current revision (404 for another clinic's article).
func (s *Site) articleFor(c *fiber.Ctx) (clinicID, articleID int64, current int, err error) {
	id, perr := strconv.ParseInt(c.Params("id"), 10, 64)
	if perr != nil || id <= 0 {
		return 0, 0, 0, errs.NotFound("article")
	}
	v, err := s.articles.Get(c.UserContext(), api.ActorOf(c), c.Params("clinic"), id)
	if err != nil {
		return 0, 0, 0, err
	}
	return v.ClinicID, v.ID, v.CurrentRevision, nil
}

// mintPreview: POST .../previews {revision?, ttl_minutes?} -> 201
// {id, revision, url, expires_at}. Any member who can read the article may
// mint one; revision defaults to the current one, the lifetime to a day
// (at most a week).
func (s *Site) mintPreview(c *fiber.Ctx) error {
	var in struct {
		Revision   int `json:"revision"`
		TTLMinutes int `json:"ttl_minutes"`
	}
	if err := api.DecodeOptional(c, &in); err != nil {
		return err
	}
	clinicID, articleID, current, err := s.articleFor(c)
	if err != nil {
		return err
	}
	var v errs.Validation
	ttl := defaultPreviewTTL
	if in.TTLMinutes != 0 {
		ttl = time.Duration(in.TTLMinutes) * time.Minute
		if in.TTLMinutes < 1 || ttl > maxPreviewTTL {
			v.Add("ttl_minutes", "must be between 1 and %d", int(maxPreviewTTL/time.Minute))
		}
	}
	if in.Revision < 0 {
		v.Add("revision", "must be a revision number")
	}
	if err := v.Err(); err != nil {
		return err
	}
	rev := in.Revision
	if rev == 0 {
		rev = current
	}
	if _, err := s.articles.Revision(c.UserContext(), api.ActorOf(c), c.Params("clinic"), articleID, rev); err != nil {
		return err
	}
	tok, p, err := s.live.MintPreview(c.UserContext(), clinicID, articleID, rev, api.ActorOf(c), s.now(), ttl)
	if err != nil {
		return err
	}
	out := previewOut(p)
	out.URL = c.Protocol() + "://" + c.Hostname() + "/sites/" + url.PathEscape(c.Params("clinic")) + "/preview/" + tok
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

// listPreviews: GET .../previews -> {previews: [...]} (without the secrets).
func (s *Site) listPreviews(c *fiber.Ctx) error {
	clinicID, articleID, _, err := s.articleFor(c)
	if err != nil {
		return err
	}
	ps, err := s.live.Previews(c.UserContext(), clinicID, articleID)
	if err != nil {
		return err
	}
	out := make([]previewJSON, len(ps))
	for i, p := range ps {
		out[i] = previewOut(p)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"previews": out})
}

// revokePreview: DELETE .../previews/{preview} -> 204.
func (s *Site) revokePreview(c *fiber.Ctx) error {
	clinicID, articleID, _, err := s.articleFor(c)
	if err != nil {
		return err
	}
	id, perr := strconv.ParseInt(c.Params("preview"), 10, 64)
	if perr != nil || id <= 0 {
		return errs.NotFound("preview")
	}
	if err := s.live.RevokePreview(c.UserContext(), clinicID, articleID, id, api.ActorOf(c), s.now()); err != nil {
		if errors.Is(err, live.ErrPreviewUnknown) {
			return errs.NotFound("preview")
		}
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// revokeAllPreviews: DELETE .../previews -> 204; every link of the article
// stops working.
func (s *Site) revokeAllPreviews(c *fiber.Ctx) error {
	clinicID, articleID, _, err := s.articleFor(c)
	if err != nil {
		return err
	}
	if _, err := s.live.RevokeAllPreviews(c.UserContext(), clinicID, articleID, api.ActorOf(c), s.now()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// previewPage renders the revision a valid token names with the clinic's
// theme: noindex, never cached. Unknown and other clinics' tokens answer
// 404, expired and revoked ones 410.
func (s *Site) previewPage(ctx context.Context, r req, tok string) (result, error) {
	private := func(res result, err error) (result, error) {
		res.cacheable, res.cacheControl, res.noindex = false, ccPrivate, true
		return res, err
	}
	p, err := s.live.OpenPreview(ctx, r.clinic.ID, tok, s.now())
	switch {
	case errors.Is(err, live.ErrPreviewUnknown):
		return private(s.notFound(r))
	case errors.Is(err, live.ErrPreviewExpired), errors.Is(err, live.ErrPreviewRevoked):
		v := s.view(r, "")
		v.Page = theme.Page{Title: "This preview link has expired", Description: "Ask the clinic for a new preview link.", NoIndex: true}
		return private(s.html(r, theme.PageNotFound, v, fiber.StatusGone))
	case err != nil:
		return result{}, err
	}
	d, err := s.live.PreviewRevision(ctx, p)
	if errors.Is(err, live.ErrPreviewUnknown) {
		return private(s.notFound(r))
	}
	if err != nil {
		return result{}, err
	}
	doc, err := s.md.Markdown(d.Body)
	if err != nil {
		return result{}, err
	}
	v := s.view(r, "")
	av := &theme.ArticleView{Slug: d.Slug, URL: r.base + "/articles/" + url.PathEscape(d.Slug), Title: d.Title, Summary: d.Summary,
		BodyHTML: doc.HTML, Headings: headings(doc.Headings), Tags: s.tags(r, d.Tags),
		Author: theme.Person{Name: d.AuthorName}, ReadingMinutes: (doc.Words + 199) / 200}
	if d.Approval != nil {
		av.Reviewer = theme.Reviewer{Name: d.Approval.DoctorName, Specialty: d.Approval.Specialty, RegistrationNumber: d.Approval.RegistrationNumber}
		av.ReviewedOn = d.Approval.CreatedAt
	}
	v.Article = av
	v.Page = theme.Page{Title: d.Title, Description: d.Summary, NoIndex: true, OGType: "article",
		Preview: &theme.Preview{RevisionNumber: d.Number, ExpiresAt: p.ExpiresAt}}
	return private(s.html(r, theme.PageArticle, v, fiber.StatusOK))
}
