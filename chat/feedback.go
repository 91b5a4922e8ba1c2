package chat

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
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
		return nil, invalidFeedbackCategory()
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
		Status: FeedbackNew,
	}, nil
}

// MaxFeedbackNoteRunes bounds the team's note on a piece of feedback.
const MaxFeedbackNoteRunes = 2000

// Feedback lists the feedback of the actor's site, newest first, for the
// admins and owners who manage it, with only the status and category that
// f names, if it names them.
func (s *Service) Feedback(ctx context.Context, a Actor, f FeedbackFilter) ([]Feedback, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, invalidFeedbackStatus()
	}
	if f.Category != "" && !validFeedbackCategory(f.Category) {
		return nil, invalidFeedbackCategory()
	}
	f.Site = a.Site
	return s.store.ListFeedback(ctx, f)
}

// FeedbackChange is what an admin changes of one piece of feedback; a nil
// field stays as it is.
type FeedbackChange struct {
	Status *string
	Note   *string
}

// UpdateFeedback sets the status or the internal note, or both, of
// feedback id of the actor's site, for admins and owners, and records who
// changed it and when. Another site's feedback is not found, whatever the
// actor's role.
func (s *Service) UpdateFeedback(ctx context.Context, a Actor, id string, ch FeedbackChange) (*Feedback, error) {
	if !ValidKey(id) || !ValidKey(a.Site) || a.Agent == nil || !a.Agent.CanAccess(a.Site) {
		return nil, NotFound("feedback")
	}
	if _, err := s.store.Feedback(ctx, a.Site, id); err != nil {
		return nil, err
	}
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	u := FeedbackUpdate{By: a.Agent.ID, ByName: a.Agent.Name, At: s.now().UTC()}
	if ch.Status == nil && ch.Note == nil {
		return nil, Invalid("nothing to change: give a status, a note, or both")
	}
	if ch.Status != nil {
		u.Status = FeedbackStatus(*ch.Status)
		if !u.Status.Valid() {
			return nil, invalidFeedbackStatus()
		}
	}
	if ch.Note != nil {
		note := strings.TrimSpace(*ch.Note)
		if utf8.RuneCountInString(note) > MaxFeedbackNoteRunes {
			return nil, Invalid("the note is longer than %d characters", MaxFeedbackNoteRunes)
		}
		u.Note = &note
	}
	return s.store.UpdateFeedback(ctx, a.Site, id, u)
}

func invalidFeedbackStatus() error {
	return Invalid("status must be new, planned, done or declined")
}

func invalidFeedbackCategory() error {
	return Invalid("category must be suggestion, complaint, bug or praise")
}
