package faqfile

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kefu/kefu/chat"
)

// Limits on one entry. They bound what an import can store and match what
// the widget shows.
const (
	MaxIDLen           = 64
	MaxLangLen         = 35 // the longest BCP 47 tag in common use
	MaxCategoryRunes   = 64
	MaxQuestionRunes   = 500
	MaxAnswerRunes     = 10_000
	MaxAlternatives    = 50
	MaxAlternativeRune = 500
)

// check returns what is wrong with f, or nil. seen maps ids to the line
// they were first seen on, to catch duplicates within one file.
func check(f *chat.FAQ, line int, seen map[string]int) []string {
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	// The API's rule for ids, so that every imported entry can be read,
	// edited and deleted through it.
	switch {
	case len(f.ID) > MaxIDLen:
		add("id is longer than %d bytes", MaxIDLen)
	case f.ID != "" && !chat.ValidKey(f.ID):
		add("id %q may hold only letters, digits, '-' and '_'", f.ID)
	case f.ID != "":
		if first, ok := seen[f.ID]; ok {
			add("id %q is already used on line %d", f.ID, first)
		} else {
			seen[f.ID] = line
		}
	}
	if !validLang(f.Lang) {
		add("lang %q is not a language tag such as en or zh-CN", f.Lang)
	}
	if utf8.RuneCountInString(f.Category) > MaxCategoryRunes {
		add("category is longer than %d characters", MaxCategoryRunes)
	}
	checkText(add, "question", f.Question, MaxQuestionRunes)
	checkText(add, "answer", f.Answer, MaxAnswerRunes)
	if len(f.Alternatives) > MaxAlternatives {
		add("more than %d alternatives", MaxAlternatives)
	}
	for i, a := range f.Alternatives {
		if utf8.RuneCountInString(a) > MaxAlternativeRune {
			add("alternative %d is longer than %d characters", i+1, MaxAlternativeRune)
		}
		if !utf8.ValidString(a) {
			add("alternative %d is not valid UTF-8", i+1)
		}
	}
	return bad
}

func checkText(add func(string, ...any), name, s string, limit int) {
	switch {
	case strings.TrimSpace(s) == "":
		add("%s is empty", name)
	case !utf8.ValidString(s):
		add("%s is not valid UTF-8", name)
	case utf8.RuneCountInString(s) > limit:
		add("%s is longer than %d characters", name, limit)
	}
}

// validLang accepts tags made of 1 to 8 letter or digit subtags joined by
// hyphens, starting with 2 or 3 letters: en, zh-CN, zh-Hant-TW.
func validLang(tag string) bool {
	if tag == "" || len(tag) > MaxLangLen {
		return false
	}
	for i, sub := range strings.Split(tag, "-") {
		if len(sub) == 0 || len(sub) > 8 {
			return false
		}
		for _, r := range sub {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !letter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
		if i == 0 && (len(sub) < 2 || len(sub) > 3) {
			return false
		}
	}
	return true
}

// tidy trims the text of f and drops empty alternatives, as an agent
// typing in a spreadsheet would expect.
func tidy(f *chat.FAQ) {
	f.ID = strings.TrimSpace(f.ID)
	f.Lang = strings.TrimSpace(f.Lang)
	f.Category = strings.TrimSpace(f.Category)
	f.Question = strings.TrimSpace(f.Question)
	f.Answer = strings.TrimSpace(f.Answer)
	alts := f.Alternatives[:0]
	for _, a := range f.Alternatives {
		if a = strings.TrimSpace(a); a != "" {
			alts = append(alts, a)
		}
	}
	f.Alternatives = alts
	if len(f.Alternatives) == 0 {
		f.Alternatives = nil
	}
}
