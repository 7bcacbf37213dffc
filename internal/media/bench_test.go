package media

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func TestMigrationRollsBack(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, Options{})
		upload(t, w, w.a, "a.png", pngOf(t, gradient(20, 10)), "x")
		// Later migrations roll back first; 00009 (media) is reached
		// within a few steps, and its down removes the table.
		for i := 0; d.Exec(`SELECT 1 FROM media`).Error == nil; i++ {
			if i == 20 {
				t.Fatal("media table survived the down migrations")
			}
			if err := d.MigrateDown(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		upload(t, w, w.a, "a.png", pngOf(t, gradient(20, 10)), "x")
	})
}

// BenchmarkUploadPhoto uploads a 12-megapixel camera JPEG (4000×3000)
// with EXIF orientation 6: sniff, walk, decode, rotate, re-encode,
// store, insert.
func BenchmarkUploadPhoto(b *testing.B) {
	w := benchWorld(b)
	photo := withExif(jpegOf(b, gradient(4000, 3000)), exifTIFF(binary.BigEndian, 6, true))
	b.SetBytes(int64(len(photo)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.svc.Upload(ctx, w.a, UploadInput{Filename: "p.jpg", Body: bytes.NewReader(photo), Alt: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateVariants makes the 480/960/1600 variants of a
// 12-megapixel photo (the variant rows are removed between runs).
func BenchmarkGenerateVariants(b *testing.B) {
	w := benchWorld(b)
	m, err := w.svc.Upload(ctx, w.a, UploadInput{Filename: "p.jpg", Body: bytes.NewReader(jpegOf(b, gradient(4000, 3000))), Alt: "x"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		w.d.Exec(`DELETE FROM media_variants`)
		b.StartTimer()
		if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func benchWorld(b *testing.B) *world {
	return newWorld(b, testenv.OpenSQLite(b), Options{TempDir: b.TempDir()})
}
