package chat

import (
	"context"
	"time"
)

// validFeedbackCategory reports whether c is a kind of feedback a visitor
// can leave.
func validFeedbackCategory(c string) bool {
	switch c {
	case "suggestion", "complaint", "bug", "praise":
		return true
	}
	return false
}

// NewFeedback validates a visitor's feedback and returns it ready to store.
func NewFeedback(site, visitorID, category, text, email, lang, pageURL string, now time.Time) (*Feedback, error) {
	if !validFeedbackCategory(category) {
		return nil, Invalid("category must be suggestion, complaint, bug or praise")
	}
	text, err := ValidateText(text)
	if err != nil {
		return nil, err
	}
	if email != "" {
		if email, err = ValidateEmail(email); err != nil {
			return nil, err
		}
	}
	return &Feedback{
		ID: NewID(), Site: site, VisitorID: visitorID, Category: category, Text: text,
		Email: email, Lang: clip(lang, 16), PageURL: clip(pageURL, 1024), CreatedAt: now.UTC(),
	}, nil
}

// Feedback lists the feedback of the actor's site, newest first, for the
// admins and owners who manage it.
func (s *Service) Feedback(ctx context.Context, a Actor, f FeedbackFilter) ([]Feedback, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	f.Site = a.Site
	return s.store.ListFeedback(ctx, f)
}
