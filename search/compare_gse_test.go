//go:build gse

package search

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"
)

// Names under which the gse tokenizers are registered with bleve.
const (
	gseWords    = "kefu_test_gse"
	gseWordsUni = "kefu_test_gse_unigrams"
)

// registerGSE loads gse's embedded dictionary once per test binary and
// registers the two gse tokenizers. bleve's registry is process-wide, hence
// the sync.Once.
var registerGSE = sync.OnceValue(func() error {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	seg, err := gse.NewEmbed("zh")
	if err != nil {
		return err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	gseLoad = time.Since(start)
	gseHeap = after.HeapAlloc - before.HeapAlloc
	for name, unigrams := range map[string]bool{gseWords: false, gseWordsUni: true} {
		t := &gseTokenizer{seg: &seg, base: unicode.NewUnicodeTokenizer(), unigrams: unigrams}
		err := registry.RegisterTokenizer(name, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return t, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
})

// What loading gse cost, measured once by registerGSE.
var (
	gseLoad time.Duration
	gseHeap uint64
)

// extraCandidates adds gse, a dictionary segmenter, alone and with single
// characters added so that one typed character still matches.
func extraCandidates(t testing.TB) []analyzerCandidate {
	t.Helper()
	if err := registerGSE(); err != nil {
		t.Fatal(err)
	}
	t.Logf("gse: dictionary loaded in %s, %d MB of heap", gseLoad.Round(time.Millisecond), gseHeap>>20)
	return []analyzerCandidate{
		{"gse words", options{cjk: cjkTokenizer, tokenizer: gseWords, unigrams: unigramsAll}},
		{"gse words + unigrams", options{cjk: cjkTokenizer, tokenizer: gseWordsUni, unigrams: unigramsAll}},
	}
}

// gseTokenizer splits text with bleve's Unicode tokenizer, then cuts each
// run of CJK characters into words with gse in search mode (a long word
// and the shorter words inside it).
type gseTokenizer struct {
	seg      *gse.Segmenter
	base     analysis.Tokenizer
	unigrams bool
}

func (g *gseTokenizer) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	toks := g.base.Tokenize(input)
	for i := 0; i < len(toks); {
		if toks[i].Type != analysis.Ideographic {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].Type == analysis.Ideographic && toks[j].Start == toks[j-1].End {
			j++
		}
		start := toks[i].Start
		run := string(input[start:toks[j-1].End])
		out = append(out, g.words(run, start)...)
		i = j
	}
	for i := range out {
		out[i].Position = i + 1
	}
	return out
}

func (g *gseTokenizer) words(run string, start int) analysis.TokenStream {
	var out analysis.TokenStream
	from := 0
	for _, w := range g.seg.CutSearch(run, true) {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		at := strings.Index(run[from:], w)
		if at < 0 {
			at = max(strings.Index(run, w), 0)
		} else {
			at += from
			from = at
		}
		typ := analysis.Ideographic
		if utf8.RuneCountInString(w) > 1 {
			typ = analysis.Double // a word, which Suggest treats like a pair
		}
		out = append(out, &analysis.Token{Term: []byte(w), Start: start + at, End: start + at + len(w), Type: typ})
	}
	if g.unigrams {
		for i, r := range run {
			if utf8.RuneCountInString(run) > 1 {
				n := utf8.RuneLen(r)
				out = append(out, &analysis.Token{Term: []byte(run[i : i+n]), Start: start + i, End: start + i + n, Type: analysis.Single})
			}
		}
	}
	return out
}
