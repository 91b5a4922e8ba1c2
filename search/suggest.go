package search

import (
	"context"
	"fmt"
	"math"
	"slices"
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
	// wellMatched is how close to the best score of any language an entry
	// in the visitor's language must come to count as a good answer. With
	// one such entry, other languages are left out. On the demo FAQ, an
	// entry holding the exact term that an entry of another language also
	// holds scored 0.2 to 0.45 of the best ("2FA", "KYC"); a match in an
	// answer alone, 0.02 to 0.05.
	wellMatched = 0.15
	// minShare is the least share of the first result's score that
	// another result needs to be shown.
	minShare = 0.15
	// fuzzyMinRunes is the shortest Latin word that may match with one typo.
	fuzzyMinRunes = 5
)

// Result is one suggested entry, best first. The caller loads the entry by
// ID from the store.
type Result struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	// Lang is the entry's base language, such as "en" or "zh".
	Lang string `json:"lang"`
}

// Suggest returns up to n published entries of site that may answer text,
// best first. lang is the visitor's language: entries in it come first,
// and entries in other languages follow only when none in the visitor's
// language matches well (wellMatched), as when it has no such entry. The
// text is analysed, never parsed, and only MaxQueryRunes of it are read. No
// match gives no results and no error.
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
	// Fetch more than n, so that enough of the visitor's language is
	// among them; when it is not, ask for that language alone.
	all, total, err := x.hits(ctx, site, q, max(2*n, 10))
	if err != nil {
		return nil, err
	}
	var mine, others []Result
	for _, r := range all {
		if lang == "" || r.Lang == lang {
			mine = append(mine, r)
		} else {
			others = append(others, r)
		}
	}
	if lang != "" && len(mine) < n && total > uint64(len(all)) {
		byLang := query.NewTermQuery(lang)
		byLang.SetField(fieldLang)
		if mine, _, err = x.hits(ctx, site, query.NewConjunctionQuery([]query.Query{q, byLang}), n); err != nil {
			return nil, err
		}
	}
	best := 0.0
	if len(all) > 0 {
		best = all[0].Score
	}
	out := mine
	if len(mine) == 0 || mine[0].Score < wellMatched*best {
		out = append(out, others...)
	}
	// Leave out what matches far worse than the best answer: a word shared
	// by chance ("two" factor, charged "two" times) is no suggestion.
	if len(out) > 0 {
		floor := minShare * out[0].Score
		out = slices.DeleteFunc(out, func(r Result) bool { return r.Score < floor })
	}
	return out[:min(n, len(out))], nil
}

// hits runs q and returns up to size results, best first, and how many
// entries matched in all.
func (x *Index) hits(ctx context.Context, site string, q query.Query, size int) ([]Result, uint64, error) {
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.Fields = []string{fieldLang}
	res, err := x.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search: suggest: %w", err)
	}
	prefix := site + idSep
	out := make([]Result, 0, len(res.Hits))
	for _, h := range res.Hits {
		l, _ := h.Fields[fieldLang].(string)
		out = append(out, Result{ID: strings.TrimPrefix(h.ID, prefix), Score: h.Score, Lang: l})
	}
	sort.Slice(out, func(i, j int) bool { return better(out[i], out[j]) })
	return out, res.Total, nil
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
