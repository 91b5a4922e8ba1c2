// Package dump moves a whole kefu install in and out of one file of
// versioned JSON lines: sites, agents, visitors, conversations with their
// messages, FAQ entries, feedback and canned replies. It works on any chat.Store, so the
// same file moves an install from the embedded database to MongoDB and
// back.
//
// The first line is a header naming the format and its version; every
// other line is one record. A conversation's messages follow it, in seq
// order. Agents' refresh tokens are not moved: agents sign in again.
package dump

import (
	"time"

	"github.com/kefu/kefu/chat"
)

// Format and Version name the file format in its header line.
// Version 2 added canned replies; a version 1 file reads as one without
// them.
const (
	Format  = "kefu-export"
	Version = 2
)

// header is the first line of a file.
type header struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// record is one line after the header: exactly one field is set.
type record struct {
	Site         *siteRecord        `json:"site,omitempty"`
	Agent        *agentRecord       `json:"agent,omitempty"`
	Visitor      *chat.Visitor      `json:"visitor,omitempty"`
	Conversation *chat.Conversation `json:"conversation,omitempty"`
	Message      *chat.Message      `json:"message,omitempty"`
	FAQ          *chat.FAQ          `json:"faq,omitempty"`
	Feedback     *chat.Feedback     `json:"feedback,omitempty"`
	Canned       *chat.Canned       `json:"canned,omitempty"`
}

// siteRecord is a site with the secret the API never shows.
type siteRecord struct {
	chat.Site
	IdentitySecret string `json:"identity_secret,omitempty"`
}

// agentRecord is an agent with the credentials the API never shows.
type agentRecord struct {
	chat.Agent
	PasswordHash   string   `json:"password_hash,omitempty"`
	TOTPSecret     string   `json:"totp_secret,omitempty"`
	RecoveryHashes []string `json:"recovery_hashes,omitempty"`
}

// Counts says how many records of each kind were moved.
type Counts struct {
	Sites, Agents, Visitors, Conversations, Messages, FAQ, Feedback, Canned int
}

// Total is the number of records.
func (c Counts) Total() int {
	return c.Sites + c.Agents + c.Visitors + c.Conversations + c.Messages + c.FAQ + c.Feedback + c.Canned
}
