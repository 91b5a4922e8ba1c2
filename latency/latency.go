// Package latency reports how long single calls take in Go benchmarks:
// the median and the 99th percentile, as the metrics p50-ms and p99-ms
// that docs/benchmarks.md quotes. Only benchmarks import it.
package latency

import (
	"slices"
	"testing"
	"time"
)

// Report sorts lat and reports its p50 and p99, in milliseconds, as b's
// metrics.
func Report(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	ms := func(p float64) float64 {
		return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// Time calls call b.N times, timing each call, fails b on the first
// error, and reports the spread.
func Time(b *testing.B, call func() error) {
	b.Helper()
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	Report(b, lat)
}
