// Package terms turns text into the terms that kefu's conversation search
// indexes and looks up, the same way for every store.
//
// Chinese, Japanese and Korean runs become their single characters and
// overlapping pairs of characters, so that one typed character (退) and one
// typed word of two (充值) each match as one term, and a longer word as its
// pairs. Other words are lower-cased and, when they hold letters only,
// reduced to their English stem (refunds, refunded: refund). Digits and
// mixed words (order numbers, user ids) stay whole.
package terms

import (
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// maxWord is the longest word kept, in runes; longer ones are noise (a
// pasted token, a long URL part) and are skipped.
const maxWord = 40

// MaxQuery is how many terms a query keeps; the rest are dropped.
const MaxQuery = 8

// Index returns the distinct terms of text to index it under.
func Index(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	split(text, func(run []rune, cjk bool) {
		if !cjk {
			add(word(run))
			return
		}
		for i := range run {
			add(string(run[i]))
			if i+1 < len(run) {
				add(string(run[i : i+2]))
			}
		}
	})
	return out
}

// Query returns the terms that a text a user typed into a search box must
// all match: a single character alone, a longer CJK word as its pairs,
// other words as Index makes them. At most MaxQuery, distinct.
func Query(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] && len(out) < MaxQuery {
			seen[t] = true
			out = append(out, t)
		}
	}
	split(text, func(run []rune, cjk bool) {
		switch {
		case !cjk:
			add(word(run))
		case len(run) == 1:
			add(string(run))
		default:
			for i := 0; i+1 < len(run); i++ {
				add(string(run[i : i+2]))
			}
		}
	})
	return out
}

// split calls f with each run of CJK characters and each other word of
// letters and digits, in order.
func split(text string, f func(run []rune, cjk bool)) {
	var run []rune
	inCJK := false
	flush := func() {
		if len(run) > 0 && (inCJK || len(run) <= maxWord) {
			f(run, inCJK)
		}
		run = run[:0]
	}
	for _, r := range text {
		c := isCJK(r)
		switch {
		case c || unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(run) > 0 && c != inCJK {
				flush()
			}
			inCJK = c
			run = append(run, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
}

// word returns a non-CJK word's term: its English stem if it is all
// letters, else itself.
func word(run []rune) string {
	w := string(run)
	for _, r := range run {
		if !unicode.IsLetter(r) {
			return w
		}
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// isCJK tells a character of a script written without spaces.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Token returns a term that stands for a key (a site, a conversation) in
// an index, which no word of text can produce: a prefix and the key's
// bytes in hex.
func Token(prefix byte, key string) string {
	var b strings.Builder
	b.Grow(1 + 2*len(key))
	b.WriteByte('_')
	b.WriteByte(prefix)
	const hex = "0123456789abcdef"
	for i := 0; i < len(key); i++ {
		b.WriteByte(hex[key[i]>>4])
		b.WriteByte(hex[key[i]&15])
	}
	return b.String()
}
