package search

import (
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	// The stemming analyzers register themselves under their language code.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hu"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
)

// mappingVersion is stored inside an on-disk index. Change it whenever
// indexMapping or the text put into the index changes, so that Open rebuilds
// indexes made the old way instead of silently mismatching queries.
const mappingVersion = "faq-3" // 3: English n't folded to nt

// Field names of the indexed document. The question and its alternatives
// share one field, the answer has another. Both exist twice: as analysed
// for all languages (qa, ans) and stemmed in the entry's own language (qas,
// anss), when bleve has a stemmer for it.
const (
	fieldSite      = "site"
	fieldLang      = "lang"
	fieldAsked     = "qa"
	fieldAnswer    = "ans"
	stemSuffix     = "s"
	textAnalyzer   = "kefu_text"
	answerAnalyzer = "kefu_answer"
	gramsFilter    = "kefu_cjk_grams"
	pairsFilter    = "kefu_cjk_pairs"
	plainType      = "plain"
)

// stemLanguages lists the languages whose entries also get a stemmed copy
// of their text. bleve registers the analyzer of each under its code.
func stemLanguages() []string {
	return []string{"da", "de", "en", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv", "tr"}
}

// hasStemmer reports whether lang, a primary language subtag, is stemmed.
func hasStemmer(lang string) bool {
	return slices.Contains(stemLanguages(), lang)
}

// cjkMode chooses how the text analyzer splits Chinese, Japanese and Korean
// text. Only the default is used outside tests; the others exist so that the
// comparison test can measure them against each other.
type cjkMode int

const (
	// cjkGrams indexes each character and each overlapping pair.
	cjkGrams cjkMode = iota
	// cjkBigrams is what bleve's cjk analyzer does: pairs only, and a lone
	// character only when it stands alone.
	cjkBigrams
	// cjkTokenizer uses options.tokenizer, a tokenizer registered with
	// bleve by the caller, and no CJK filter.
	cjkTokenizer
)

// options are the knobs of indexMapping and Suggest that the comparison
// tests turn. Production code uses defaultOptions.
type options struct {
	cjk       cjkMode
	tokenizer string // for cjkTokenizer
	unigrams  unigramPolicy
}

func defaultOptions() options { return options{cjk: cjkGrams, unigrams: unigramsAll} }

// unigramPolicy says when Suggest looks up single CJK characters of the
// query that are also part of a pair. Looking all of them up ranks best
// (see docs/benchmarks.md); the others trade some of that for speed.
type unigramPolicy int

const (
	unigramsAll unigramPolicy = iota
	// unigramsIsolated looks up only characters without a CJK neighbour.
	unigramsIsolated
	// unigramsShort looks up every character of short queries
	// (shortQueryRunes or fewer CJK characters) and isolated ones of
	// longer queries.
	unigramsShort
)

const shortQueryRunes = 4

// indexMapping defines the whole index: one document type per stemming
// language plus a plain one, each with the site and language as exact
// keywords and the question, alternatives and answer as analysed text.
// Only the language is stored; the caller loads the entries by id.
func indexMapping(o options) (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.DefaultAnalyzer = textAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = mapping.NewDocumentDisabledMapping()

	if err := addTextAnalyzers(im, o); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	im.AddDocumentMapping(plainType, documentMapping(""))
	for _, lang := range stemLanguages() {
		im.AddDocumentMapping(lang, documentMapping(lang))
	}
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	return im, nil
}

// addTextAnalyzers defines the analyzers of the unstemmed fields. Both
// split words with Unicode rules, fold full-width forms, lower-case, drop
// English stop words and treat Hangul words as CJK text. Questions and
// alternatives then get every CJK character and every pair of neighbours,
// so that one typed character finds them; answers get pairs only, which
// keeps their long postings out of every single-character lookup.
func addTextAnalyzers(im *mapping.IndexMappingImpl, o options) error {
	common := []string{cjk.WidthName, lowercase.Name, en.StopName, hangulFilterName}
	analyzer := func(name, tokenizer string, filters ...string) error {
		return im.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     tokenizer,
			"token_filters": append(slices.Clone(common), filters...),
		})
	}
	if o.cjk == cjkTokenizer {
		if err := analyzer(textAnalyzer, o.tokenizer); err != nil {
			return err
		}
		return analyzer(answerAnalyzer, o.tokenizer)
	}
	for name, unigrams := range map[string]bool{gramsFilter: true, pairsFilter: false} {
		err := im.AddCustomTokenFilter(name, map[string]any{
			"type":           cjk.BigramName,
			"output_unigram": unigrams,
		})
		if err != nil {
			return err
		}
	}
	text := gramsFilter
	if o.cjk == cjkBigrams {
		text = pairsFilter
	}
	if err := analyzer(textAnalyzer, unicode.Name, text); err != nil {
		return err
	}
	return analyzer(answerAnalyzer, unicode.Name, pairsFilter)
}

// documentMapping maps one document type. stem names the analyzer of the
// stemmed copies, or is empty for none.
func documentMapping(stem string) *mapping.DocumentMapping {
	dm := mapping.NewDocumentStaticMapping()
	exact := func() *mapping.FieldMapping {
		fm := mapping.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		return fm
	}
	text := func(name, analyzer string) *mapping.FieldMapping {
		fm := mapping.NewTextFieldMapping()
		fm.Name = name
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		return fm
	}
	dm.AddFieldMappingsAt(fieldSite, exact())
	// The language is stored: Suggest reads it from the hits to prefer the
	// visitor's language.
	langField := exact()
	langField.Store = true
	dm.AddFieldMappingsAt(fieldLang, langField)
	for _, f := range []string{fieldAsked, fieldAnswer} {
		analyzer := textAnalyzer
		if f == fieldAnswer {
			analyzer = answerAnalyzer
		}
		fms := []*mapping.FieldMapping{text(f, analyzer)}
		if stem != "" {
			fms = append(fms, text(f+stemSuffix, stem))
		}
		dm.AddFieldMappingsAt(f, fms...)
	}
	return dm
}
