// Package metrics owns the Prometheus metrics of one instance (served on a
// separate listener, never on the public port): HTTP requests by route
// pattern and status with latency, page-cache counters, workflow
// transitions, River jobs by kind and outcome, database pool use and
// login-throttle refusals.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Registry is one instance's metrics.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// statements: SQL statements per answered request, by route.
	statements *prometheus.HistogramVec
	workflow   *prometheus.CounterVec
	jobs       *prometheus.CounterVec
	jobTime    *prometheus.HistogramVec
	throttled  prometheus.Counter
}

// New builds the registry with Go and process collectors.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "clinicpress_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status."}, []string{"method", "route", "status"})
	r.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "clinicpress_http_request_duration_seconds",
		Help:    "HTTP request latency by method and route pattern (page-cache hits answered ahead of routing are counted by clinicpress_page_cache_hits_total).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"method", "route"})
	r.statements = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "clinicpress_http_sql_statements",
		Help:    "SQL statements run to answer one HTTP request, by method and route pattern (BEGIN/COMMIT not counted).",
		Buckets: []float64{0, 1, 2, 4, 8, 16, 32, 64, 128}}, []string{"method", "route"})
	r.workflow = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "clinicpress_workflow_transitions_total",
		Help: "Article workflow audit actions recorded, by action."}, []string{"action"})
	r.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "clinicpress_jobs_total",
		Help: "River job attempts worked by this instance, by kind and outcome (ok, error, snoozed, cancelled)."}, []string{"kind", "outcome"})
	r.jobTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "clinicpress_job_duration_seconds",
		Help: "River job attempt duration by kind and outcome.", Buckets: prometheus.DefBuckets}, []string{"kind", "outcome"})
	r.throttled = prometheus.NewCounter(prometheus.CounterOpts{Name: "clinicpress_login_throttled_total",
		Help: "Sign-in attempts refused by the login throttle (429)."})
	r.reg.MustRegister(r.requests, r.latency, r.statements, r.workflow, r.jobs, r.jobTime, r.throttled)
	return r
}

// Handler serves the metrics in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Request counts one answered request; route is the matched route
// pattern (never the raw path, so the label set stays bounded).
func (r *Registry) Request(method, route string, status int, d time.Duration, statements int64) {
	r.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	r.latency.WithLabelValues(method, route).Observe(d.Seconds())
	r.statements.WithLabelValues(method, route).Observe(float64(statements))
	if status == http.StatusTooManyRequests && (route == "/api/v1/auth/login" || route == "/admin/login") {
		r.throttled.Inc()
	}
}

// Workflow counts one workflow audit action.
func (r *Registry) Workflow(action string) { r.workflow.WithLabelValues(action).Inc() }

// CacheStats is what the page cache reports (site.Site.CacheStats).
type CacheStats func() (entries int, size int64, hits, misses, evictions int64)

// PageCache exports the page cache's counters.
func (r *Registry) PageCache(stats CacheStats) {
	pick := func(i int) func() float64 {
		return func() float64 {
			e, s, h, m, ev := stats()
			return [...]float64{float64(e), float64(s), float64(h), float64(m), float64(ev)}[i]
		}
	}
	r.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "clinicpress_page_cache_entries", Help: "Pages in the cache."}, pick(0)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "clinicpress_page_cache_bytes", Help: "Bytes held by the page cache."}, pick(1)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "clinicpress_page_cache_hits_total", Help: "Page-cache hits."}, pick(2)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "clinicpress_page_cache_misses_total", Help: "Page-cache misses."}, pick(3)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "clinicpress_page_cache_evictions_total", Help: "Page-cache evictions."}, pick(4)),
	)
}

// DBPool exports the database/sql pool's use.
func (r *Registry) DBPool(db *sql.DB) {
	r.reg.MustRegister(collectors.NewDBStatsCollector(db, "clinicpress"))
}

// JobMiddleware times every River job attempt by kind and outcome
// (jobs.Config.Middleware).
func (r *Registry) JobMiddleware() rivertype.Middleware { return &jobMiddleware{r: r} }

type jobMiddleware struct {
	river.MiddlewareDefaults
	r *Registry
}

// Work runs the job and records its outcome and duration.
func (m *jobMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	err := doInner(ctx)
	outcome := "ok"
	var snooze *river.JobSnoozeError
	var cancel *river.JobCancelError
	switch {
	case err == nil:
	case errors.As(err, &snooze):
		outcome = "snoozed"
	case errors.As(err, &cancel):
		outcome = "cancelled"
	default:
		outcome = "error"
	}
	m.r.jobs.WithLabelValues(job.Kind, outcome).Inc()
	m.r.jobTime.WithLabelValues(job.Kind, outcome).Observe(time.Since(start).Seconds())
	return err
}

// Statements reports how many requests to route were observed and the SQL
// statements they ran in all (the clinicpress_http_sql_statements
// histogram's count and sum).
func (r *Registry) Statements(method, route string) (requests uint64, statements float64) {
	var m dto.Metric
	if err := r.statements.WithLabelValues(method, route).(prometheus.Metric).Write(&m); err != nil || m.Histogram == nil {
		return 0, 0
	}
	return m.Histogram.GetSampleCount(), m.Histogram.GetSampleSum()
}
