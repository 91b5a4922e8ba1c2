// Package dump moves a whole kefu install in and out of one file of
// versioned JSON lines: sites, agents, visitors, conversations with their
// messages, FAQ entries, feedback and canned replies. It works on any chat.Store, so the
// same file moves an install from the embedded database to MongoDB and
// back.
//
// The first line is a header naming the format and its version; every
// other line is one record. A conversation is followed by the records of
// the files sent in it, then by their content (base64, in lines of at
// most fileChunk bytes, so that no line and no step holds more than one
// file), then by its messages in seq order. Agents' refresh tokens are
// not moved: agents sign in again.
//
// Version 1 files, from before files were exported, are read as well.
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
	Attachment   *attachmentRecord  `json:"attachment,omitempty"`
	File         *fileRecord        `json:"file,omitempty"`
}

// attachmentRecord is the record of a file sent in a conversation, with
// the keys of its content that the API never shows.
type attachmentRecord struct {
	chat.Attachment
	Blob  string `json:"blob"`
	Thumb string `json:"thumb,omitempty"`
}

// fileRecord is one part of the content kept under Key: the parts of one
// file follow each other, the last with End set.
type fileRecord struct {
	Key  string `json:"key"`
	Data []byte `json:"data"`
	End  bool   `json:"end,omitempty"`
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
	// Attachments counts the records of files, Files their contents
	// (a file and its thumbnail are two), FileBytes the contents' size.
	Attachments, Files int
	FileBytes          int64
	// MissingFiles counts the contents that records named but the export
	// did not find: the records are moved, and their files show as gone.
	MissingFiles int
}

// Total is the number of records and contents.
func (c Counts) Total() int {
	return c.Sites + c.Agents + c.Visitors + c.Conversations + c.Messages + c.FAQ + c.Feedback + c.Canned + c.Attachments + c.Files
}
