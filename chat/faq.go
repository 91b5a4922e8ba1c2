package chat

import (
	"strings"
	"unicode/utf8"
)

// FAQHit is one FAQ entry that matched a search, best first.
type FAQHit struct {
	ID    string
	Score float64
}

// Limits on an FAQ entry.
const (
	maxFAQQuestion     = 500
	maxFAQAnswer       = 5000
	maxFAQAlternatives = 20
	maxFAQAlternative  = 200
)

// maxFAQCategory bounds a category's name, in characters.
const maxFAQCategory = 64

// ValidateFAQ checks an entry written by an agent or an import, trims its
// text and writes its language as Languages does. The error names the
// field at fault.
func ValidateFAQ(f *FAQ) error {
	lang, err := faqLang(f.Lang)
	if err != nil {
		return err
	}
	f.Lang = lang
	f.Category = strings.TrimSpace(f.Category)
	switch n := utf8.RuneCountInString(f.Category); {
	case n == 0:
		return Invalid("category is empty: name the group the entry belongs to, such as deposit or 充值")
	case n > maxFAQCategory:
		return Invalid("category is longer than %d characters", maxFAQCategory)
	}
	f.Question = strings.TrimSpace(f.Question)
	f.Answer = strings.TrimSpace(f.Answer)
	switch {
	case f.Question == "" || utf8.RuneCountInString(f.Question) > maxFAQQuestion:
		return Invalid("question must be 1 to %d characters", maxFAQQuestion)
	case !utf8.ValidString(f.Question) || !utf8.ValidString(f.Answer):
		return Invalid("text is not valid UTF-8")
	case f.Answer == "" || utf8.RuneCountInString(f.Answer) > maxFAQAnswer:
		return Invalid("answer must be 1 to %d characters", maxFAQAnswer)
	case len(f.Alternatives) > maxFAQAlternatives:
		return Invalid("at most %d alternative phrasings", maxFAQAlternatives)
	}
	alts := f.Alternatives[:0]
	for _, a := range f.Alternatives {
		a = clip(a, maxFAQAlternative)
		if a != "" {
			alts = append(alts, a)
		}
	}
	f.Alternatives = alts
	return nil
}

// faqLang returns the tag of Languages that tag names, or an invalid
// error that lists them.
func faqLang(tag string) (string, error) {
	lang, ok := Language(tag)
	if !ok {
		return "", Invalid("lang %q is not one of the languages kefu speaks: %s", clip(tag, 16), strings.Join(Languages(), ", "))
	}
	return lang, nil
}

// FAQSubject is the bus subject that carries FAQ changes, so that every
// node keeps its own search index in step.
const FAQSubject = "kefu.faq"
