// Package migrations holds the versioned SQL migrations, one folder per
// dialect (sqlite, postgres), embedded in the binary and applied by goose.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
