package media

import (
	"bufio"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"github.com/gabriel-vasile/mimetype"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// The accepted upload types, decided from the bytes.
const (
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
	typeGIF  = "image/gif"
	typeWebP = "image/webp"
)

// accepted maps a sniffed type to the upload type it is treated as (an
// animated PNG is a PNG whose first frame is kept).
var accepted = map[string]string{
	typeJPEG: typeJPEG, typePNG: typePNG, "image/apng": typePNG, typeGIF: typeGIF, typeWebP: typeWebP,
}

// decodedFormat is the image package's name for each accepted type.
var decodedFormat = map[string]string{typeJPEG: "jpeg", typePNG: "png", typeGIF: "gif", typeWebP: "webp"}

// trailerOK are file types that may follow an image's end: phones append
// the video of a "motion photo" to the JPEG. Re-encoding drops it.
var trailerOK = map[string]bool{"application/octet-stream": true, "video/mp4": true, "video/quicktime": true}

func unsupported(format string, args ...any) error {
	return errs.New(http.StatusUnsupportedMediaType, "unsupported_media_type", format, args...)
}

func tooLargeImage(format string, args ...any) error {
	return errs.New(http.StatusUnprocessableEntity, "image_too_large", format, args...)
}

// named is the friendly name of each accepted type for messages.
var named = map[string]string{typeJPEG: "JPEG", typePNG: "PNG", typeGIF: "GIF", typeWebP: "WebP"}

const acceptList = "upload a JPEG, PNG, WebP or GIF image"

// refusal explains why a sniffed type is not accepted.
func refusal(m *mimetype.MIME) error {
	switch {
	case m.Is("image/svg+xml"):
		return unsupported("SVG images can carry scripts and are not accepted; export the image as PNG and upload that")
	case m.Is("text/html"):
		return unsupported("the file is an HTML page, not an image; %s", acceptList)
	case m.Is("application/pdf"):
		return unsupported("the file is a PDF document, not an image; %s", acceptList)
	case m.Is("image/heic"), m.Is("image/heif"), m.Is("image/avif"):
		return unsupported("HEIC/HEIF and AVIF images are not accepted yet; export the photo as JPEG and upload that")
	}
	return unsupported("files of type %s are not accepted; %s", m.String(), acceptList)
}

// processed is an upload turned into the image that is stored.
type processed struct {
	source string      // the sniffed upload type
	img    image.Image // oriented, ready to encode
	out    string      // stored type: typeJPEG or typePNG
}

// inspectAndDecode runs every check on the upload in f (size bytes) and
// decodes it: type from the bytes, decoder agreement, pixel and dimension
// limits (from the header alone, before any pixel memory is allocated),
// container structure, polyglot markers and trailers, then the decode and
// the EXIF orientation.
func (s *Service) inspectAndDecode(f io.ReaderAt, size int64) (processed, error) {
	section := func(off, n int64) io.Reader { return io.NewSectionReader(f, off, n) }
	m, err := mimetype.DetectReader(section(0, size))
	if err != nil {
		return processed{}, fmt.Errorf("media: sniff: %w", err)
	}
	source, ok := accepted[m.String()]
	if !ok {
		return processed{}, refusal(m)
	}
	name := named[source]
	cfg, format, err := image.DecodeConfig(section(0, size))
	if err != nil {
		return processed{}, unsupported("the file starts like a %s image but is not a readable one", name)
	}
	if format != decodedFormat[source] {
		return processed{}, unsupported("the file looks like a %s image to one reader and like %s to another; such files are refused", name, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return processed{}, unsupported("the %s image has no pixels", name)
	}
	if cfg.Width > s.opt.MaxDimension || cfg.Height > s.opt.MaxDimension {
		return processed{}, tooLargeImage("the image is %d×%d pixels; each side may be at most %d", cfg.Width, cfg.Height, s.opt.MaxDimension)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > s.opt.MaxPixels {
		return processed{}, tooLargeImage("the image is %d×%d pixels (%.1f megapixels); at most %.1f megapixels are accepted",
			cfg.Width, cfg.Height, float64(px)/1e6, float64(s.opt.MaxPixels)/1e6)
	}
	c, err := walk(f, size, source)
	if err != nil {
		return processed{}, unsupported("the file is not a complete %s image (it is truncated or damaged)", name)
	}
	for _, sp := range c.meta {
		mk, err := findMarker(section(sp.off, sp.n))
		if err != nil {
			return processed{}, fmt.Errorf("media: scan: %w", err)
		}
		if mk != "" {
			return processed{}, unsupported("the image's metadata holds %q (HTML, script or another document hidden in an image); such files are refused", mk)
		}
	}
	if c.end < size {
		mk, err := findMarker(section(c.end, size-c.end))
		if err != nil {
			return processed{}, fmt.Errorf("media: scan: %w", err)
		}
		if mk != "" {
			return processed{}, unsupported("the file has %q after the end of the %s image (HTML or script appended to an image); such files are refused", mk, name)
		}
		tm, err := mimetype.DetectReader(section(c.end, size-c.end))
		if err != nil {
			return processed{}, fmt.Errorf("media: sniff trailer: %w", err)
		}
		if !trailerOK[tm.String()] {
			return processed{}, unsupported("the file is a %s image with a %s file appended; upload the image alone", name, tm.String())
		}
	}

	r := bufio.NewReaderSize(section(0, c.end), 64<<10)
	var img image.Image
	out := typePNG
	switch source {
	case typeJPEG:
		img, err = jpeg.Decode(r)
		out = typeJPEG
	case typePNG:
		img, err = png.Decode(r)
	case typeGIF:
		img, err = gif.Decode(r)
		if err == nil && img.Bounds() != image.Rect(0, 0, cfg.Width, cfg.Height) {
			// The first frame covers part of the logical screen: place it.
			canvas := image.NewNRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
			draw.Draw(canvas, img.Bounds(), img, img.Bounds().Min, draw.Src)
			img = canvas
		}
	case typeWebP:
		img, err = webp.Decode(r)
		if _, lossy := img.(*image.YCbCr); err == nil && lossy {
			out = typeJPEG // lossy and opaque: JPEG keeps it small
		}
	}
	if err != nil {
		return processed{}, unsupported("the %s image could not be decoded (it is truncated, damaged or uses a feature that is not supported)", name)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return processed{}, unsupported("the %s image's header and pixels disagree about its size; such files are refused", name)
	}
	if o := exifOrientation(c.exif); o > 1 {
		img = orient(img, o, out == typeJPEG)
	}
	return processed{source: source, img: img, out: out}, nil
}

// encode writes img in the stored type. Neither encoder writes metadata:
// the output carries pixels only (no EXIF, XMP, ICC profile or comments).
func encode(w io.Writer, img image.Image, typ string, quality int) error {
	if typ == typeJPEG {
		return jpeg.Encode(w, img, &jpeg.Options{Quality: quality})
	}
	return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
}

// decodeStored decodes a stored original (always JPEG or PNG).
func decodeStored(r io.Reader, typ string) (image.Image, error) {
	if typ == typeJPEG {
		return jpeg.Decode(r)
	}
	return png.Decode(r)
}

// scale resizes img to w×h with Catmull-Rom.
func scale(img image.Image, w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	return dst
}

// orient applies EXIF orientation o (2 to 8) so the pixels stand the way
// the camera meant them to be seen. opaque selects RGBA over NRGBA.
func orient(src image.Image, o int, opaque bool) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	var sp []byte
	var sstride int
	if opaque {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(m, m.Bounds(), src, b.Min, draw.Src)
		sp, sstride = m.Pix, m.Stride
	} else {
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(m, m.Bounds(), src, b.Min, draw.Src)
		sp, sstride = m.Pix, m.Stride
	}
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	var dst image.Image
	var dp []byte
	var dstride int
	if opaque {
		m := image.NewRGBA(image.Rect(0, 0, dw, dh))
		dst, dp, dstride = m, m.Pix, m.Stride
	} else {
		m := image.NewNRGBA(image.Rect(0, 0, dw, dh))
		dst, dp, dstride = m, m.Pix, m.Stride
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored horizontally
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs 90° clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs 90° counter-clockwise
				dx, dy = y, w-1-x
			default:
				dx, dy = x, y
			}
			si := y*sstride + 4*x
			di := dy*dstride + 4*dx
			copy(dp[di:di+4], sp[si:si+4])
		}
	}
	return dst
}
