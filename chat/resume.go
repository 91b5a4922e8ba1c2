package chat

import (
	"context"
	"fmt"
)

// ResumeClaim is what a signed link in a reply email says, once its
// signature and expiry have checked out: which visitor of which site may
// reopen which conversation.
type ResumeClaim struct {
	Site           string
	ConversationID string
	VisitorID      string
}

// Resume returns the visitor whose conversation a link in a reply email
// reopens on site, for a new session. The link must be for this site, and
// the conversation must still be that visitor's. A verified visitor is
// the site's logged-in user, whose session only the site's own proof
// starts: their link opens nothing, and they continue on the site.
func (s *Visitors) Resume(ctx context.Context, site *Site, claim ResumeClaim) (*Visitor, error) {
	refused := Errorf(CodeUnauthorized, "this link no longer opens the conversation")
	if claim.Site != site.Key {
		return nil, refused
	}
	c, err := s.store.Conversation(ctx, site.Key, claim.ConversationID)
	if IsCode(err, CodeNotFound) {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("visitors: resume: %w", err)
	}
	if c.Site != site.Key || c.VisitorID != claim.VisitorID {
		return nil, refused
	}
	v, err := s.store.Visitor(ctx, site.Key, claim.VisitorID)
	if IsCode(err, CodeNotFound) {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("visitors: resume: %w", err)
	}
	if v.Verified {
		return nil, Errorf(CodeForbidden, "log in on the site to continue this conversation")
	}
	return v, nil
}
