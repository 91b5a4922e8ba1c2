package search

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// benchEntries is the size of the generated FAQ the benchmarks use.
const benchEntries = 10_000

// generateFAQ returns n published entries spread evenly over sites sites
// (site-0, site-1, ...), half Chinese and half English, made by
// recombining the sample FAQ's questions, alternatives and answers. The
// vocabulary is that of a real support centre, but each term is held by
// about n/100 times more entries than in the sample: with one site, a
// pessimistic case in which every query term is common.
func generateFAQ(t testing.TB, sites, n int) []chat.FAQ {
	t.Helper()
	demo := loadDemo(t)
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(lang string) *chat.FAQ {
		for {
			f := &demo[r.IntN(len(demo))]
			if f.Lang == lang {
				return f
			}
		}
	}
	out := make([]chat.FAQ, n)
	for i := range out {
		base := demo[i%len(demo)]
		other := pick(base.Lang)
		alt := other.Alternatives[r.IntN(len(other.Alternatives))]
		out[i] = chat.FAQ{
			ID:           fmt.Sprintf("gen-%05d", i),
			Site:         fmt.Sprintf("site-%d", i%sites),
			Lang:         base.Lang,
			Category:     base.Category,
			Question:     base.Question + " " + alt,
			Answer:       base.Answer + " " + pick(base.Lang).Answer,
			Alternatives: append(slices.Clone(base.Alternatives), pick(base.Lang).Question),
			Published:    true,
			Order:        i,
		}
	}
	return out
}

// buildIndex indexes fs into a new on-disk index in dir, in batches of the
// size a rebuild from the store would use.
func buildIndex(t testing.TB, dir string, fs []chat.FAQ) *Index {
	t.Helper()
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 500
	for i := 0; i < len(fs); i += batch {
		mustIndex(t, x, fs[i:min(i+batch, len(fs))]...)
	}
	return x
}

func dirSize(t testing.TB, dir string) int64 {
	t.Helper()
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return size
}

// BenchmarkIndexBuild measures building an on-disk index of 10,000 entries
// from nothing, and reports its size once closed.
func BenchmarkIndexBuild(b *testing.B) {
	fs := generateFAQ(b, 1, benchEntries)
	var size int64
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "idx")
		x := buildIndex(b, dir, fs)
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		size = dirSize(b, dir)
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB-on-disk")
}

// BenchmarkSuggest measures Suggest on a compacted on-disk index of 10,000
// entries, with the visitor queries of the relevance set in turn, and
// reports the 50th and 99th percentile latency. With sites=1 all entries
// belong to the queried site; with sites=100 they are spread over 100
// sites, as on a shared server.
func BenchmarkSuggest(b *testing.B) {
	for _, sites := range []int{1, 100} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "idx")
			x := buildIndex(b, dir, generateFAQ(b, sites, benchEntries))
			b.Cleanup(func() { _ = x.Close() })
			if err := x.Compact(context.Background()); err != nil {
				b.Fatal(err)
			}
			benchSuggest(b, x, "site-0")
		})
	}
}

// BenchmarkSuggestCandidates measures Suggest like BenchmarkSuggest for
// each analysis that TestCompareAnalyzers compares.
func BenchmarkSuggestCandidates(b *testing.B) {
	fs := generateFAQ(b, 1, benchEntries)
	for _, c := range candidates(b) {
		b.Run(c.name, func(b *testing.B) {
			x, err := open(filepath.Join(b.TempDir(), "idx"), c.opts)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = x.Close() })
			start := time.Now()
			const batch = 500
			for i := 0; i < len(fs); i += batch {
				mustIndex(b, x, fs[i:min(i+batch, len(fs))]...)
			}
			build := time.Since(start)
			if err := x.Compact(context.Background()); err != nil {
				b.Fatal(err)
			}
			benchSuggest(b, x, "site-0")
			b.ReportMetric(float64(build.Milliseconds()), "build-ms")
		})
	}
}

// benchSuggest runs the relevance set's queries in turn against x and
// reports the 50th and 99th percentile latency of Suggest.
func benchSuggest(b *testing.B, x *Index, site string) {
	cs := loadRelevance(b)
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		c := cs[i%len(cs)]
		i++
		start := time.Now()
		if _, err := x.Suggest(ctx, site, c.Lang, c.Query, 5); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}
