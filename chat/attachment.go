package chat

import (
	"context"
	"time"
)

// Attachment is a file sent in a conversation: an image, a PDF or a text
// file, made safe by package attach. Its content is kept apart, by key
// (see BlobStore); the record says whose it is and what it is.
type Attachment struct {
	ID             string
	Site           string
	ConversationID string
	// Uploader is who sent the file: the visitor or an agent (type and id).
	Uploader  Author
	Name      string // cleaned, for display only
	Type      string // the MIME type, sniffed from the content
	Size      int64
	Blob      string // the key of the content
	Thumb     string // the key of the thumbnail; "" for a file that is no image
	ThumbType string
	Width     int
	Height    int
	CreatedAt time.Time
}

// AttachmentStore keeps the records of attachments.
type AttachmentStore interface {
	// CreateAttachment stores a new record, giving it an id if it has none.
	CreateAttachment(ctx context.Context, a *Attachment) error
	// Attachment returns one of site's attachments; CodeNotFound for an
	// unknown id or another site's.
	Attachment(ctx context.Context, site, id string) (*Attachment, error)
	// ConversationAttachments returns a conversation's attachments, oldest
	// first.
	ConversationAttachments(ctx context.Context, site, conversationID string) ([]Attachment, error)
}

// BlobStore keeps the content of attachments by key. A key is derived from
// the content and a scope (the conversation), so that the same file sent
// twice in one conversation is kept once, and deleting a conversation's
// files touches no other conversation's.
type BlobStore interface {
	Put(ctx context.Context, scope string, data []byte) (key string, err error)
	Get(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
}
