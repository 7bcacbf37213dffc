package media

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// GenerateVariants makes the responsive sizes of a media item: one per
// Options.Widths entry narrower than the original, scaled with Catmull-Rom
// and encoded in the original's type. It is meant to run as a background
// job and is idempotent: a width whose row and blob both exist is left
// alone, so running it twice (or two runs racing) ends with the same rows
// and bytes. It answers 404 not_found when the item does not exist (it
// was deleted: the job has nothing left to do and should not retry).
func (s *Service) GenerateVariants(ctx context.Context, clinicID, mediaID int64) error {
	tx := s.db.WithContext(ctx)
	r, err := loadTx(tx, clinicID, mediaID)
	if err != nil {
		return err
	}
	existing, err := variantsTx(tx, clinicID, []int64{mediaID})
	if err != nil {
		return err
	}
	have := map[int]variantRow{}
	for _, v := range existing[mediaID] {
		have[v.Width] = v
	}
	widths := slices.Clone(s.opt.Widths)
	slices.Sort(widths)
	widths = slices.Compact(widths)
	var eligible []int
	todo := map[int]bool{}
	for _, w := range widths {
		if w <= 0 || w >= r.Width {
			continue
		}
		eligible = append(eligible, w)
		if v, ok := have[w]; ok {
			ok, err := s.store.Exists(ctx, v.StorageKey)
			if err != nil {
				return fmt.Errorf("media: variant exists: %w", err)
			}
			if ok {
				continue
			}
		}
		todo[w] = true
	}
	if len(todo) > 0 {
		if err := s.makeVariants(ctx, r, eligible, todo); err != nil {
			return err
		}
	}
	return tx.Exec(`UPDATE media SET variants_at = ? WHERE clinic_id = ? AND id = ? AND variants_at IS NULL`, s.now(), clinicID, mediaID).Error
}

// makeVariants scales the original down the chain of eligible widths and
// stores those in todo.
func (s *Service) makeVariants(ctx context.Context, r mediaRow, widths []int, todo map[int]bool) error {
	if err := s.acquire(ctx); err != nil {
		return err
	}
	defer s.release()
	rc, err := s.store.Open(ctx, r.StorageKey)
	if err != nil {
		return fmt.Errorf("media: open original: %w", err)
	}
	img, err := decodeStored(bufio.NewReaderSize(rc, 64<<10), r.ContentType)
	rc.Close()
	if err != nil {
		return fmt.Errorf("media: decode original %d: %w", r.ID, err)
	}
	// Widest first, each narrower variant scaled from the previous one:
	// Catmull-Rom's cost follows the source size, so for a 12-megapixel
	// photo the job takes 1.1 s instead of 1.9 s (BenchmarkGenerateVariants).
	// widths is sorted ascending and always the whole chain, even when
	// only one width is missing, so a variant's bytes depend only on the
	// original and the configured widths.
	src := img
	for i := len(widths) - 1; i >= 0; i-- {
		w := widths[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		h := max(1, int(math.Round(float64(r.Height)*float64(w)/float64(r.Width))))
		small := scale(src, w, h)
		src = small
		if !todo[w] {
			continue
		}
		f, err := s.writeTemp("clinicpress-variant-*", func(wr io.Writer) error { return encode(wr, small, r.ContentType, s.opt.JPEGQuality) })
		if err != nil {
			return err
		}
		key := variantKey(r.ClinicID, r.ID, w, f.sha, ext(r.ContentType))
		err = s.store.Put(ctx, key, f.f, f.size, r.ContentType)
		f.remove()
		if err != nil {
			return fmt.Errorf("media: store variant: %w", err)
		}
		err = s.db.WithContext(ctx).Exec(`INSERT INTO media_variants (clinic_id, media_id, width, height, sha256, storage_key, content_type, bytes, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (media_id, width) DO UPDATE SET height = excluded.height, sha256 = excluded.sha256,
				storage_key = excluded.storage_key, content_type = excluded.content_type, bytes = excluded.bytes`,
			r.ClinicID, r.ID, w, h, f.sha, key, r.ContentType, f.size, s.now()).Error
		if err != nil {
			// The item may have been deleted meanwhile: then the blob is
			// an orphan and nothing is left to do.
			if _, lerr := loadTx(s.db.WithContext(ctx), r.ClinicID, r.ID); errs.HasCode(lerr, "not_found") {
				s.store.Delete(context.WithoutCancel(ctx), key)
				return lerr
			}
			return fmt.Errorf("media: insert variant: %w", err)
		}
	}
	return nil
}
