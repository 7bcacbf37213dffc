package main

import (
	"fmt"
	"strings"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// describe turns an application error into a readable CLI message.
func describe(err error) error {
	e, ok := errs.As(err)
	if !ok {
		return err
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return fmt.Errorf("%s (%s)", b.String(), e.Code)
}
