package api_test

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/db"
)

func auditVerify(ctx context.Context, d *db.DB) ([]audit.Broken, int, error) {
	return audit.Verify(ctx, d.DB)
}
