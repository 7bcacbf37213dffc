package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// This file walks the container structure of an upload (JPEG segments, PNG
// chunks, GIF blocks, WebP RIFF chunks) without decoding pixels: it finds
// where the image really ends (anything after that is a trailer, the usual
// place for a polyglot's second file), the byte ranges holding metadata
// (comments, text chunks, XMP, EXIF: the other place a script hides) and
// the EXIF block, whose orientation tag is applied before re-encoding.
// Lengths read from the file are skipped over, never allocated, so a
// crafted length cannot make the walk use memory.

// errMalformed means the container structure is broken or truncated.
var errMalformed = errors.New("malformed or truncated image")

// maxExif caps the EXIF block kept in memory (JPEG's APP1 is at most 64 KB).
const maxExif = 1 << 20

// span is a byte range of the upload.
type span struct{ off, n int64 }

// container is what the walk found.
type container struct {
	end  int64  // offset just past the image's last byte
	exif []byte // the TIFF structure of the EXIF block, if any
	meta []span // metadata segments
}

// breader reads bytes and keeps the offset.
type breader struct {
	r   *bufio.Reader
	off int64
}

func newBreader(r io.Reader) *breader { return &breader{r: bufio.NewReaderSize(r, 64<<10)} }

func (b *breader) byte() (byte, error) {
	c, err := b.r.ReadByte()
	if err != nil {
		return 0, errMalformed
	}
	b.off++
	return c, nil
}

func (b *breader) read(n int) ([]byte, error) {
	p := make([]byte, n)
	if _, err := io.ReadFull(b.r, p); err != nil {
		return nil, errMalformed
	}
	b.off += int64(n)
	return p, nil
}

func (b *breader) skip(n int64) error {
	for n > 0 {
		step := n
		if step > 1<<30 {
			step = 1 << 30
		}
		d, err := b.r.Discard(int(step))
		b.off += int64(d)
		if err != nil {
			return errMalformed
		}
		n -= step
	}
	return nil
}

// walk inspects the upload r (size bytes) of the sniffed type mime.
func walk(r io.ReaderAt, size int64, mime string) (container, error) {
	b := newBreader(io.NewSectionReader(r, 0, size))
	switch mime {
	case typeJPEG:
		return walkJPEG(b)
	case typePNG:
		return walkPNG(b)
	case typeGIF:
		return walkGIF(b)
	case typeWebP:
		return walkWebP(b, size)
	}
	return container{}, errMalformed
}

func walkJPEG(b *breader) (container, error) {
	var c container
	soi, err := b.read(2)
	if err != nil || soi[0] != 0xFF || soi[1] != 0xD8 {
		return c, errMalformed
	}
	var pending byte // a marker found while scanning entropy-coded data
	for {
		m := pending
		pending = 0
		if m == 0 {
			x, err := b.byte()
			if err != nil {
				return c, err
			}
			if x != 0xFF {
				return c, errMalformed
			}
			for x == 0xFF {
				if x, err = b.byte(); err != nil {
					return c, err
				}
			}
			m = x
		}
		switch {
		case m == 0xD9: // EOI
			c.end = b.off
			return c, nil
		case m >= 0xD0 && m <= 0xD7, m == 0x01: // standalone markers
			continue
		case m == 0x00, m == 0xD8:
			return c, errMalformed
		}
		lb, err := b.read(2)
		if err != nil {
			return c, err
		}
		n := int64(binary.BigEndian.Uint16(lb)) - 2
		if n < 0 {
			return c, errMalformed
		}
		start := b.off
		switch {
		case m == 0xE1:
			data, err := b.read(int(n))
			if err != nil {
				return c, err
			}
			if c.exif == nil && bytes.HasPrefix(data, []byte("Exif\x00\x00")) {
				c.exif = data[6:]
			}
			c.meta = append(c.meta, span{start, n})
		case m >= 0xE0 && m <= 0xEF, m == 0xFE: // APPn, COM
			c.meta = append(c.meta, span{start, n})
			if err := b.skip(n); err != nil {
				return c, err
			}
		default:
			if err := b.skip(n); err != nil {
				return c, err
			}
		}
		if m != 0xDA { // not SOS: next marker follows directly
			continue
		}
		// Entropy-coded data runs until a marker that is neither a stuffed
		// 0xFF00 nor a restart marker.
		for pending == 0 {
			x, err := b.byte()
			if err != nil {
				return c, err
			}
			if x != 0xFF {
				continue
			}
			y, err := b.byte()
			for err == nil && y == 0xFF {
				y, err = b.byte()
			}
			if err != nil {
				return c, err
			}
			if y == 0x00 || y >= 0xD0 && y <= 0xD7 {
				continue
			}
			pending = y
		}
	}
}

var pngSig = []byte("\x89PNG\r\n\x1a\n")

func walkPNG(b *breader) (container, error) {
	var c container
	sig, err := b.read(8)
	if err != nil || !bytes.Equal(sig, pngSig) {
		return c, errMalformed
	}
	for {
		h, err := b.read(8)
		if err != nil {
			return c, err
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		if n > 1<<31-1 {
			return c, errMalformed
		}
		typ := string(h[4:8])
		start := b.off
		ancillary := typ[0] >= 'a' && typ[0] <= 'z'
		if typ == "eXIf" && n <= maxExif && c.exif == nil {
			if c.exif, err = b.read(int(n)); err != nil {
				return c, err
			}
		} else if err := b.skip(n); err != nil {
			return c, err
		}
		if ancillary {
			c.meta = append(c.meta, span{start, n})
		}
		if err := b.skip(4); err != nil { // CRC
			return c, err
		}
		if typ == "IEND" {
			c.end = b.off
			return c, nil
		}
	}
}

func walkGIF(b *breader) (container, error) {
	var c container
	h, err := b.read(13)
	if err != nil || string(h[:6]) != "GIF87a" && string(h[:6]) != "GIF89a" {
		return c, errMalformed
	}
	if flags := h[10]; flags&0x80 != 0 {
		if err := b.skip(3 << ((flags & 7) + 1)); err != nil {
			return c, err
		}
	}
	subBlocks := func() error {
		for {
			n, err := b.byte()
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if err := b.skip(int64(n)); err != nil {
				return err
			}
		}
	}
	for {
		x, err := b.byte()
		if err != nil {
			return c, err
		}
		switch x {
		case 0x21: // extension
			label, err := b.byte()
			if err != nil {
				return c, err
			}
			start := b.off
			if err := subBlocks(); err != nil {
				return c, err
			}
			if label == 0xFE || label == 0xFF || label == 0x01 { // comment, application, plain text
				c.meta = append(c.meta, span{start, b.off - start})
			}
		case 0x2C: // image descriptor
			d, err := b.read(9)
			if err != nil {
				return c, err
			}
			if flags := d[8]; flags&0x80 != 0 {
				if err := b.skip(3 << ((flags & 7) + 1)); err != nil {
					return c, err
				}
			}
			if err := b.skip(1); err != nil { // LZW minimum code size
				return c, err
			}
			if err := subBlocks(); err != nil {
				return c, err
			}
		case 0x3B: // trailer
			c.end = b.off
			return c, nil
		default:
			return c, errMalformed
		}
	}
}

func walkWebP(b *breader, size int64) (container, error) {
	var c container
	h, err := b.read(12)
	if err != nil || string(h[:4]) != "RIFF" || string(h[8:12]) != "WEBP" {
		return c, errMalformed
	}
	end := 8 + int64(binary.LittleEndian.Uint32(h[4:8]))
	if end > size || end < 12 {
		return c, errMalformed
	}
	for b.off < end {
		ch, err := b.read(8)
		if err != nil {
			return c, err
		}
		typ := string(ch[:4])
		n := int64(binary.LittleEndian.Uint32(ch[4:8]))
		start := b.off
		if start+n > end {
			return c, errMalformed
		}
		switch {
		case typ == "EXIF" && n <= maxExif && c.exif == nil:
			data, err := b.read(int(n))
			if err != nil {
				return c, err
			}
			c.exif = bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
			c.meta = append(c.meta, span{start, n})
		case typ == "EXIF", typ == "XMP ", typ == "ICCP":
			c.meta = append(c.meta, span{start, n})
			fallthrough
		default:
			if err := b.skip(n); err != nil {
				return c, err
			}
		}
		if n%2 == 1 && b.off < end {
			if err := b.skip(1); err != nil {
				return c, err
			}
		}
	}
	c.end = end
	return c, nil
}

// exifOrientation returns the orientation tag (1 to 8) of IFD0 in a TIFF
// structure (the payload of an EXIF block), or 1 when there is none.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(tiff[2:4]) != 42 {
		return 1
	}
	size := uint64(len(tiff))
	ifd := uint64(bo.Uint32(tiff[4:8]))
	if ifd+2 > size {
		return 1
	}
	count := uint64(bo.Uint16(tiff[ifd : ifd+2]))
	for i := uint64(0); i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > size {
			break
		}
		if bo.Uint16(tiff[e:e+2]) != 0x0112 {
			continue
		}
		// SHORT, count 1: the value sits in the first two bytes of the field.
		if bo.Uint16(tiff[e+2:e+4]) != 3 {
			return 1
		}
		if v := int(bo.Uint16(tiff[e+8 : e+10])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// markers are byte strings (lower case) that have no business inside an
// image's metadata or after its end: HTML, SVG, script, PHP, PDF.
var markers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<body"), []byte("<iframe"),
	[]byte("<object"), []byte("<embed"), []byte("<?php"), []byte("<!doctype"), []byte("<!entity"),
	[]byte("javascript:"), []byte("%pdf-"),
}

const maxMarker = 11

// findMarker scans r (case-insensitively) for any of markers and returns
// the first one seen.
func findMarker(r io.Reader) (string, error) {
	buf := make([]byte, 64<<10)
	keep := 0
	for {
		n, err := r.Read(buf[keep:])
		chunk := buf[:keep+n]
		for i := keep; i < len(chunk); i++ {
			if c := chunk[i]; c >= 'A' && c <= 'Z' {
				chunk[i] = c + 'a' - 'A'
			}
		}
		for _, m := range markers {
			if bytes.Contains(chunk, m) {
				return string(m), nil
			}
		}
		keep = min(len(chunk), maxMarker-1)
		copy(buf, chunk[len(chunk)-keep:])
		if err == io.EOF {
			return "", nil
		}
		if err != nil {
			return "", err
		}
	}
}
