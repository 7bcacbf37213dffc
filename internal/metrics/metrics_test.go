package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/metrics"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func scrape(t *testing.T, m *metrics.Registry) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func value(t *testing.T, body, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestScrape: the registry exports every family the product promises, and
// a request moves its route's counter and histogram.
func TestScrape(t *testing.T) {
	m := metrics.New()
	a, err := app.Build(context.Background(), app.Config{DB: testenv.OpenSQLite(t), Metrics: m, Argon2: testenv.FastArgon2})
	if err != nil {
		t.Fatal(err)
	}
	series := `clinicpress_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"}`
	before := value(t, scrape(t, m), series)
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"nobody@x.test","password":"wrong password here"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := a.HTTP.Test(req, -1)
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("login: %v %v", res.StatusCode, err)
	}
	body := scrape(t, m)
	if got := value(t, body, series); got != before+1 {
		t.Fatalf("%s = %v, want %v", series, got, before+1)
	}
	for _, name := range []string{
		"clinicpress_http_request_duration_seconds_bucket", "clinicpress_page_cache_entries", "clinicpress_page_cache_bytes",
		"clinicpress_page_cache_hits_total", "clinicpress_page_cache_misses_total", "clinicpress_page_cache_evictions_total",
		"go_sql_max_open_connections", "go_sql_in_use_connections", "clinicpress_login_throttled_total", "go_goroutines",
	} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("metric %s missing", name)
		}
	}
	if value(t, body, `clinicpress_http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login"}`) < 1 {
		t.Error("latency histogram did not move")
	}
}
