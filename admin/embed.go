// Package admin carries the admin web app's templates and static files
// inside the binary; internal/adminui serves them under /admin.
package admin

import "embed"

// FS holds templates/*.html and static/* (one CSS file, one JS file).
//
//go:embed templates/*.html static/*
var FS embed.FS
