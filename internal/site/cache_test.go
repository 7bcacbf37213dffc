package site

import (
	"fmt"
	"testing"
	"time"
)

func TestAcceptsEncoding(t *testing.T) {
	cases := map[string]bool{"gzip": true, "gzip, br": true, "deflate, GZIP;q=0.5": true, "gzip;q=0": false,
		"gzip; q=0.000": false, "br, gzip;q=0.0": false, "x-gzip": false, "identity": false, "": false}
	for ae, want := range cases {
		if got := acceptsEncoding([]byte(ae), "gzip"); got != want {
			t.Errorf("acceptsEncoding(%q) = %v", ae, got)
		}
	}
}

func TestCacheBoundsAndInvalidation(t *testing.T) {
	c := newPageCache(200<<10, 50, time.Minute)
	body := make([]byte, 4000)
	for i := 0; i < 500; i++ {
		clinic := int64(i % 3)
		c.put(newEntry(fmt.Sprintf("k%d", i), clinic, 200, "text/html", "public", body, time.Minute), c.gen(clinic))
		if n, size, _, _, _ := c.stats(); n > 50 || size > 200<<10 {
			t.Fatalf("over budget: %d entries, %d bytes", n, size)
		}
	}
	if c.get([]byte("k499")) == nil {
		t.Fatal("the newest entry was evicted")
	}
	g := c.gen(1)
	c.invalidate(1)
	for k, e := range c.entries {
		if e.clinicID == 1 {
			t.Fatalf("%s survived its clinic's invalidation", k)
		}
	}
	// A page rendered before the invalidation is not stored after it.
	c.put(newEntry("late", 1, 200, "text/html", "public", body, time.Minute), g)
	if c.get([]byte("late")) != nil {
		t.Fatal("stale render stored")
	}
	var total int64
	for _, e := range c.entries {
		total += e.size
	}
	if total != c.bytes {
		t.Fatalf("byte accounting: %d vs %d", total, c.bytes)
	}
}
