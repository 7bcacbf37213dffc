package api

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// mintPreview: POST .../previews {revision?, ttl_minutes?} -> 201 with the
// link; the secret appears only in this answer.
func (a *API) mintPreview(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Revision   int `json:"revision"`
		TTLMinutes int `json:"ttl_minutes"`
	}
	if err := decodeOptional(c, &in); err != nil {
		return err
	}
	if in.TTLMinutes < 0 || in.TTLMinutes > int(article.MaxPreviewTTL/time.Minute) {
		in.TTLMinutes = -1 // the service refuses it with a field error
	}
	tok, p, err := a.Articles.MintPreview(c.UserContext(), sc, id, in.Revision, time.Duration(in.TTLMinutes)*time.Minute)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": p.ID, "revision": p.Revision, "created_at": p.CreatedAt,
		"expires_at": p.ExpiresAt, "revoked_at": p.RevokedAt,
		"url": c.Protocol() + "://" + c.Hostname() + "/sites/" + url.PathEscape(sc.Clinic().Slug) + "/preview/" + tok})
}

// listPreviews: GET .../previews -> {previews: [...]} without the secrets.
func (a *API) listPreviews(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ps, err := a.Articles.Previews(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"previews": ps})
}

// revokePreview: DELETE .../previews/{preview} -> 204, or DELETE
// .../previews to revoke every link of the article.
func (a *API) revokePreview(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var pid int64
	if s := c.Params("preview"); s != "" {
		if pid, err = strconv.ParseInt(s, 10, 64); err != nil || pid <= 0 {
			return errs.NotFound("preview")
		}
	}
	if err := a.Articles.RevokePreview(c.UserContext(), sc, id, pid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
