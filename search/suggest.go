package search

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Limits on what one Suggest call may cost.
const (
	// MaxQueryRunes is how much of the visitor's text is read. Longer text
	// is cut: the start of a message carries its topic.
	MaxQueryRunes = 256
	// MaxResults caps n.
	MaxResults = 50
	// maxTerms caps the distinct terms one query searches for.
	maxTerms = 48
)

// Weights of the query. Question and alternatives are written to be
// matched, the answer only backs them up. A pair of CJK characters is
// stronger evidence than one character. The figures come from the relevance
// test (relevance_test.go).
const (
	boostAsked    = 3.0
	boostAnswer   = 1.0
	weightUnigram = 0.5
	// langBoost multiplies the score of entries in the visitor's language,
	// so that they rank first without hiding other languages when they are
	// all that matches.
	langBoost = 2.0
	// fuzzyMinRunes is the shortest Latin word that may match with one typo.
	fuzzyMinRunes = 5
)

// Result is one suggested entry, best first. The caller loads the entry by
// ID from the store.
type Result struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Suggest returns up to n published entries of site that may answer text,
// best first. lang is the visitor's language: entries in it rank higher,
// other languages still appear when they match. The text is analysed, never
// parsed, and only MaxQueryRunes of it are read. No match gives no results
// and no error.
func (x *Index) Suggest(ctx context.Context, site, lang, text string, n int) ([]Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n <= 0 || site == "" {
		return nil, nil
	}
	n = min(n, MaxResults)
	lang = baseLang(lang)
	p, err := x.plan(ctx, site, lang, capRunes(text, MaxQueryRunes))
	if err != nil || p == nil {
		return nil, err
	}
	q := p.query
	if p.rescore != nil {
		req := bleve.NewSearchRequestOptions(p.query, rescoreCandidates, 0, false)
		res, err := x.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: suggest: %w", err)
		}
		if len(res.Hits) == 0 {
			return nil, nil
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		q = query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), p.rescore})
	}
	// Fetch more than n so that the language preference can reorder them.
	req := bleve.NewSearchRequestOptions(q, max(2*n, 10), 0, false)
	req.Fields = []string{fieldLang}
	res, err := x.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: suggest: %w", err)
	}
	prefix := site + idSep
	out := make([]Result, 0, len(res.Hits))
	for _, h := range res.Hits {
		r := Result{ID: strings.TrimPrefix(h.ID, prefix), Score: h.Score}
		if l, _ := h.Fields[fieldLang].(string); lang != "" && l == lang {
			r.Score *= langBoost
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return better(out[i], out[j]) })
	return out[:min(n, len(out))], nil
}

// better orders results by score, and equal scores by id so that the order
// does not depend on how bleve happened to sum them: the last bits of a
// score vary with the order in which its clauses were added.
func better(a, b Result) bool {
	if d := a.Score - b.Score; math.Abs(d) > 1e-9*math.Max(math.Abs(a.Score), math.Abs(b.Score)) {
		return d > 0
	}
	return a.ID < b.ID
}

// isLatinWord reports whether s is made of Latin letters only.
func isLatinWord(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return s != ""
}

// capRunes returns at most n runes of s, never cutting a rune in half.
func capRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
