package site

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/theme"
)

// wpQuery reports whether the home page was asked for with one of
// WordPress's id links ("/?p=5", "/?page_id=9", "/?attachment_id=10").
func wpQuery(r req) bool {
	return r.query.Has("p") || r.query.Has("page_id") || r.query.Has("attachment_id")
}

// fallback answers a path no page serves: a redirect of the clinic's table
// (301 once its article is live, 410 for retired paths and articles taken
// down, 404 otherwise), else the 404 page. Neither is cached: hits are
// counted and the answer changes when an article goes live.
func (s *Site) fallback(ctx context.Context, r req) (result, error) {
	if s.redirects == nil {
		return s.notFound(r)
	}
	out, found, err := s.redirects.Resolve(ctx, r.clinic.ID, r.path, r.query.Encode())
	if err != nil {
		return result{}, err
	}
	if !found {
		return s.notFound(r)
	}
	switch out.Status {
	case http.StatusMovedPermanently:
		return result{status: fiber.StatusMovedPermanently, location: r.prefix + out.Location}, nil
	case http.StatusGone:
		return s.gone(r)
	}
	return s.notFound(r)
}

// articleMissing answers /articles/{slug} when no live article has the
// slug: 410 when the article was published once and is not live any more,
// else whatever the redirect table says, else 404.
func (s *Site) articleMissing(ctx context.Context, r req, slug string) (result, error) {
	if s.redirects == nil {
		return s.notFound(r)
	}
	gone, err := s.redirects.ArticleGone(ctx, r.clinic.ID, slug)
	if err != nil {
		return result{}, err
	}
	if gone {
		return s.gone(r)
	}
	return s.fallback(ctx, r)
}

// gone is the theme's not-found page with status 410 Gone.
func (s *Site) gone(r req) (result, error) {
	v := s.view(r, "")
	v.Page = theme.Page{Title: "Page no longer available", Description: "This page has been removed from the site.", NoIndex: true}
	res, err := s.html(r, theme.PageNotFound, v, fiber.StatusGone)
	res.cacheControl = ccShort
	return res, err
}
