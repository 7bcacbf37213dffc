package api

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/redirects"
)

// registerRedirects mounts the clinic redirect table routes.
func (a *API) registerRedirects(auth fiber.Router) {
	auth.Get("/clinics/:clinic/redirects", a.scoped(a.listRedirects))
	auth.Post("/clinics/:clinic/redirects", a.scoped(a.createRedirect))
	auth.Post("/clinics/:clinic/redirects/import", a.scoped(a.importRedirects))
	auth.Get("/clinics/:clinic/redirects/:id", a.scoped(a.getRedirect))
	auth.Patch("/clinics/:clinic/redirects/:id", a.scoped(a.patchRedirect))
	auth.Delete("/clinics/:clinic/redirects/:id", a.scoped(a.deleteRedirect))
}

func (a *API) listRedirects(c *fiber.Ctx, sc clinic.Scope) error {
	rs, err := a.Redirects.List(c.UserContext(), sc)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []redirects.Redirect{}
	}
	return c.JSON(fiber.Map{"redirects": rs})
}

func (a *API) getRedirect(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := a.Redirects.Get(c.UserContext(), sc, id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *API) createRedirect(c *fiber.Ctx, sc clinic.Scope) error {
	var in redirects.Input
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := a.Redirects.Create(c.UserContext(), sc, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *API) patchRedirect(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in redirects.Input
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := a.Redirects.Update(c.UserContext(), sc, id, in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *API) deleteRedirect(c *fiber.Ctx, sc clinic.Scope) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := a.Redirects.Delete(c.UserContext(), sc, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importRedirects takes CSV lines "from,target" as text/csv, or as the
// "csv" field of a JSON object.
func (a *API) importRedirects(c *fiber.Ctx, sc clinic.Scope) error {
	var body []byte
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); strings.HasPrefix(ct, "text/csv") {
		body = c.Body()
	} else {
		var in struct {
			CSV string `json:"csv"`
		}
		if err := decode(c, &in); err != nil {
			return err
		}
		body = []byte(in.CSV)
	}
	res, err := a.Redirects.ImportCSV(c.UserContext(), sc, bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.JSON(res)
}
