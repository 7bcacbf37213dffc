package media

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// PathPrefix is where media URLs live on every clinic's hosts.
const PathPrefix = "/media/"

// URL is the immutable path of a media item at width: the original for 0
// or its own width, else the variant of that width. A width without a
// variant (not generated yet, or not narrower than the original) gives the
// original's path. The clinic is named by id, which never changes (a slug
// can), so a URL stays valid as long as the bytes exist.
func URL(m Media, width int) string {
	if width > 0 && width != m.Width {
		for _, v := range m.Variants {
			if v.Width == width {
				return mediaPath(m.ClinicID, v.SHA256, v.Width, v.ContentType)
			}
		}
	}
	return mediaPath(m.ClinicID, m.SHA256, m.Width, m.ContentType)
}

func mediaPath(clinicID int64, sha string, width int, contentType string) string {
	return fmt.Sprintf("%s%d/%s/%d.%s", PathPrefix, clinicID, sha, width, ext(contentType))
}

// SrcSet gives what an <img> needs: src (the original), srcset (every
// variant and the original with its width descriptor; "" when there are
// no variants yet) and the intrinsic width and height, so the page
// reserves the space before the image loads.
func SrcSet(m Media) (src, srcset string, width, height int) {
	src = URL(m, 0)
	if len(m.Variants) > 0 {
		parts := make([]string, 0, len(m.Variants)+1)
		for _, v := range m.Variants {
			if v.Width < m.Width {
				parts = append(parts, fmt.Sprintf("%s %dw", mediaPath(m.ClinicID, v.SHA256, v.Width, v.ContentType), v.Width))
			}
		}
		parts = append(parts, fmt.Sprintf("%s %dw", src, m.Width))
		srcset = strings.Join(parts, ", ")
	}
	return src, srcset, m.Width, m.Height
}

// Ref is what a media path names.
type Ref struct {
	ClinicID int64
	SHA256   string
	Width    int
	Ext      string
}

// ParsePath reads a path made by URL (with or without PathPrefix's leading
// part): /media/{clinic id}/{sha256}/{width}.{jpg|png}. Only the canonical
// spelling is accepted (no leading zeros, lower-case hex), so each bytes
// has exactly one URL per clinic.
func ParsePath(p string) (Ref, bool) {
	p = strings.TrimPrefix(p, PathPrefix)
	parts := strings.Split(p, "/")
	if len(parts) != 3 {
		return Ref{}, false
	}
	clinicID, ok := canonicalInt(parts[0])
	if !ok || !validSHA(parts[1]) {
		return Ref{}, false
	}
	w, e, found := strings.Cut(parts[2], ".")
	width, ok := canonicalInt(w)
	if !found || !ok || (e != "jpg" && e != "png") {
		return Ref{}, false
	}
	return Ref{ClinicID: clinicID, SHA256: parts[1], Width: int(width), Ext: e}, true
}

func canonicalInt(s string) (int64, bool) {
	if s == "" || s[0] == '0' || len(s) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Usable reports whether the item may be shown on a page: it needs alt
// text (422 alt_required otherwise).
func Usable(m Media) error {
	if strings.TrimSpace(m.Alt) == "" {
		return errs.New(http.StatusUnprocessableEntity, "alt_required",
			"the image %q has no alt text; describe it for people who cannot see it before using it", m.OriginalName)
	}
	return nil
}

// TextForChecks is the text of a media item that the advertising-rule
// checks read: alt text, caption and the original file name (a file named
// "before-after.jpg" says what the picture is).
func TextForChecks(m Media) []string {
	return []string{m.Alt, m.Caption, m.OriginalName}
}
