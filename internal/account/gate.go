package account

import (
	"context"
	"net/http"
	"os"
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

// cgroupFiles are where the memory limit is read from, in order.
var cgroupFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// MemoryLimit returns the cgroup memory limit of this process in bytes, or
// 0 when none is set or it cannot be read.
func MemoryLimit() int64 {
	for _, f := range cgroupFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(b))
		if v == "max" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 { // v1 writes a huge number for "no limit"
			return 0
		}
		return n
	}
	return 0
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

var errBusy = func() *errs.Error {
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
			return errBusy()
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
