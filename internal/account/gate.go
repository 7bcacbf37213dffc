package account

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/clinicpress/clinicpress/internal/errs"
)

// Password hashing is bounded: each argon2id hash or check holds
// Argon2Params.Memory KiB (19 MiB by default) while it runs, so an
// unbounded number of parallel sign-ins (even for unknown emails) can
// exhaust the memory of the process. At most Options.MaxHashes hashes run
// at once; when 0, HashSlots sizes it from the container's memory limit
// (cgroup v2 memory.max, or v1 memory.limit_in_bytes): a quarter of the
// limit divided by the argon2id memory cost, at least 1 and at most twice
// the usable CPUs (more would only queue inside the scheduler); without a
// limit it is twice the usable CPUs. A caller over the bound waits up to
// Options.HashWait (default 3s, and never past its context) for a slot,
// then gets 503 busy with Retry-After.

// MemoryLimit returns the cgroup memory limit of this process in bytes
// (the smallest along its cgroup path: v2 memory.max, v1
// memory.limit_in_bytes), or 0 when none is set or it cannot be read.
func MemoryLimit() int64 {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		b = nil
	}
	return memoryLimit("/sys/fs/cgroup", string(b))
}

// memoryLimit reads the limit under the cgroup file system at root for
// the process whose /proc/self/cgroup is self.
func memoryLimit(root, self string) int64 {
	v2, v1 := "/", "/"
	for _, line := range strings.Split(self, "\n") {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				v1 = parts[2]
			}
		}
	}
	var least int64
	walk := func(base, rel, file string) {
		dir := filepath.Join(base, filepath.Clean("/"+rel))
		for {
			if n := readLimit(filepath.Join(dir, file)); n > 0 && (least == 0 || n < least) {
				least = n
			}
			if dir == base || !strings.HasPrefix(dir, base) {
				return
			}
			dir = filepath.Dir(dir)
		}
	}
	walk(root, v2, "memory.max")
	walk(filepath.Join(root, "memory"), v1, "memory.limit_in_bytes")
	return least
}

// readLimit reads one limit file: 0 for "max", a missing file or v1's
// huge "no limit" number.
func readLimit(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	v := strings.TrimSpace(string(b))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0
	}
	return n
}

// HashSlots is how many password hashes may run at once for a memory limit
// in bytes (0: none), cpus usable CPUs and the argon2id parameters.
func HashSlots(limit int64, cpus int, p Argon2Params) int {
	if cpus < 1 {
		cpus = 1
	}
	most := 2 * cpus
	if limit <= 0 {
		return most
	}
	per := int64(p.Memory)*1024 + 1<<20 // the argon2 matrix plus a little
	n := int(limit / 4 / per)
	if n > most {
		n = most
	}
	if n < 1 {
		n = 1
	}
	return n
}

// hashGate is a counting semaphore with a bounded, context-aware wait.
type hashGate struct {
	slots   chan struct{}
	wait    time.Duration
	hook    func() func()
	waiting atomic.Int64
}

func newHashGate(n int, wait time.Duration, hook func() func()) *hashGate {
	return &hashGate{slots: make(chan struct{}, n), wait: wait, hook: hook}
}

// busy is the answer when no hashing slot frees up in time.
func busy() *errs.Error {
	e := errs.New(http.StatusServiceUnavailable, "busy", "the server is busy checking other passwords; try again in a moment")
	e.Extra = map[string]any{"retry_after": 2}
	return e
}

// run runs fn (one hash) once a slot is free: 503 busy after the wait,
// the context's error when it ends first.
func (g *hashGate) run(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		g.waiting.Add(1)
		t := time.NewTimer(g.wait)
		select {
		case g.slots <- struct{}{}:
			g.waiting.Add(-1)
			t.Stop()
		case <-t.C:
			g.waiting.Add(-1)
			return busy()
		case <-ctx.Done():
			g.waiting.Add(-1)
			t.Stop()
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	if g.hook != nil {
		defer g.hook()()
	}
	fn()
	return nil
}

// HashLoad reports how many password hashes are running and how many
// callers wait for a slot (for metrics and tests).
func (s *Service) HashLoad() (running, waiting int) {
	return len(s.gate.slots), int(s.gate.waiting.Load())
}

// hash hashes pw through the gate.
func (s *Service) hash(ctx context.Context, pw string) (h string, err error) {
	if gerr := s.gate.run(ctx, func() { h, err = HashPassword(pw, s.o.Argon2) }); gerr != nil {
		return "", gerr
	}
	return h, err
}

// check verifies pw against hash through the gate.
func (s *Service) check(ctx context.Context, hash, pw string) (ok bool, err error) {
	if gerr := s.gate.run(ctx, func() { ok, err = CheckPassword(hash, pw) }); gerr != nil {
		return false, gerr
	}
	return ok, err
}

func usableCPUs() int { return runtime.GOMAXPROCS(0) }
