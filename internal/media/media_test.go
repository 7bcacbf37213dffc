package media

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gabriel-vasile/mimetype"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mediastore"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

var ctx = context.Background()

func upload(t *testing.T, w *world, sc scope, name string, body []byte, alt string) Media {
	t.Helper()
	m, err := w.svc.Upload(ctx, sc, UploadInput{Filename: name, Body: bytes.NewReader(body), Alt: alt})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return m
}

func wantErr(t *testing.T, err error, status int, code errs.Code) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("err = %v, want %d %s", err, status, code)
	}
	if e.Status != status || e.Code != code {
		t.Fatalf("err = %d %s (%s), want %d %s", e.Status, e.Code, e.Message, status, code)
	}
}

// files lists the regular files under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// served reads the bytes a media URL serves.
func served(t *testing.T, svc *Service, url string) ([]byte, ContentInfo) {
	t.Helper()
	ref, ok := ParsePath(url)
	if !ok {
		t.Fatalf("URL %q does not parse", url)
	}
	rc, info, err := svc.Open(ctx, ref.ClinicID, ref.SHA256, ref.Width)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != ref.SHA256 || info.SHA256 != ref.SHA256 {
		t.Fatalf("%s serves bytes whose sha256 is %x", url, sum)
	}
	if info.Ext != ref.Ext || int64(len(b)) != info.Size {
		t.Fatalf("%s: info %+v for %d bytes", url, info, len(b))
	}
	return b, info
}

func TestRefusedUploads(t *testing.T) {
	w := sqliteWorld(t, Options{})
	small := gradient(64, 48)
	jpg, png, gf := jpegOf(t, small), pngOf(t, small), gifOf(t, small)
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	f, _ := zw.Create("payload.class")
	f.Write([]byte("not really java"))
	zw.Close()
	gifComment := append(append(append([]byte{}, gf[:len(gf)-1]...), 0x21, 0xFE, 25), "<script>alert(1)</script>"...)
	gifComment = append(gifComment, 0, 0x3B)
	cases := map[string]struct {
		body   []byte
		status int
		code   errs.Code
	}{
		"svg":                           {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`), 415, "unsupported_media_type"},
		"html":                          {[]byte("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"), 415, "unsupported_media_type"},
		"pdf":                           {[]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"), 415, "unsupported_media_type"},
		"text":                          {[]byte("just some words"), 415, "unsupported_media_type"},
		"zero bytes":                    {nil, 415, "unsupported_media_type"},
		"truncated jpeg":                {jpg[:len(jpg)/2], 415, "unsupported_media_type"},
		"jpeg without EOI":              {jpg[:len(jpg)-2], 415, "unsupported_media_type"},
		"truncated png":                 {png[:len(png)-20], 415, "unsupported_media_type"},
		"png signature only":            {append(append([]byte{}, pngSig...), "garbage garbage garbage"...), 415, "unsupported_media_type"},
		"gif+html polyglot":             {append(append([]byte{}, gf...), "<html><script>alert(document.cookie)</script></html>"...), 415, "unsupported_media_type"},
		"gif html comment":              {gifComment, 415, "unsupported_media_type"},
		"jpeg+html polyglot":            {append(append([]byte{}, jpg...), "\n<script>alert(1)</script>"...), 415, "unsupported_media_type"},
		"jpeg script in COM":            {insertSegment(jpg, 0xFE, []byte("<SCRIPT>fetch('/api')</SCRIPT>")), 415, "unsupported_media_type"},
		"png+zip (two types)":           {append(append([]byte{}, png...), zipped.Bytes()...), 415, "unsupported_media_type"},
		"png with pdf in text chunk":    {pngWithText(png, "Comment\x00%PDF-1.7 hidden document"), 415, "unsupported_media_type"},
		"png with script in text chunk": {pngWithText(png, "Comment\x00<script src=//evil.example/x.js></script>"), 415, "unsupported_media_type"},
		"bmp": {func() []byte {
			b := make([]byte, 58)
			copy(b, "BM")
			binary.LittleEndian.PutUint32(b[2:], 58)
			binary.LittleEndian.PutUint32(b[10:], 54)
			binary.LittleEndian.PutUint32(b[14:], 40)
			binary.LittleEndian.PutUint32(b[18:], 1)
			binary.LittleEndian.PutUint32(b[22:], 1)
			binary.LittleEndian.PutUint16(b[26:], 1)
			binary.LittleEndian.PutUint16(b[28:], 24)
			return b
		}(), 415, "unsupported_media_type"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := w.svc.Upload(ctx, w.a, UploadInput{Filename: "photo.jpg", Body: bytes.NewReader(c.body), Alt: "x"})
			wantErr(t, err, c.status, c.code)
			if e, _ := errs.As(err); strings.Contains(e.Message, "media:") || e.Message == "" {
				t.Errorf("message is not a clear one: %q", e.Message)
			}
		})
	}
	// Nothing was stored and no temporary file was left behind.
	var n int64
	w.d.Raw(`SELECT COUNT(*) FROM media`).Scan(&n)
	if n != 0 || len(files(t, w.dir)) != 0 || len(files(t, w.svc.opt.TempDir)) != 0 {
		t.Fatalf("refused uploads left %d rows, files %v, temp %v", n, files(t, w.dir), files(t, w.svc.opt.TempDir))
	}
	// The same images without the payloads are accepted: the refusals
	// above are about the payloads.
	for name, b := range map[string][]byte{"a.jpg": jpg, "a.png": png, "a.gif": gf} {
		upload(t, w, w.a, name, b, "A gradient")
	}
}

func TestAcceptedTypes(t *testing.T) {
	w := sqliteWorld(t, Options{})
	alpha := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	for i := range alpha.Pix {
		alpha.Pix[i] = uint8(i)
	}
	lossy, err := os.ReadFile("testdata/lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	lossless, err := os.ReadFile("testdata/lossless-alpha.webp")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file   string
		body         []byte
		source, want string
	}{
		{"jpeg", "x.jpeg", jpegOf(t, gradient(120, 80)), typeJPEG, typeJPEG},
		{"png named .jpg: the bytes decide", "photo.jpg", pngOf(t, gradient(120, 80)), typePNG, typePNG},
		{"png with alpha", "logo.png", pngOf(t, alpha), typePNG, typePNG},
		{"gif keeps its first frame as png", "anim.gif", gifOf(t, gradient(50, 40)), typeGIF, typePNG},
		{"lossy webp becomes jpeg", "x.webp", lossy, typeWebP, typeJPEG},
		{"lossless webp with alpha becomes png", "y.webp", lossless, typeWebP, typePNG},
		{"motion photo: an mp4 after the jpeg is dropped", "mvimg.jpg", append(jpegOf(t, gradient(40, 30)), "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"...), typeJPEG, typeJPEG},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			m := upload(t, w, w.a, c.file, c.body, "An image")
			if m.SourceType != c.source || m.ContentType != c.want || m.OriginalName != c.file {
				t.Fatalf("got %s → %s named %q, want %s → %s", m.SourceType, m.ContentType, m.OriginalName, c.source, c.want)
			}
			if m.Width != cfg.Width || m.Height != cfg.Height {
				t.Fatalf("stored %d×%d, uploaded %d×%d", m.Width, m.Height, cfg.Width, cfg.Height)
			}
			b, info := served(t, w.svc, URL(m, 0))
			if got := mimetype.Detect(b).String(); got != c.want || info.ContentType != c.want {
				t.Fatalf("served bytes sniff as %s, info says %s, want %s", got, info.ContentType, c.want)
			}
			if int64(len(b)) != m.Bytes {
				t.Fatalf("served %d bytes, row says %d", len(b), m.Bytes)
			}
		})
	}
}

func TestGPSTaggedJPEGIsStripped(t *testing.T) {
	w := sqliteWorld(t, Options{})
	in := withExif(jpegOf(t, gradient(160, 120)), exifTIFF(binary.BigEndian, 1, true))
	in = insertSegment(in, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude=\"1,17.03N\"/></x:xmpmeta>"))
	in = insertSegment(in, 0xFE, []byte("Camera serial 12345"))
	// The input really carries the location, as EXIF the parser can read.
	c, err := walk(bytes.NewReader(in), int64(len(in)), typeJPEG)
	if err != nil || c.exif == nil || !bytes.Contains(in, []byte(gpsMarker)) || !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatalf("fixture has no EXIF GPS: %v", err)
	}
	m := upload(t, w, w.a, "clinic-front.jpg", in, "The clinic's front door")

	stored := files(t, w.dir)
	if len(stored) != 1 {
		t.Fatalf("store holds %v", stored)
	}
	onDisk, _ := os.ReadFile(stored[0])
	servedBytes, _ := served(t, w.svc, URL(m, 0))
	for name, b := range map[string][]byte{"stored": onDisk, "served": servedBytes} {
		c, err := walk(bytes.NewReader(b), int64(len(b)), typeJPEG)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.exif != nil || len(c.meta) != 0 {
			t.Errorf("%s bytes keep %d metadata segments (exif %v)", name, len(c.meta), c.exif != nil)
		}
		for _, bad := range []string{"Exif\x00\x00", gpsMarker, "xmpmeta", "Camera serial", "http://ns.adobe.com"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s bytes contain %q", name, bad)
			}
		}
	}
}

func TestOrientationIsApplied(t *testing.T) {
	w := sqliteWorld(t, Options{})
	src := jpegOf(t, halves(40, 20, red, blue)) // red left, blue right
	near := func(c color.Color, want color.RGBA) bool {
		r, g, b, _ := c.RGBA()
		d := func(a uint32, b uint8) bool { x := int(a>>8) - int(b); return x < 60 && x > -60 }
		return d(r, want.R) && d(g, want.G) && d(b, want.B)
	}
	cases := []struct {
		o             int
		order         binary.ByteOrder
		w, h          int
		first, second color.RGBA // at (w/2, 2) and (w/2, h-3): top and bottom
	}{
		{6, binary.BigEndian, 20, 40, red, blue},    // 90° clockwise: left becomes top
		{6, binary.LittleEndian, 20, 40, red, blue}, // both byte orders
		{8, binary.BigEndian, 20, 40, blue, red},    // 90° counter-clockwise: right becomes top
		{1, binary.BigEndian, 40, 20, red, blue},    // unchanged (checked left/right below)
	}
	for _, c := range cases {
		m := upload(t, w, w.a, "rot.jpg", withExif(src, exifTIFF(c.order, c.o, false)), "rotated")
		if m.Width != c.w || m.Height != c.h {
			t.Fatalf("orientation %d: stored %d×%d, want %d×%d", c.o, m.Width, m.Height, c.w, c.h)
		}
		b, _ := served(t, w.svc, URL(m, 0))
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		p1, p2 := img.At(c.w/2, 2), img.At(c.w/2, c.h-3)
		if c.o == 1 {
			p1, p2 = img.At(2, c.h/2), img.At(c.w-3, c.h/2)
		}
		if !near(p1, c.first) || !near(p2, c.second) {
			t.Errorf("orientation %d: pixels %v and %v, want %v and %v", c.o, p1, p2, c.first, c.second)
		}
	}
}

func TestOrientTable(t *testing.T) {
	// a b c / d e f, with the results of each EXIF orientation written out
	// from the EXIF specification's pictures.
	src := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i, v := range "abcdef" {
		src.Pix[4*i] = byte(v)
		src.Pix[4*i+3] = 255
	}
	want := map[int][]string{
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}
	for o, rows := range want {
		got := orient(src, o, false).(*image.NRGBA)
		var lines []string
		for y := 0; y < got.Rect.Dy(); y++ {
			var s []byte
			for x := 0; x < got.Rect.Dx(); x++ {
				s = append(s, got.Pix[y*got.Stride+4*x])
			}
			lines = append(lines, string(s))
		}
		if !reflect.DeepEqual(lines, rows) {
			t.Errorf("orientation %d: %v, want %v", o, lines, rows)
		}
	}
}

func TestExifOrientationParser(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		for o := 1; o <= 8; o++ {
			if got := exifOrientation(exifTIFF(bo, o, true)); got != o {
				t.Errorf("%v orientation %d read as %d", bo, o, got)
			}
		}
		if got := exifOrientation(exifTIFF(bo, 0, true)); got != 1 {
			t.Errorf("no tag read as %d", got)
		}
	}
	bad := exifTIFF(binary.BigEndian, 6, false)
	bad[7] = 0xFF // IFD offset past the end
	for _, b := range [][]byte{nil, []byte("II"), []byte("XX*\x00\x08\x00\x00\x00"), bad, exifTIFF(binary.BigEndian, 9, false)} {
		if got := exifOrientation(b); got != 1 {
			t.Errorf("exifOrientation(%x) = %d, want 1", b, got)
		}
	}
}

func TestDecompressionBombRefusedBeforeDecoding(t *testing.T) {
	w := sqliteWorld(t, Options{})
	for _, c := range []struct {
		name string
		w, h uint32
	}{
		{"100000×100000", 100000, 100000}, // 10 gigapixels: 30 GB decoded
		{"10000×6000", 10000, 6000},       // within the side limit, over 50 megapixels
	} {
		t.Run(c.name, func(t *testing.T) {
			bomb := bombPNG(c.w, c.h)
			if len(bomb) > 100 {
				t.Fatalf("bomb is %d bytes", len(bomb))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := w.svc.Upload(ctx, w.a, UploadInput{Filename: "bomb.png", Body: bytes.NewReader(bomb), Alt: "x"})
			runtime.ReadMemStats(&after)
			wantErr(t, err, http.StatusUnprocessableEntity, "image_too_large")
			// Decoding even the smaller one needs 180 MB of pixels.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Fatalf("refusing the bomb allocated %d MB", grew>>20)
			}
		})
	}
}

// endless is a body that never ends; n counts what was read from it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xAB
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestSizeLimit(t *testing.T) {
	w := sqliteWorld(t, Options{MaxBytes: 1 << 20})
	body := &endless{}
	_, err := w.svc.Upload(ctx, w.a, UploadInput{Filename: "huge.jpg", Body: body, Alt: "x"})
	wantErr(t, err, http.StatusRequestEntityTooLarge, "too_large")
	if body.n > 1<<20+64<<10 {
		t.Fatalf("read %d bytes of an endless body with a 1 MB limit", body.n)
	}
	// A file below the limit passes, whatever its type would be.
	big := pngOf(t, gradient(600, 500))
	if len(big) >= 1<<20 {
		t.Fatalf("fixture too big: %d", len(big))
	}
	upload(t, w, w.a, "ok.png", big, "fine")
	if len(files(t, w.svc.opt.TempDir)) != 0 {
		t.Fatal("temporary files left behind")
	}
}

func TestAnotherClinicGets404(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, Options{})
		m := upload(t, w, w.a, "a.jpg", jpegOf(t, gradient(700, 350)), "Clinic A's waiting room")
		if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
			t.Fatal(err)
		}
		m, _ = w.svc.Get(ctx, w.a, m.ID)
		alt := "hijacked"
		_, err := w.svc.Get(ctx, w.b, m.ID)
		wantErr(t, err, 404, "not_found")
		_, err = w.svc.Update(ctx, w.b, m.ID, Patch{Alt: &alt, Version: 1})
		wantErr(t, err, 404, "not_found")
		wantErr(t, w.svc.Delete(ctx, w.b, m.ID), 404, "not_found")
		wantErr(t, w.svc.GenerateVariants(ctx, w.b.clinic, m.ID), 404, "not_found")
		for _, width := range []int{0, m.Width, m.Variants[0].Width} {
			sha := m.SHA256
			if width == m.Variants[0].Width {
				sha = m.Variants[0].SHA256
			}
			_, _, err = w.svc.Open(ctx, w.b.clinic, sha, width)
			wantErr(t, err, 404, "not_found")
			rc, _, err := w.svc.Open(ctx, w.a.clinic, sha, width)
			if err != nil {
				t.Fatalf("own clinic, width %d: %v", width, err)
			}
			rc.Close()
		}
		if items, _, _ := w.svc.List(ctx, w.b, "", 0); len(items) != 0 {
			t.Fatalf("clinic B lists %d items", len(items))
		}
		// Nothing changed for clinic A.
		got, err := w.svc.Get(ctx, w.a, m.ID)
		if err != nil || got.Alt != "Clinic A's waiting room" || got.Version != 1 {
			t.Fatalf("clinic A's item after B's attempts: %+v %v", got, err)
		}
		// A reader may list but not upload, edit or delete (403 from Scope).
		if _, _, err := w.svc.List(ctx, w.readOnly, "", 0); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Upload(ctx, w.readOnly, UploadInput{Filename: "x.png", Body: bytes.NewReader(pngOf(t, gradient(5, 5)))})
		wantErr(t, err, 403, "forbidden")
		_, err = w.svc.Update(ctx, w.readOnly, m.ID, Patch{Alt: &alt, Version: 1})
		wantErr(t, err, 403, "forbidden")
		wantErr(t, w.svc.Delete(ctx, w.readOnly, m.ID), 403, "forbidden")
		// Malformed lookups are 404 too.
		for _, sha := range []string{"", "../../etc/passwd", strings.ToUpper(m.SHA256)} {
			_, _, err = w.svc.Open(ctx, w.a.clinic, sha, 0)
			wantErr(t, err, 404, "not_found")
		}
	})
}

func TestDefaultVariantWidths(t *testing.T) {
	w := sqliteWorld(t, Options{})
	m := upload(t, w, w.a, "wide.jpg", jpegOf(t, gradient(1700, 850)), "A wide photo")
	if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
		t.Fatal(err)
	}
	m, _ = w.svc.Get(ctx, w.a, m.ID)
	var got [][2]int
	for _, v := range m.Variants {
		got = append(got, [2]int{v.Width, v.Height})
		b, _ := served(t, w.svc, URL(m, v.Width))
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != v.Width || cfg.Height != v.Height || int64(len(b)) != v.Bytes {
			t.Fatalf("variant %d serves %d×%d in %d bytes (%v)", v.Width, cfg.Width, cfg.Height, len(b), err)
		}
	}
	if want := [][2]int{{480, 240}, {960, 480}, {1600, 800}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("variants %v, want %v", got, want)
	}
}

func TestVariantsAreIdempotent(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		// Small widths keep the test quick under -race; the default widths
		// are checked by TestDefaultVariantWidths.
		w := newWorld(t, d, Options{Widths: []int{200, 60, 120, 120}})
		m := upload(t, w, w.a, "wide.jpg", jpegOf(t, gradient(250, 125)), "A wide photo")
		if m.VariantsReady || len(m.Variants) != 0 {
			t.Fatalf("fresh upload: %+v", m)
		}
		if _, srcset, _, _ := SrcSet(m); srcset != "" {
			t.Fatalf("srcset before variants: %q", srcset)
		}
		if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
			t.Fatal(err)
		}
		first, err := w.svc.Get(ctx, w.a, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !first.VariantsReady || len(first.Variants) != 3 {
			t.Fatalf("after the job: ready %v, %d variants", first.VariantsReady, len(first.Variants))
		}
		for i, want := range [][2]int{{60, 30}, {120, 60}, {200, 100}} {
			v := first.Variants[i]
			if v.Width != want[0] || v.Height != want[1] || v.ContentType != typeJPEG {
				t.Fatalf("variant %d: %+v", i, v)
			}
			b, _ := served(t, w.svc, URL(first, v.Width))
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width != v.Width || cfg.Height != v.Height || int64(len(b)) != v.Bytes {
				t.Fatalf("variant %d serves %d×%d in %d bytes (%v)", v.Width, cfg.Width, cfg.Height, len(b), err)
			}
		}
		blobs := files(t, w.dir)
		if len(blobs) != 4 {
			t.Fatalf("store holds %d blobs, want original + 3", len(blobs))
		}
		src, srcset, width, height := SrcSet(first)
		if src != URL(first, 0) || width != 250 || height != 125 || strings.Count(srcset, "w,") != 3 ||
			!strings.HasSuffix(srcset, src+" 250w") || !strings.HasPrefix(srcset, URL(first, 60)+" 60w, ") {
			t.Fatalf("SrcSet = %q %q %d %d", src, srcset, width, height)
		}

		// Twice: nothing changes.
		if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
			t.Fatal(err)
		}
		second, _ := w.svc.Get(ctx, w.a, m.ID)
		if !reflect.DeepEqual(first, second) || !reflect.DeepEqual(blobs, files(t, w.dir)) {
			t.Fatalf("second run changed things:\n%+v\n%+v", first.Variants, second.Variants)
		}
		// A lost blob is made again, with the same bytes.
		var key string
		w.d.Raw(`SELECT storage_key FROM media_variants WHERE clinic_id = ? AND media_id = ? AND width = 120`, w.a.clinic, m.ID).Scan(&key)
		if err := os.Remove(filepath.Join(w.dir, filepath.FromSlash(key))); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
			t.Fatal(err)
		}
		third, _ := w.svc.Get(ctx, w.a, m.ID)
		if !reflect.DeepEqual(first, third) || len(files(t, w.dir)) != 4 {
			t.Fatalf("regenerated variant differs: %+v", third.Variants)
		}
		served(t, w.svc, URL(third, 120))

		// Only widths narrower than the original are made.
		for _, c := range []struct{ w, n int }{{150, 2}, {60, 0}, {40, 0}} {
			m := upload(t, w, w.a, "small.png", pngOf(t, gradient(c.w, 30)), "small")
			if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
				t.Fatal(err)
			}
			m, _ = w.svc.Get(ctx, w.a, m.ID)
			if len(m.Variants) != c.n || !m.VariantsReady {
				t.Fatalf("%dpx wide: %d variants, ready %v", c.w, len(m.Variants), m.VariantsReady)
			}
			if c.n > 0 && (m.Variants[0].ContentType != typePNG || !strings.HasSuffix(URL(m, 60), "/60.png")) {
				t.Fatalf("png variant: %+v", m.Variants[0])
			}
		}
		wantErr(t, w.svc.GenerateVariants(ctx, w.a.clinic, 999999), 404, "not_found")
	})
}

func TestUpdateAltCaptionAndUsable(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, Options{})
		m := upload(t, w, w.a, "C:\\Users\\me\\Desktop\\before-after.jpg", jpegOf(t, gradient(50, 50)), "")
		if m.OriginalName != "before-after.jpg" {
			t.Fatalf("name kept as %q", m.OriginalName)
		}
		wantErr(t, Usable(m), 422, "alt_required")
		alt, caption := "  Dr Tan   explains\nthe procedure ", "Taken in\r\nour Orchard clinic."
		_, err := w.svc.Update(ctx, w.a, m.ID, Patch{Alt: &alt})
		wantErr(t, err, 422, "validation_failed")
		long := strings.Repeat("é", MaxAltLen+1)
		_, err = w.svc.Update(ctx, w.a, m.ID, Patch{Alt: &long, Version: 1})
		wantErr(t, err, 422, "validation_failed")
		ctrl := "bell\x07"
		_, err = w.svc.Update(ctx, w.a, m.ID, Patch{Caption: &ctrl, Version: 1})
		wantErr(t, err, 422, "validation_failed")

		m, err = w.svc.Update(ctx, w.a, m.ID, Patch{Alt: &alt, Caption: &caption, Version: 1})
		if err != nil {
			t.Fatal(err)
		}
		if m.Alt != "Dr Tan explains the procedure" || m.Caption != "Taken in our Orchard clinic." || m.Version != 2 {
			t.Fatalf("after update: %+v", m)
		}
		if err := Usable(m); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Update(ctx, w.a, m.ID, Patch{Alt: &caption, Version: 1})
		wantErr(t, err, 409, "version_conflict")
		// Only the named field changes.
		newCaption := "Our Orchard clinic."
		m, err = w.svc.Update(ctx, w.a, m.ID, Patch{Caption: &newCaption, Version: 2})
		if err != nil || m.Alt != "Dr Tan explains the procedure" || m.Caption != newCaption {
			t.Fatalf("caption-only update: %+v %v", m, err)
		}
		if got := TextForChecks(m); !reflect.DeepEqual(got, []string{m.Alt, newCaption, "before-after.jpg"}) {
			t.Fatalf("TextForChecks = %q", got)
		}
		// The stored bytes did not change: the URL is the same.
		before := URL(m, 0)
		again, _ := w.svc.Get(ctx, w.a, m.ID)
		if URL(again, 0) != before {
			t.Fatal("editing text changed the URL")
		}
		var actions []string
		w.d.Raw(`SELECT action FROM audit_entries WHERE clinic_id = ? AND target_type = 'media' ORDER BY id`, w.a.clinic).Scan(&actions)
		if !reflect.DeepEqual(actions, []string{"media.uploaded", "media.updated", "media.updated"}) {
			t.Fatalf("audit: %v", actions)
		}
	})
}

func TestDeleteRefusesInUse(t *testing.T) {
	used := map[int64]bool{}
	w := sqliteWorld(t, Options{InUse: func(_ context.Context, clinicID, id int64) (bool, error) { return used[id], nil }})
	m := upload(t, w, w.a, "a.jpg", jpegOf(t, gradient(700, 350)), "photo")
	if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
		t.Fatal(err)
	}
	keep := upload(t, w, w.a, "same.jpg", jpegOf(t, gradient(700, 350)), "same bytes, another item")
	m, _ = w.svc.Get(ctx, w.a, m.ID)
	used[m.ID] = true
	wantErr(t, w.svc.Delete(ctx, w.a, m.ID), 409, "in_use")
	if _, err := w.svc.Get(ctx, w.a, m.ID); err != nil {
		t.Fatal("refused delete removed the item")
	}
	used[m.ID] = false
	if err := w.svc.Delete(ctx, w.a, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err := w.svc.Get(ctx, w.a, m.ID)
	wantErr(t, err, 404, "not_found")
	_, _, err = w.svc.Open(ctx, w.a.clinic, m.Variants[0].SHA256, m.Variants[0].Width)
	wantErr(t, err, 404, "not_found")
	var n int64
	w.d.Raw(`SELECT COUNT(*) FROM media_variants WHERE media_id = ?`, m.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("%d variant rows left", n)
	}
	// The other upload of the same bytes kept its own blob.
	if got := files(t, w.dir); len(got) != 1 {
		t.Fatalf("store holds %v after delete", got)
	}
	if keep.SHA256 != m.SHA256 {
		t.Fatal("same pixels re-encoded differently")
	}
	served(t, w.svc, URL(keep, 0))
	wantErr(t, w.svc.Delete(ctx, w.a, m.ID), 404, "not_found")
}

func TestListPages(t *testing.T) {
	w := sqliteWorld(t, Options{})
	var ids []int64
	for i := 0; i < 5; i++ {
		m := upload(t, w, w.a, "p.png", pngOf(t, gradient(10+i, 10)), "p")
		ids = append(ids, m.ID)
	}
	upload(t, w, w.b, "b.png", pngOf(t, gradient(10, 10)), "b")
	var got []int64
	cursor := ""
	for pages := 0; ; pages++ {
		items, next, err := w.svc.List(ctx, w.a, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got = append(got, it.ID)
		}
		if next == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		cursor = next
	}
	want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	_, _, err := w.svc.List(ctx, w.a, "x", 2)
	wantErr(t, err, 400, "invalid_query")
	_, _, err = w.svc.List(ctx, w.a, "", 101)
	wantErr(t, err, 400, "invalid_query")
}

func TestURLs(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	m := Media{ClinicID: 7, SHA256: sha, Width: 1200, Height: 800, ContentType: typeJPEG,
		Variants: []Variant{{Width: 480, Height: 320, SHA256: strings.Repeat("cd", 32), ContentType: typeJPEG}}}
	if got := URL(m, 0); got != "/media/7/"+sha+"/1200.jpg" || URL(m, 1200) != got || URL(m, 960) != got {
		t.Fatalf("URL = %q", got)
	}
	if got := URL(m, 480); got != "/media/7/"+strings.Repeat("cd", 32)+"/480.jpg" {
		t.Fatalf("variant URL = %q", got)
	}
	ref, ok := ParsePath(URL(m, 480))
	if !ok || ref != (Ref{ClinicID: 7, SHA256: strings.Repeat("cd", 32), Width: 480, Ext: "jpg"}) {
		t.Fatalf("ParsePath = %+v %v", ref, ok)
	}
	for _, bad := range []string{
		"/media/07/" + sha + "/1200.jpg", "/media/7/" + strings.ToUpper(sha) + "/1200.jpg", "/media/7/" + sha + "/1200.gif",
		"/media/7/" + sha + "/01200.jpg", "/media/7/" + sha + "/1200", "/media/7/" + sha + "/1200.jpg/x", "/media/7/../1200.jpg",
		"/media/0/" + sha + "/1.png", "/media/7/" + sha[:63] + "/1.png", "/media/7/" + sha + "/1.jpg.png",
	} {
		if _, ok := ParsePath(bad); ok {
			t.Errorf("ParsePath(%q) accepted", bad)
		}
	}
}

// TestS3Backed runs the library on a real S3-protocol server (gofakes3 on
// 127.0.0.1) instead of the local directory.
func TestS3Backed(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("media"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	st, err := mediastore.Open(ctx, "s3://AKID:secretsecret@"+strings.TrimPrefix(srv.URL, "http://")+"/media/clinicpress?secure=false&region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	w := sqliteWorld(t, Options{})
	w.svc = New(w.d, st, w.svc.opt)
	m := upload(t, w, w.a, "s3.jpg", withExif(jpegOf(t, gradient(700, 520)), exifTIFF(binary.LittleEndian, 6, true)), "on S3")
	if m.Width != 520 || m.Height != 700 {
		t.Fatalf("stored %d×%d", m.Width, m.Height)
	}
	if err := w.svc.GenerateVariants(ctx, w.a.clinic, m.ID); err != nil {
		t.Fatal(err)
	}
	m, _ = w.svc.Get(ctx, w.a, m.ID)
	if len(m.Variants) != 1 || m.Variants[0].Width != 480 {
		t.Fatalf("variants %+v", m.Variants)
	}
	b, _ := served(t, w.svc, URL(m, 0))
	if bytes.Contains(b, []byte(gpsMarker)) {
		t.Fatal("GPS survived on S3")
	}
	served(t, w.svc, URL(m, 480))
	if err := w.svc.Delete(ctx, w.a, m.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{URL(m, 0), URL(m, 480)} {
		ref, _ := ParsePath(u)
		_, _, err := w.svc.Open(ctx, w.a.clinic, ref.SHA256, ref.Width)
		wantErr(t, err, 404, "not_found")
	}
	list, err := backend.ListBucket("media", nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Contents) != 0 {
		t.Fatalf("bucket still holds %d objects", len(list.Contents))
	}
}

// FuzzWalk feeds arbitrary bytes to the container walk and the EXIF
// reader: they must never panic nor claim an end past the input.
func FuzzWalk(f *testing.F) {
	j := jpegOf(f, gradient(16, 16))
	f.Add(withExif(j, exifTIFF(binary.BigEndian, 6, true)))
	f.Add(pngOf(f, gradient(8, 8)))
	f.Add(gifOf(f, gradient(8, 8)))
	f.Add(bombPNG(1, 1))
	webp, _ := os.ReadFile("testdata/lossy.webp")
	f.Add(webp)
	f.Fuzz(func(t *testing.T, b []byte) {
		exifOrientation(b)
		for _, typ := range []string{typeJPEG, typePNG, typeGIF, typeWebP} {
			c, err := walk(bytes.NewReader(b), int64(len(b)), typ)
			if err == nil && (c.end > int64(len(b)) || c.end <= 0) {
				t.Fatalf("%s: end %d of %d", typ, c.end, len(b))
			}
			if c.exif != nil {
				exifOrientation(c.exif)
			}
		}
	})
}
