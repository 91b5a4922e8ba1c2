package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// clause is one term looked up in one field.
type clause struct {
	field string
	term  string
	boost float64
	fuzzy bool
	// unknown is the word as typed, for a stem that no entry holds: then
	// the word is looked up with one typo allowed instead.
	unknown string
	df      uint64 // entries whose field holds the term, over all sites
}

// plan is how Suggest runs a query. When rescore is nil, query is the
// whole of it. Otherwise query only gathers candidates, and rescore ranks
// them.
type plan struct {
	query   query.Query
	rescore query.Query
}

// plan turns the visitor's text into a query confined to site, or nil
// when nothing in the text can match. The terms come from the analyzers
// that indexed the entries and become term queries, so no character of the
// text is ever read as query syntax.
//
// What a query costs is the length of the postings it walks. A plain
// disjunction of every term walks them all, which is fine while they are
// short. When the terms of a query are held by more than matchBudget
// entries in all, as 的, 提现 or "account" are in a large FAQ, only the
// rarest terms within the budget gather candidates, the best
// rescoreCandidates of them by those terms, and the full disjunction then
// ranks just those, skipping through the long postings instead of walking
// them. Small indexes always take the plain path.
func (x *Index) plan(ctx context.Context, site, lang, text string) (*plan, error) {
	ix, err := x.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: suggest: %w", err)
	}
	r, err := ix.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: suggest: %w", err)
	}
	defer func() { _ = r.Close() }()

	var cs []clause
	for _, c := range x.clauses(x.fold.fold(text), lang) {
		df, err := docFreq(ctx, r, c.field, c.term)
		if err != nil {
			return nil, err
		}
		if df == 0 && c.unknown != "" && utf8.RuneCountInString(c.unknown) >= fuzzyMinRunes {
			c = clause{field: fieldAsked, term: c.unknown, boost: c.boost, fuzzy: true}
			if df, err = docFreq(ctx, r, c.field, c.term); err != nil {
				return nil, err
			}
		}
		switch {
		case c.fuzzy && df > 0:
			// A known word is taken as typed: one typo away from a common
			// word is a long walk, and rarely what was meant.
			c.fuzzy = false
		case df == 0 && !c.fuzzy:
			continue
		}
		c.df = df
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(cs, func(a, b clause) int { return cmp.Compare(a.df, b.df) })
	all := make([]query.Query, len(cs))
	var walked uint64
	gather := 0
	for i, c := range cs {
		all[i] = c.query()
		if walked += c.df; i == 0 || walked <= matchBudget {
			gather = i + 1
		}
	}
	scope := query.NewTermQuery(site)
	scope.SetField(fieldSite)
	scope.SetBoost(0)
	if gather == len(all) {
		return &plan{query: query.NewConjunctionQuery([]query.Query{scope, query.NewDisjunctionQuery(all)})}, nil
	}
	return &plan{
		query:   query.NewConjunctionQuery([]query.Query{scope, query.NewDisjunctionQuery(all[:gather])}),
		rescore: query.NewDisjunctionQuery(all),
	}, nil
}

// matchBudget is how many postings, over all sites, the terms of a query
// may hold together before it is run in two steps; rescoreCandidates is how
// many entries the first step hands to the second.
const (
	matchBudget       = 1000
	rescoreCandidates = 32
)

func docFreq(ctx context.Context, r index.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("search: suggest: %w", err)
	}
	n := tfr.Count()
	_ = tfr.Close()
	return n, nil
}

func (c clause) query() query.Query {
	if c.fuzzy {
		q := query.NewFuzzyQuery(c.term)
		q.SetField(c.field)
		q.SetFuzziness(1)
		// Typos rarely hit the first letter, and a fixed first letter keeps
		// the walk of the term dictionary short.
		q.SetPrefix(1)
		q.SetBoost(c.boost)
		return q
	}
	q := query.NewTermQuery(c.term)
	q.SetField(c.field)
	q.SetBoost(c.boost)
	return q
}

// clauses lists what to look up for text, already folded, from a visitor
// speaking lang.
//
// CJK pairs and Latin words are looked up in the question and alternatives
// and in the answer, single CJK characters only in the former. When lang
// has a stemmer, a word whose stem differs from it is looked up by stem in
// the stemmed copies instead, which also finds the entries that hold it as
// typed; a word that is its own stem is looked up as typed, which also
// finds it in entries of other languages (KYC, 2FA, Visa in a Chinese
// entry).
func (x *Index) clauses(text, lang string) []clause {
	var out []clause
	seen := make(map[string]bool)
	toks := x.analyze(textAnalyzer, text)
	stems := x.stems(text, lang)
	unigrams := x.queryUnigrams(toks)
	for _, tok := range toks {
		term := string(tok.Term)
		if seen[term] || (isUnigram(tok) && !unigrams && covered(tok, toks)) {
			continue
		}
		if len(seen) >= maxTerms {
			break
		}
		seen[term] = true
		switch {
		case isUnigram(tok):
			// Answers hold no single characters: see addTextAnalyzers.
			out = append(out, clause{field: fieldAsked, term: term, boost: boostAsked * weightUnigram})
		case stems[term] != "" && stems[term] != term:
			stem := stems[term]
			if seen[stemSuffix+stem] {
				continue
			}
			seen[stemSuffix+stem] = true
			out = append(out,
				clause{field: fieldAsked + stemSuffix, term: stem, boost: boostAsked, unknown: term},
				clause{field: fieldAnswer + stemSuffix, term: stem, boost: boostAnswer})
		default:
			fuzzy := isLatinWord(term) && utf8.RuneCountInString(term) >= fuzzyMinRunes
			out = append(out,
				clause{field: fieldAsked, term: term, boost: boostAsked, fuzzy: fuzzy},
				clause{field: fieldAnswer, term: term, boost: boostAnswer})
		}
	}
	return out
}

// stems maps each Latin word of text to its stem in lang, when lang has a
// stemmer. Words that the stemmer drops (stop words) map to nothing.
func (x *Index) stems(text, lang string) map[string]string {
	if !hasStemmer(lang) {
		return nil
	}
	words := make(map[string]string)
	raw := x.analyze(textAnalyzer, text)
	for _, tok := range x.analyze(lang, text) {
		// Both analyzers split words the same way, so a stem belongs to
		// the raw token that starts where it starts.
		for _, r := range raw {
			if r.Start == tok.Start && isLatinWord(string(r.Term)) {
				words[string(r.Term)] = string(tok.Term)
				break
			}
		}
	}
	return words
}

// queryUnigrams reports whether the single CJK characters of a query that
// also stand in a pair are looked up. Short queries need them: they are
// often a word being typed, or a word with a wrong character. In longer
// ones the pairs carry the meaning and the characters cost time.
func (x *Index) queryUnigrams(toks analysis.TokenStream) bool {
	switch x.opts.unigrams {
	case unigramsAll:
		return true
	case unigramsIsolated:
		return false
	}
	n := 0
	for _, tok := range toks {
		if isUnigram(tok) {
			n++
		}
	}
	return n <= shortQueryRunes
}

func isUnigram(tok *analysis.Token) bool {
	return tok.Type == analysis.Single || (tok.Type == analysis.Ideographic && utf8.RuneCount(tok.Term) == 1)
}

// covered reports whether a pair of characters in toks spans tok.
func covered(tok *analysis.Token, toks analysis.TokenStream) bool {
	for _, t := range toks {
		if t.Type == analysis.Double && t.Start <= tok.Start && tok.End <= t.End {
			return true
		}
	}
	return false
}

// analyze runs the named analyzer of the index mapping over text.
func (x *Index) analyze(analyzer, text string) analysis.TokenStream {
	a := x.bi.Mapping().AnalyzerNamed(analyzer)
	if a == nil {
		return nil
	}
	return a.Analyze([]byte(text))
}
