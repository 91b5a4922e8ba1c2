// Package search finds the FAQ entries that answer a visitor's question,
// while the visitor types and while they wait for an agent.
//
// It owns bleve completely: no other package of kefu imports it. The index
// is derived data. The store keeps the entries, and this package keeps only
// what it needs to rank them (site, language and the analysed text), so a
// missing or outdated index is simply rebuilt from the store.
//
// Text is analysed, never parsed: Suggest builds its query from the tokens
// of the visitor's text, so query syntax typed by a visitor is plain text and
// every query is confined to one site.
//
// Chinese, Japanese and Korean text is indexed as single characters and
// overlapping pairs of characters, so that one typed character already finds
// the entries that contain it, while a pair that matches ranks higher.
// Traditional Chinese is folded to simplified on both sides. Latin-script
// words are matched as typed or, for English and the European languages
// bleve supports, by stem; a word of five letters or more that no entry
// holds matches with one typo. docs/benchmarks.md gives the relevance and
// latency this reaches and the alternatives it was measured against.
package search
