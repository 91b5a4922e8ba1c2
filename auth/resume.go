package auth

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/chat"
)

// audienceResume marks a link that reopens one conversation for its
// visitor; its key is its own, so no other token passes for it.
const audienceResume = "kefu:resume"

// ResumeLinkTTL is how long a link in a reply email stays good.
const ResumeLinkTTL = 7 * 24 * time.Hour

// ResumeClaims is what a resume link says: which visitor of which site
// may reopen which conversation.
type ResumeClaims struct {
	Site           string
	ConversationID string
	VisitorID      string
	ExpiresAt      time.Time
}

type resumeJWT struct {
	Site         string `json:"site"`
	Conversation string `json:"conv"`
	jwt.RegisteredClaims
}

// ResumeToken signs a link that gives the visitor of a conversation a
// session again, for ResumeLinkTTL.
func (i *Issuer) ResumeToken(site, conversationID, visitorID string) (string, error) {
	now := i.now()
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, resumeJWT{
		Site:         site,
		Conversation: conversationID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   visitorID,
			Audience:  jwt.ClaimStrings{audienceResume},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ResumeLinkTTL)),
		},
	})
	s, err := t.SignedString(i.derive(audienceResume))
	if err != nil {
		return "", fmt.Errorf("auth: sign resume link: %w", err)
	}
	return s, nil
}

// ParseResume checks a resume link's token.
func (i *Issuer) ParseResume(token string) (ResumeClaims, error) {
	var c resumeJWT
	if err := i.parse(token, audienceResume, &c); err != nil {
		return ResumeClaims{}, err
	}
	if !chat.ValidKey(c.Site) || !chat.ValidKey(c.Conversation) || !chat.ValidKey(c.Subject) {
		return ResumeClaims{}, chat.Errorf(chat.CodeUnauthorized, "invalid link")
	}
	return ResumeClaims{Site: c.Site, ConversationID: c.Conversation, VisitorID: c.Subject, ExpiresAt: c.ExpiresAt.Time}, nil
}
