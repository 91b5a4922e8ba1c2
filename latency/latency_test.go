package latency

import (
	"errors"
	"testing"
	"time"
)

// Report's percentiles are the sorted values at those ranks.
func TestReport(t *testing.T) {
	lat := make([]time.Duration, 0, 100)
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	res := testing.Benchmark(func(b *testing.B) { Report(b, lat) })
	if p50, p99 := res.Extra["p50-ms"], res.Extra["p99-ms"]; p50 != 51 || p99 != 100 {
		t.Errorf("p50 %v, p99 %v; want 51 and 100", p50, p99)
	}
}

// Time stops at an error.
func TestTimeFailsOnError(t *testing.T) {
	calls := 0
	res := testing.Benchmark(func(b *testing.B) {
		Time(b, func() error { calls++; return errors.New("broken") })
	})
	if calls != 1 || len(res.Extra) != 0 {
		t.Errorf("%d calls, result %+v; want one call and no metrics", calls, res)
	}
}
