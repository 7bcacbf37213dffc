package server

import (
	"bytes"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// guardHeaders is the last line against response splitting: it runs
// outside every other middleware, turns a returned error into its answer
// first (so the error path is checked too), and then looks at every
// response header, cookies included. A name or value with CR or LF never
// leaves the server: the whole response is replaced by a 500 problem+json
// and the offending header name is logged.
func guardHeaders(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	bad := ""
	c.Response().Header.VisitAll(func(k, v []byte) {
		if bad == "" && (bytes.ContainsAny(k, "\r\n") || bytes.ContainsAny(v, "\r\n")) {
			bad = string(k)
		}
	})
	if bad == "" {
		return nil
	}
	slog.Error("response header with CR/LF refused", "header", sanitize(bad), "method", c.Method(), "path", c.Path(),
		"request_id", c.Locals("requestid"))
	c.Response().Reset()
	c.Status(fiber.StatusInternalServerError)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(`{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"internal error","code":"internal"}`)
}

// sanitize keeps a header name loggable.
func sanitize(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, []byte(s)))
}
