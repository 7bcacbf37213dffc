package wxr

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// Uploads finds WordPress's uploaded files in a copy of wp-content/uploads:
// a folder or a zip archive, with the year folders at its root or under
// "uploads/" or "wp-content/uploads/".
type Uploads struct {
	fsys  fs.FS
	zip   *zip.ReadCloser
	roots []string
}

// OpenUploads opens a folder or a .zip file of uploads.
func OpenUploads(p string) (*Uploads, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("wxr: uploads: %w", err)
	}
	u := &Uploads{roots: []string{"", "uploads/", "wp-content/uploads/"}}
	if st.IsDir() {
		u.fsys = os.DirFS(p)
		return u, nil
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, errs.BadRequest("wxr_uploads_invalid", "the uploads file is neither a folder nor a zip archive")
		}
		return nil, fmt.Errorf("wxr: uploads: %w", err)
	}
	u.zip, u.fsys = zr, zr
	return u, nil
}

// NewUploads uses an fs.FS that holds the uploads.
func NewUploads(fsys fs.FS) *Uploads {
	return &Uploads{fsys: fsys, roots: []string{"", "uploads/", "wp-content/uploads/"}}
}

// FS returns the file system Find's names are in.
func (u *Uploads) FS() fs.FS { return u.fsys }

// Close releases a zip archive.
func (u *Uploads) Close() error {
	if u.zip != nil {
		return u.zip.Close()
	}
	return nil
}

// Find returns the name (in FS) of the original file behind an image URL or
// an upload path ("2024/05/photo-300x200.jpg" finds "2024/05/photo.jpg"),
// falling back to the exact resized copy when the original is missing.
// ok is false when neither is there: a missing image for the report.
func (u *Uploads) Find(srcOrPath string) (name string, ok bool) {
	p := UploadPath(srcOrPath)
	if p == "" {
		p = strings.TrimPrefix(srcOrPath, "/")
	}
	p = path.Clean(p)
	if p == "." || strings.HasPrefix(p, "../") {
		return "", false
	}
	for _, cand := range []string{OriginalUploadPath(p), p} {
		for _, root := range u.roots {
			n := root + cand
			if st, err := fs.Stat(u.fsys, n); err == nil && !st.IsDir() {
				return n, true
			}
		}
	}
	return "", false
}
