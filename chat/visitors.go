package chat

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Identity is a site's claim about who a logged-in visitor is. A site proves
// it with either Hash, the hex HMAC-SHA256 of ID keyed by the site's
// identity secret, or Token, a short-lived HS256 JWT signed with that
// secret whose sub is the user id and whose aud is the site key.
type Identity struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Hash  string `json:"hash"`
	Token string `json:"token"`
}

// given reports whether the page claims a user at all: an identity with
// neither an id nor a token is an anonymous visitor's.
func (id *Identity) given() bool { return id != nil && (id.ID != "" || id.Token != "") }

// VerifiedUser is an identity that checked out.
type VerifiedUser struct {
	ID    string
	Name  string
	Email string
	// ProfileSigned is true when the site signed Name and Email too (a
	// token); in hash mode they are what the page says.
	ProfileSigned bool
}

// SessionClaim is what a visitor's session token says, once its signature
// has checked out.
type SessionClaim struct {
	Site      string
	VisitorID string
	Verified  bool
}

// SessionInput is what a page sends to start or renew its visitor's
// session.
type SessionInput struct {
	// Previous is the session of the token the page kept, if it had one
	// whose signature checked out; nil otherwise.
	Previous *SessionClaim
	// User is the site's proof of who its logged-in user is; nil, or with
	// neither ID nor Token, for an anonymous visitor.
	User *Identity
	// Attributes are what the page says about its visitor
	// (kefu.setAttributes), merged into what it said before.
	Attributes map[string]string
}

// Limits on the attributes a page sets with kefu.setAttributes.
const (
	maxAttributes     = 20
	maxAttributeRunes = 256
)

// Visitors holds what a site's visitors do outside a conversation: start
// or renew a session, anonymous or as a user the site vouches for, leave
// feedback, and say which FAQ answers they opened and which helped.
type Visitors struct {
	store interface {
		VisitorStore
		FeedbackStore
		FAQStore
		ConversationStore
	}
	// verify checks a site's proof of its user (auth.VerifyIdentity). Its
	// errors are the caller's to see.
	verify func(site *Site, id Identity, now time.Time) (VerifiedUser, error)
	now    func() time.Time
	// counted holds the FAQ events this node counted, to count each once.
	counted seenOnce
}

// NewVisitors returns a Visitors. now may be nil for time.Now.
func NewVisitors(store interface {
	VisitorStore
	FeedbackStore
	FAQStore
	ConversationStore
}, verify func(*Site, Identity, time.Time) (VerifiedUser, error), now func() time.Time) *Visitors {
	if now == nil {
		now = time.Now
	}
	return &Visitors{store: store, verify: verify, now: now}
}

// Session returns the visitor whose session a page starts or renews on
// site. A user the site vouches for has their own visitor, found by the
// site's user id on any browser; an unverified session never becomes
// theirs, and renewing a verified session without proof starts a new
// anonymous one. A page's earlier anonymous session of the site is kept.
// Anything else is a new visitor.
func (s *Visitors) Session(ctx context.Context, site *Site, in SessionInput) (*Visitor, error) {
	now := s.now().UTC()
	var v *Visitor
	switch prev := in.Previous; {
	case in.User.given():
		u, err := s.verify(site, *in.User, now)
		if err != nil {
			return nil, err
		}
		if v, err = s.user(ctx, site.Key, u, now); err != nil {
			return nil, err
		}
	case prev != nil && prev.Site == site.Key && !prev.Verified:
		found, err := s.store.Visitor(ctx, site.Key, prev.VisitorID)
		if err != nil && !IsCode(err, CodeNotFound) {
			return nil, fmt.Errorf("visitors: resume session: %w", err)
		}
		if err == nil {
			v = found
		}
	}
	if v == nil {
		v = &Visitor{ID: NewID(), Site: site.Key, CreatedAt: now, LastSeenAt: now}
		if _, err := mergeAttributes(v, in.Attributes); err != nil {
			return nil, err
		}
		if err := s.store.CreateVisitor(ctx, v); err != nil {
			return nil, fmt.Errorf("visitors: create visitor: %w", err)
		}
		return v, nil
	}
	changed, err := mergeAttributes(v, in.Attributes)
	if err != nil {
		return nil, err
	}
	if changed {
		if err := s.store.UpdateVisitor(ctx, v); err != nil {
			return nil, fmt.Errorf("visitors: save attributes: %w", err)
		}
	}
	return v, nil
}

// user returns the visitor of a verified user, made on their first
// session. A signed profile replaces whatever a page said before; a
// page's word never replaces a signed one.
func (s *Visitors) user(ctx context.Context, site string, u VerifiedUser, now time.Time) (*Visitor, error) {
	v, err := s.store.VisitorByUserID(ctx, site, u.ID)
	if IsCode(err, CodeNotFound) {
		v = &Visitor{ID: NewID(), Site: site, UserID: u.ID, Verified: true, ProfileVerified: u.ProfileSigned,
			Name: u.Name, Email: u.Email, CreatedAt: now, LastSeenAt: now}
		// Two first sessions at once: the other one made the visitor.
		if err = s.store.CreateVisitor(ctx, v); IsCode(err, CodeConflict) {
			v, err = s.store.VisitorByUserID(ctx, site, u.ID)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("visitors: find verified user: %w", err)
	}
	if u.ProfileSigned && (!v.ProfileVerified || v.Name != u.Name || v.Email != u.Email) {
		v.Name, v.Email, v.ProfileVerified = u.Name, u.Email, true
		if err := s.store.UpdateVisitor(ctx, v); err != nil {
			return nil, fmt.Errorf("visitors: save signed profile: %w", err)
		}
	}
	return v, nil
}

// mergeAttributes adds a page's attributes to a visitor's and reports
// whether anything changed. Keys are plain keys; values are clipped.
func mergeAttributes(v *Visitor, in map[string]string) (bool, error) {
	if len(in) > maxAttributes {
		return false, Invalid("at most %d attributes", maxAttributes)
	}
	changed := false
	for k, val := range in {
		if !ValidKey(k) {
			return false, Invalid("attribute names are 1-64 letters, digits, '-' or '_'")
		}
		val = strings.ToValidUTF8(val, "")
		if r := []rune(val); len(r) > maxAttributeRunes {
			val = string(r[:maxAttributeRunes])
		}
		if v.Attributes == nil {
			v.Attributes = map[string]string{}
		}
		if v.Attributes[k] != val {
			if _, exists := v.Attributes[k]; !exists && len(v.Attributes) >= maxAttributes {
				return false, Invalid("at most %d attributes", maxAttributes)
			}
			v.Attributes[k], changed = val, true
		}
	}
	return changed, nil
}

// FeedbackInput is a visitor's feedback or suggestion.
type FeedbackInput struct {
	Category string
	Text     string
	Email    string
	Lang     string
	PageURL  string
}

// LeaveFeedback stores a visitor's feedback for the team of their site.
func (s *Visitors) LeaveFeedback(ctx context.Context, a Actor, in FeedbackInput) (*Feedback, error) {
	f, err := NewFeedback(a.Site, a.VisitorID, in.Category, in.Text, in.Email, in.Lang, in.PageURL, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateFeedback(ctx, f); err != nil {
		return nil, fmt.Errorf("visitors: store feedback: %w", err)
	}
	return f, nil
}
