package terms_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	_ "modernc.org/sqlite"

	"github.com/kefu/kefu/latency"
	"github.com/kefu/kefu/terms"
	"github.com/kefu/kefu/terms/corpus"
)

// BenchmarkEngines compares the two ways to index conversation search
// that the issue names, on the same documents (the terms package's terms
// of the corpus's messages, with a site token): SQLite's FTS5, the
// database's own index, and a bleve index of messages. It reports the
// time to build each index, its size on disk, and p50/p99 of reading the
// newest 400 matches of a query, which is what one page of search reads.
// KEFU_BENCH_MESSAGES sets the corpus size (100,000 by default).
//
//	KEFU_BENCH_MESSAGES=1000000 go test -run '^$' -bench Engines -benchtime 300x -timeout 60m ./terms/
func BenchmarkEngines(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("KEFU_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	const perConv = 20
	site := terms.Token('s', "big")
	docs := make([]string, n)
	for i := range docs {
		docs[i] = site + " " + strings.Join(terms.Index(corpus.Message(i/perConv, i%perConv+1)), " ")
	}
	queries := []string{"充值", "退", "refunds", corpus.OrderNumber(n / perConv / 2)}
	dir := b.TempDir()

	// FTS5, as store/sqlite keeps it.
	start := time.Now()
	db, err := sql.Open("sqlite", filepath.Join(dir, "fts.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	mustExec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			b.Fatal(err)
		}
	}
	mustExec(`CREATE VIRTUAL TABLE search USING fts5(terms, conversation_id UNINDEXED, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'", detail = none)`)
	for from := 0; from < n; from += 10000 {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for i := from; i < min(from+10000, n); i++ {
			if _, err := tx.Exec(`INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, docs[i], fmt.Sprint(i/perConv)); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	ftsBuild := time.Since(start)
	ftsSize := dirSize(b, dir)
	fts := func(q string) (int, error) {
		match := `"` + site + `"`
		for _, t := range terms.Query(q) {
			match += ` AND "` + t + `"`
		}
		rows, err := db.Query(`SELECT rowid, conversation_id FROM search WHERE search MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT 400`, match, math.MaxInt64)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		got := 0
		for rows.Next() {
			var pos int64
			var conv string
			if err := rows.Scan(&pos, &conv); err != nil {
				return 0, err
			}
			got++
		}
		return got, rows.Err()
	}

	// bleve: a document per message, its terms as they are, the site as a
	// term, the position to sort by.
	start = time.Now()
	bdir := filepath.Join(dir, "bleve")
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer("terms", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		b.Fatal(err)
	}
	dm := mapping.NewDocumentMapping()
	tf := mapping.NewTextFieldMapping()
	tf.Analyzer, tf.Store, tf.IncludeTermVectors, tf.IncludeInAll = "terms", false, false, false
	dm.AddFieldMappingsAt("t", tf)
	pf := mapping.NewNumericFieldMapping()
	pf.Store, pf.IncludeInAll = false, false
	dm.AddFieldMappingsAt("pos", pf)
	im.DefaultMapping = dm
	idx, err := bleve.New(bdir, im)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	for from := 0; from < n; from += 10000 {
		batch := idx.NewBatch()
		for i := from; i < min(from+10000, n); i++ {
			if err := batch.Index(strconv.Itoa(i), map[string]any{"t": docs[i], "pos": float64(i)}); err != nil {
				b.Fatal(err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			b.Fatal(err)
		}
	}
	bleveBuild := time.Since(start)
	bleveSize := dirSize(b, bdir)
	blv := func(q string) (int, error) {
		qs := []query.Query{termQuery(site)}
		for _, t := range terms.Query(q) {
			qs = append(qs, termQuery(t))
		}
		req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), 400, 0, false)
		req.SortBy([]string{"-pos"})
		res, err := idx.SearchInContext(context.Background(), req)
		if err != nil {
			return 0, err
		}
		return len(res.Hits), nil
	}
	b.Logf("%d messages: FTS5 built in %v, %.1f MB; bleve built in %v, %.1f MB", n, ftsBuild.Round(time.Millisecond), ftsSize, bleveBuild.Round(time.Millisecond), bleveSize)

	for _, e := range []struct {
		name string
		read func(string) (int, error)
	}{{"fts5", fts}, {"bleve", blv}} {
		for _, q := range queries {
			want, err := fts(q)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(e.name+"/"+q, func(b *testing.B) {
				latency.Time(b, func() error {
					got, err := e.read(q)
					if err == nil && got != want {
						err = fmt.Errorf("%s %q: %d matches, want %d", e.name, q, got, want)
					}
					return err
				})
			})
		}
	}
}

func termQuery(t string) query.Query {
	q := bleve.NewTermQuery(t)
	q.SetField("t")
	return q
}

// dirSize is the size of the files under dir, in MB.
func dirSize(b *testing.B, dir string) float64 {
	var total int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			total += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(total) / (1 << 20)
}
