package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
)

// Authenticate is the /api/v1 authentication middleware, for routes that
// other parts register under /api/v1 (the public site's preview links): it
// accepts a bearer token or the session cookie and answers 401 otherwise.
func (a *API) Authenticate(c *fiber.Ctx) error { return a.authenticate(c) }

// ActorOf returns the signed-in caller of a request that passed
// Authenticate.
func ActorOf(c *fiber.Ctx) authz.Actor { return actor(c) }

// DecodeOptional reads an optional strict JSON body into dst, with the same
// rules and problem codes as every /api/v1 handler.
func DecodeOptional(c *fiber.Ctx, dst any) error { return decodeOptional(c, dst) }
