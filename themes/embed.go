// Package themes carries the public-site theme folders inside the binary.
// Each folder at the root of FS is one theme: theme.json, layout.html,
// partials.html, one template per page and style.css. internal/theme loads
// and renders them.
package themes

import "embed"

// FS holds every embedded theme folder.
//
//go:embed */theme.json */*.html */*.css
var FS embed.FS
