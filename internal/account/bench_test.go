package account_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

// peakRSS is the process's peak resident set (VmHWM) in MiB; 0 if unknown.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkParallelSignIns: 150 parallel wrong sign-ins for unknown emails
// with the production argon2id parameters (19 MiB, t=2), each from its own
// address; reports the process's peak RSS. Run one sub-benchmark per
// process (VmHWM only grows):
//
//	go test -run X -bench 'ParallelSignIns/^bounded$' -benchtime 1x ./internal/account/
//	go test -run X -bench 'ParallelSignIns/^unbounded$' -benchtime 1x ./internal/account/
func BenchmarkParallelSignIns(b *testing.B) {
	for _, k := range []struct {
		name string
		max  int
	}{{"bounded", 0}, {"unbounded", 150}} {
		b.Run(k.name, func(b *testing.B) {
			d := testenv.OpenSQLite(b)
			if err := d.MigrateUp(context.Background()); err != nil {
				b.Fatal(err)
			}
			z, err := authz.New(d.DB)
			if err != nil {
				b.Fatal(err)
			}
			s := account.New(d, z, account.Options{Argon2: account.DefaultArgon2, MaxHashes: k.max, HashWait: 1 << 40})
			for i := 0; i < b.N; i++ {
				parallel(150, func(j int) {
					s.Login(context.Background(), fmt.Sprintf("nobody%d@bench.test", j), "wrong", fmt.Sprintf("10.%d.%d.%d", i%250, j/250, j%250))
				})
			}
			b.ReportMetric(peakRSS(), "peak-MiB")
		})
	}
}
