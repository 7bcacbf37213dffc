package site

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/live"
	"github.com/clinicpress/clinicpress/internal/present"
	"github.com/clinicpress/clinicpress/internal/theme"
)

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
	doc := s.md.Safe(d.Body)
	v := s.view(r, "")
	av := present.ArticleView(r.base, present.FromPreview(d), doc)
	v.Article = av
	v.Page = theme.Page{Title: d.Title, Description: d.Summary, NoIndex: true, OGType: "article",
		Preview: &theme.Preview{RevisionNumber: d.Number, ExpiresAt: p.ExpiresAt}}
	return private(s.html(r, theme.PageArticle, v, fiber.StatusOK))
}
