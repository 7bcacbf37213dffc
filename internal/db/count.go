package db

import (
	"context"
	"sync/atomic"

	"gorm.io/gorm"
)

type counterKey struct{}

// WithStatementCounter returns a context that counts the SQL statements
// run through GORM under it (queries, inserts, updates, deletes and raw
// statements; BEGIN and COMMIT are not counted). The server puts one on
// every request, so the request log and the metrics can say how many
// statements each answer cost.
func WithStatementCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, n), n
}

func countStatement(tx *gorm.DB) {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return
	}
	if n, ok := tx.Statement.Context.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// registerCounter hooks countStatement after every kind of statement.
func registerCounter(g *gorm.DB) error {
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("clinicpress:count", countStatement),
		cb.Query().After("gorm:query").Register("clinicpress:count", countStatement),
		cb.Update().After("gorm:update").Register("clinicpress:count", countStatement),
		cb.Delete().After("gorm:delete").Register("clinicpress:count", countStatement),
		cb.Row().After("gorm:row").Register("clinicpress:count", countStatement),
		cb.Raw().After("gorm:raw").Register("clinicpress:count", countStatement),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
