package account

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMemoryLimit: the limit is the smallest one set along the process's
// cgroup path, for cgroup v2 and v1; "max" and v1's huge number mean none.
func TestMemoryLimit(t *testing.T) {
	root := t.TempDir()
	write := func(rel, v string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("memory.max", "max")
	write("kube/memory.max", "1073741824")
	write("kube/pod/memory.max", "max")
	write("memory/memory.limit_in_bytes", "9223372036854771712")
	write("memory/docker/abc/memory.limit_in_bytes", "536870912")
	cases := map[string]int64{
		"0::/kube/pod\n":                         1 << 30,
		"0::/\n":                                 0,
		"4:memory:/docker/abc\n0::/\n":           512 << 20,
		"4:cpu,memory:/docker/abc\n0::/kube/pod": 512 << 20,
		"4:memory:/\n":                           0,
		"":                                       0,
		"0::/../../etc\n":                        0,
	}
	for self, want := range cases {
		if got := memoryLimit(root, self); got != want {
			t.Errorf("memoryLimit(%q) = %d, want %d", self, got, want)
		}
	}
}
