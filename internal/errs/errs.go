// Package errs defines the one application error type. Domain code returns
// *Error with a stable Code and a safe Message; the HTTP layers turn it into
// problem+json. Anything else is an internal error and is never shown.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an application error safe to show to the client.
type Error struct {
	Status  int          // HTTP status it maps to
	Code    Code         // stable machine-readable code (codes.go)
	Message string       // safe, human-readable detail
	Fields  []FieldError // per-field problems for validation_failed
	Extra   map[string]any
}

// FieldError names one invalid field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HasCode reports whether err is an *Error with code.
func HasCode(err error, code Code) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// New builds an *Error.
func New(status int, code Code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the answer for anything missing or belonging to another clinic.
func NotFound(what string) *Error {
	return New(http.StatusNotFound, "not_found", "%s not found", what)
}

// Forbidden refuses an action the caller may not take.
func Forbidden(code Code, format string, args ...any) *Error {
	return New(http.StatusForbidden, code, format, args...)
}

// Conflict refuses an action that does not fit the current state.
func Conflict(code Code, format string, args ...any) *Error {
	return New(http.StatusConflict, code, format, args...)
}

// Unauthenticated asks the caller to sign in.
func Unauthenticated(format string, args ...any) *Error {
	return New(http.StatusUnauthorized, "unauthenticated", format, args...)
}

// BadRequest refuses a request that cannot be read.
func BadRequest(code Code, format string, args ...any) *Error {
	return New(http.StatusBadRequest, code, format, args...)
}

// Validation collects field errors; Err returns nil when there are none.
type Validation []FieldError

// Add records a problem with field.
func (v *Validation) Add(field, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns a validation_failed *Error (422) or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Message: "some fields are invalid", Fields: v}
}
