package theme

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinContrast is the WCAG 2 AA contrast ratio for normal-size text.
const MinContrast = 4.5

// RGB is an sRGB colour with 8-bit channels.
type RGB struct{ R, G, B uint8 }

// ParseHex reads "#rgb" or "#rrggbb" (the "#" is optional, case is ignored).
func ParseHex(s string) (RGB, error) {
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return RGB{}, fmt.Errorf("theme: colour %q is not #rgb or #rrggbb", s)
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return RGB{}, fmt.Errorf("theme: colour %q is not #rgb or #rrggbb", s)
	}
	return RGB{uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

// Hex formats c as lower-case "#rrggbb".
func (c RGB) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Luminance is the WCAG 2 relative luminance of c, from 0 (black) to 1 (white).
func (c RGB) Luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG 2 contrast ratio of a and b, from 1 to 21.
func Contrast(a, b RGB) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Mix blends c towards d; weight 0 gives c and 1 gives d.
func Mix(c, d RGB, weight float64) RGB {
	m := func(a, b uint8) uint8 {
		return uint8(math.Round(float64(a)*(1-weight) + float64(b)*weight))
	}
	return RGB{m(c.R, d.R), m(c.G, d.G), m(c.B, d.B)}
}

// Darken returns c scaled towards black just enough to reach at least min
// contrast against every background, keeping its hue. A colour that already
// passes is returned unchanged; black is the last resort.
func Darken(c RGB, min float64, backgrounds ...RGB) RGB {
	ok := func(x RGB) bool {
		for _, bg := range backgrounds {
			if Contrast(x, bg) < min {
				return false
			}
		}
		return true
	}
	if ok(c) {
		return c
	}
	scale := func(f float64) RGB {
		s := func(v uint8) uint8 { return uint8(math.Floor(float64(v) * f)) }
		return RGB{s(c.R), s(c.G), s(c.B)}
	}
	lo, hi := 0.0, 1.0 // scale(lo) passes, scale(hi) fails
	for i := 0; i < 24; i++ {
		mid := (lo + hi) / 2
		if ok(scale(mid)) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return scale(lo)
}

// AccessibleColor parses hex and darkens it until it reaches MinContrast
// against white and every extra background, so it can be used both as text
// colour on those backgrounds and as background behind white text. An empty or
// invalid hex yields fallback (which is darkened the same way).
func AccessibleColor(hex, fallback string, backgrounds ...RGB) RGB {
	c, err := ParseHex(hex)
	if err != nil {
		if c, err = ParseHex(fallback); err != nil {
			c = RGB{}
		}
	}
	return Darken(c, MinContrast, append([]RGB{{255, 255, 255}}, backgrounds...)...)
}
