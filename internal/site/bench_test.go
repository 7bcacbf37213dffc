package site_test

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/clinicpress/clinicpress/internal/testenv"
)

// BenchmarkCachedHit serves a cached article page through the whole app
// (server middleware included), as a load test's requests are served.
func BenchmarkCachedHit(b *testing.B) {
	d := testenv.OpenSQLite(b)
	e := testenv.New(b, d)
	c := e.NewClinic("pores")
	a := live(e, c, "Cached article", "alpha", "skin")
	h := e.App.HTTP.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/articles/" + a.Slug)
	ctx.Request.Header.SetHost("pores.test")
	h(&ctx)
	if ctx.Response.StatusCode() != 200 {
		b.Fatalf("status %d", ctx.Response.StatusCode())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx.Response.Reset()
		h(&ctx)
	}
	if _, _, hits, _, _ := e.App.Site.CacheStats(); hits < int64(b.N) {
		b.Fatalf("hits %d < %d", hits, b.N)
	}
}
