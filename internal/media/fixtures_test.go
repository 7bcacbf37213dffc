package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mediastore"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// scope is the test's caller: a member of one clinic allowed some actions.
type scope struct {
	clinic int64
	actor  authz.Actor
	allow  map[string]bool // "media:write"
}

func (s scope) ClinicID() int64    { return s.clinic }
func (s scope) Actor() authz.Actor { return s.actor }
func (s scope) Require(obj, act string) error {
	if s.allow[obj+":"+act] {
		return nil
	}
	return errs.Forbidden("forbidden", "you may not %s %s here", act, obj)
}

// world is a migrated database with two clinics and a member in each.
type world struct {
	d        *db.DB
	dir      string // local store directory
	store    *mediastore.Local
	svc      *Service
	a, b     scope // editors of clinic A and B
	readOnly scope // may read clinic A only
}

func insertID(t testing.TB, d *db.DB, q, sel string, args ...any) int64 {
	t.Helper()
	if err := d.Exec(q, args...).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.Raw(sel, args[0]).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("read id: %v", err)
	}
	return id
}

// newWorld migrates d and inserts the clinics and users rows directly.
func newWorld(t testing.TB, d *db.DB, opt Options) *world {
	t.Helper()
	ctx := context.Background()
	if err := d.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	user := func(email string) int64 {
		return insertID(t, d, `INSERT INTO users (email, name, password_hash, platform_admin, password_changed_at, created_at, updated_at) VALUES (?, ?, 'x', FALSE, ?, ?, ?)`,
			`SELECT id FROM users WHERE email = ?`, email, email, now, now, now)
	}
	clinicRow := func(slug string) int64 {
		return insertID(t, d, `INSERT INTO clinics (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			`SELECT id FROM clinics WHERE slug = ?`, slug, "Clinic "+slug, now, now)
	}
	ca, cb := clinicRow("alpha"), clinicRow("beta")
	ua, ub := user("writer@alpha.test"), user("writer@beta.test")
	dir := filepath.Join(t.TempDir(), "media")
	st, err := mediastore.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opt.Now == nil {
		opt.Now = func() time.Time { return now }
	}
	if opt.TempDir == "" {
		opt.TempDir = t.TempDir()
	}
	rw := map[string]bool{"media:read": true, "media:write": true}
	return &world{d: d, dir: dir, store: st, svc: New(d, st, opt),
		a:        scope{clinic: ca, actor: authz.Actor{UserID: ua, Name: "Writer A", RequestID: "req-a"}, allow: rw},
		b:        scope{clinic: cb, actor: authz.Actor{UserID: ub, Name: "Writer B", RequestID: "req-b"}, allow: rw},
		readOnly: scope{clinic: ca, actor: authz.Actor{UserID: ua}, allow: map[string]bool{"media:read": true}},
	}
}

// sqliteWorld is newWorld on a fresh SQLite database.
func sqliteWorld(t *testing.T, opt Options) *world { return newWorld(t, testenv.OpenSQLite(t), opt) }

// halves is a w×h image whose left half is left and right half is right.
func halves(w, h int, left, right color.Color) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				m.Set(x, y, left)
			} else {
				m.Set(x, y, right)
			}
		}
	}
	return m
}

// gradient is a w×h photo-like image.
func gradient(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	return m
}

var (
	red  = color.RGBA{255, 0, 0, 255}
	blue = color.RGBA{0, 0, 255, 255}
)

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// insertSegment puts a JPEG segment (marker, payload) right after SOI.
func insertSegment(j []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// gpsMarker is a string stored in the GPS IFD; finding it in the output
// would mean the location survived.
const gpsMarker = "GPS-SECRET-1.2839N-103.8515E"

// exifTIFF builds an EXIF TIFF structure in byte order bo with an
// orientation tag (0 for none) and, if gps, a GPS IFD holding latitude
// and a processing-method string.
func exifTIFF(bo binary.ByteOrder, orientation int, gps bool) []byte {
	var b bytes.Buffer
	if bo == binary.ByteOrder(binary.LittleEndian) {
		b.WriteString("II")
	} else {
		b.WriteString("MM")
	}
	w16 := func(v uint16) { binary.Write(&b, bo, v) }
	w32 := func(v uint32) { binary.Write(&b, bo, v) }
	w16(42)
	w32(8)
	n := 0
	if orientation > 0 {
		n++
	}
	if gps {
		n++
	}
	ifd0End := 8 + 2 + 12*n + 4
	w16(uint16(n))
	if orientation > 0 {
		w16(0x0112)
		w16(3)
		w32(1)
		w16(uint16(orientation))
		w16(0)
	}
	if gps {
		w16(0x8825)
		w16(4)
		w32(1)
		w32(uint32(ifd0End))
	}
	w32(0)
	if gps {
		// GPS IFD: LatitudeRef "N", Latitude 1/1 17/1 2/1, ProcessingMethod.
		gpsIFDLen := 2 + 12*3 + 4
		dataOff := ifd0End + gpsIFDLen
		w16(3)
		w16(0x0001)
		w16(2)
		w32(2)
		b.Write([]byte{'N', 0, 0, 0})
		w16(0x0002)
		w16(5)
		w32(3)
		w32(uint32(dataOff))
		w16(0x001B)
		w16(7)
		w32(uint32(len(gpsMarker)))
		w32(uint32(dataOff + 24))
		w32(0)
		for _, v := range []uint32{1, 1, 17, 1, 2, 1} {
			w32(v)
		}
		b.WriteString(gpsMarker)
	}
	return b.Bytes()
}

// withExif adds an APP1 EXIF segment to a JPEG.
func withExif(j, tiff []byte) []byte {
	return insertSegment(j, 0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	copy(out[4:], typ)
	out = append(out, data...)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	return binary.BigEndian.AppendUint32(out, crc.Sum32())
}

// bombPNG is a tiny PNG whose header declares w×h RGB pixels.
func bombPNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit truecolour
	var b bytes.Buffer
	b.Write(pngSig)
	b.Write(pngChunk("IHDR", ihdr))
	// A few bytes of zlib: zeros, the start of an enormous all-black image.
	b.Write(pngChunk("IDAT", []byte{0x78, 0x9c, 0xed, 0xc1, 0x01, 0x0d, 0x00, 0x00, 0x00, 0xc2, 0xa0, 0xf7, 0x4f, 0x6d, 0x0e, 0x37, 0xa0, 0x00, 0x00, 0x00}))
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// pngWithText puts a tEXt chunk right after IHDR (the first chunk).
func pngWithText(png []byte, text string) []byte {
	out := append([]byte{}, png[:33]...)
	out = append(out, pngChunk("tEXt", []byte(text))...)
	return append(out, png[33:]...)
}
