package faqfile

import (
	"fmt"
	"strings"

	"github.com/kefu/kefu/chat"
)

// MaxIDLen bounds an entry's id. The other limits on an entry are the
// API's (chat.ValidateFAQ), so that every imported entry can be edited
// through it as it is.
const MaxIDLen = 64

// seen remembers the lines where ids, and questions in one language, were
// first used in a file.
type seen struct {
	ids       map[string]int
	questions map[string]int
}

// check returns what is wrong with f, or nil, and tidies it as the API
// does (its language as chat.Languages writes it).
func check(f *chat.FAQ, line int, s *seen) []string {
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
		if first, ok := s.ids[f.ID]; ok {
			add("id %q is already used on line %d", f.ID, first)
		} else {
			s.ids[f.ID] = line
		}
	}
	if err := chat.ValidateFAQ(f); err != nil {
		add("%s", chat.ErrorMessage(err))
		return bad
	}
	key := chat.QuestionKey(f.Lang, f.Question)
	if first, ok := s.questions[key]; ok {
		add("the same question in %s is already on line %d", f.Lang, first)
	} else {
		s.questions[key] = line
	}
	return bad
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
