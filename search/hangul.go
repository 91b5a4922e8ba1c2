package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// hangulFilterName is the name of hangulFilter in bleve's registry.
const hangulFilterName = "kefu_hangul_as_cjk"

// hangulFilter marks words written wholly in Hangul as ideographic, so that
// the CJK pair filter after it splits them into syllables and pairs of
// syllables, as it does Chinese and Japanese. Korean attaches particles to
// words (비밀번호를 is 비밀번호 plus 를), so whole words rarely match.
type hangulFilter struct{}

func (hangulFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if isHangul(t.Term) {
			t.Type = analysis.Ideographic
		}
	}
	return in
}

func isHangul(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !unicode.Is(unicode.Hangul, r) {
			return false
		}
		b = b[n:]
	}
	return true
}

// bleve finds analysis components by name in its process-wide registry,
// which is filled at init time; the language analyzers register themselves
// the same way.
func init() {
	err := registry.RegisterTokenFilter(hangulFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return hangulFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
}
