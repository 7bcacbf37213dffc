package adminui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// lines splits a textarea or comma list into trimmed, non-empty entries.
func lines(s string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isUserError reports whether err is an application error to show on the
// form (anything else is an internal failure).
func isUserError(err error) (*errs.Error, bool) {
	e, ok := errs.As(err)
	if !ok || e.Status >= 500 || e.Code == "not_found" {
		return nil, false
	}
	return e, true
}

// idParam reads a positive id from the path; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(name)
	}
	return id, nil
}

// formInt reads an integer form field (0 when missing or invalid).
func formInt(c *fiber.Ctx, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	return n
}

// fieldErrors indexes a validation error's messages by field.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	if e, ok := errs.As(err); ok {
		for _, f := range e.Fields {
			out[f.Field] = f.Message
		}
	}
	return out
}
