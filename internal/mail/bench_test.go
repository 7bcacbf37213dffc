package mail_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// BenchmarkEnqueue is what queuing a mail adds to a request: rendering
// both parts and one INSERT, in its own transaction here.
func BenchmarkEnqueue(b *testing.B) {
	d := testenv.OpenSQLite(b)
	if err := d.MigrateUp(context.Background()); err != nil {
		b.Fatal(err)
	}
	s, err := mail.New(d, mail.Config{})
	if err != nil {
		b.Fatal(err)
	}
	m := invitation("new@harbour.test", 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Tx(context.Background(), func(tx *gorm.DB) error { return s.Enqueue(tx, m) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeliver is one mail claimed, sent over STARTTLS with AUTH to the
// in-process server, and marked sent (one connection per mail).
func BenchmarkDeliver(b *testing.B) {
	d := testenv.OpenSQLite(b)
	if err := d.MigrateUp(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv := startSMTP(b, modeSTARTTLS)
	s, err := mail.New(d, mail.Config{URL: srv.URL("smtp"), From: "noreply@clinicpress.test", TLSConfig: tlsTrusting(srv), Batch: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	m := invitation("new@harbour.test", 0)
	err = d.Tx(context.Background(), func(tx *gorm.DB) error {
		for i := 0; i < b.N; i++ {
			if err := s.Enqueue(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	n, err := s.DeliverDue(context.Background())
	if err != nil || n != b.N {
		b.Fatalf("delivered %d of %d: %v", n, b.N, err)
	}
}
