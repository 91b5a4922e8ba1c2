package chat

import (
	"context"
	"time"
)

// Canned is a canned reply: a text that an agent inserts into the reply
// box by typing a slash and its shortcut, such as /refund. Package canned
// holds its rules.
type Canned struct {
	ID   string `json:"id"`
	Site string `json:"site"`
	// Shortcut is what the agent types after the slash: unique among the
	// site's replies of one language.
	Shortcut string `json:"shortcut"`
	// Lang is the language the text is written in, one of Languages, or
	// "" for a reply that suits any conversation.
	Lang      string    `json:"lang"`
	Text      string    `json:"text"`
	CreatedBy string    `json:"created_by"` // an agent's id
	CreatedAt time.Time `json:"created_at"`
	// UpdatedBy is the id of the agent who saved the reply last, and
	// UpdatedByName their name then; at creation, its creator.
	UpdatedBy     string    `json:"updated_by"`
	UpdatedByName string    `json:"updated_by_name"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// CannedStore keeps canned replies.
type CannedStore interface {
	// CreateCanned stores a new reply, giving it an id if it has none. It
	// fails with CodeConflict when the site has a reply with the same
	// shortcut and language.
	CreateCanned(ctx context.Context, c *Canned) error
	// Canned returns one of site's replies.
	Canned(ctx context.Context, site, id string) (*Canned, error)
	// ListCanned returns up to limit of site's replies, by shortcut, then
	// language, then id.
	ListCanned(ctx context.Context, site string, limit int) ([]Canned, error)
	// CountCanned returns how many replies site has.
	CountCanned(ctx context.Context, site string) (int, error)
	// UpdateCanned replaces the shortcut, language, text and UpdatedBy,
	// UpdatedByName and UpdatedAt of reply c.ID of c.Site, and keeps the
	// rest. It fails with CodeConflict when the new shortcut and language
	// are another reply's.
	UpdateCanned(ctx context.Context, c *Canned) error
	DeleteCanned(ctx context.Context, site, id string) error
}
