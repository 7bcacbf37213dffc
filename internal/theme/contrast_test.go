package theme

import (
	"math"
	"testing"
)

func TestParseHex(t *testing.T) {
	for in, want := range map[string]RGB{
		"#ffffff": {255, 255, 255}, "#000": {0, 0, 0}, "0B63C5": {11, 99, 197}, " #abc ": {0xaa, 0xbb, 0xcc},
	} {
		got, err := ParseHex(in)
		if err != nil || got != want {
			t.Errorf("ParseHex(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "#12", "#12345g", "red", "#1234567", "url(x)"} {
		if _, err := ParseHex(bad); err == nil {
			t.Errorf("ParseHex(%q) succeeded", bad)
		}
	}
}

func TestContrast(t *testing.T) {
	white, black := RGB{255, 255, 255}, RGB{0, 0, 0}
	for _, c := range []struct {
		a, b RGB
		want float64
	}{
		{white, black, 21},
		{black, white, 21},
		{white, white, 1},
		{RGB{0x76, 0x76, 0x76}, white, 4.54}, // the classic lightest AA grey
		{RGB{0x0b, 0x63, 0xc5}, white, 5.83},
	} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.05 {
			t.Errorf("Contrast(%v, %v) = %.3f, want %.2f", c.a.Hex(), c.b.Hex(), got, c.want)
		}
	}
}

func TestDarken(t *testing.T) {
	white := RGB{255, 255, 255}
	for _, hex := range []string{"#ffff00", "#ffffff", "#00ff00", "#2a7de1", "#ff7f50", "#87ceeb", "#fdf6e3"} {
		c, _ := ParseHex(hex)
		d := Darken(c, MinContrast, white)
		if r := Contrast(d, white); r < MinContrast {
			t.Errorf("Darken(%s) = %s with contrast %.2f, want >= 4.5", hex, d.Hex(), r)
		}
		// Darkening stops close to the threshold: it keeps the colour recognisable.
		if r := Contrast(d, white); r > 4.8 && Contrast(c, white) < MinContrast {
			t.Errorf("Darken(%s) = %s overshoots with contrast %.2f", hex, d.Hex(), r)
		}
	}
	// #ffff00 (yellow, 1.07:1) becomes a dark olive that keeps its hue.
	y := Darken(RGB{255, 255, 0}, MinContrast, white)
	if y.R != y.G || y.B != 0 || y.R == 0 {
		t.Errorf("yellow darkened to %s, want a darker yellow", y.Hex())
	}
	// A colour that already passes is left alone.
	navy := RGB{0x1f, 0x3a, 0x5f}
	if got := Darken(navy, MinContrast, white); got != navy {
		t.Errorf("Darken(%s) = %s, want unchanged", navy.Hex(), got.Hex())
	}
}

func TestAccessibleColor(t *testing.T) {
	paper := RGB{0xfa, 0xf6, 0xef}
	got := AccessibleColor("#ffff00", "#000000", paper)
	if Contrast(got, RGB{255, 255, 255}) < MinContrast || Contrast(got, paper) < MinContrast {
		t.Errorf("AccessibleColor(#ffff00) = %s fails 4.5:1 on white or paper", got.Hex())
	}
	// Invalid input falls back to the theme's colour.
	if got := AccessibleColor("red;}</style>", "#1f3a5f"); got.Hex() != "#1f3a5f" {
		t.Errorf("invalid colour gave %s, want the fallback #1f3a5f", got.Hex())
	}
}
