package render

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZZTiming(t *testing.T) {
	dir := os.Getenv("CORPUS")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	r := New()
	type res struct {
		d   time.Duration
		n   int
		src string
	}
	var rs []res
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines := strings.SplitN(string(b), "\n", 2)
		s := strings.TrimSpace(lines[1])
		s = strings.TrimSuffix(strings.TrimPrefix(s, "string("), ")")
		src, err := strconv.Unquote(s)
		if err != nil {
			continue
		}
		st := time.Now()
		r.Markdown(src)
		rs = append(rs, res{time.Since(st), len(src), src})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, x := range rs[:5] {
		q := x.src
		if len(q) > 200 {
			q = q[:200]
		}
		fmt.Printf("%v %d %q\n", x.d, x.n, q)
	}
}
