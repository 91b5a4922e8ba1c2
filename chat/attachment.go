package chat

import (
	"context"
	"io"
	"time"
)

// Attachment is a file sent in a conversation: an image, a PDF, a text
// file or another kind the site takes, made safe by package attach. Its content is kept apart, by key
// (see BlobStore); the record says whose it is and what it is.
//
// Its JSON is how it travels between nodes with a message; clients get a
// view with signed URLs instead (package attach).
type Attachment struct {
	ID             string `json:"id"`
	Site           string `json:"site"`
	ConversationID string `json:"conversation_id"`
	// Uploader is who sent the file: the visitor or an agent (type and id).
	Uploader  Author    `json:"uploader"`
	Name      string    `json:"name"` // cleaned, for display only
	Type      string    `json:"type"` // the MIME type, sniffed from the content
	Size      int64     `json:"size"`
	Blob      string    `json:"-"` // the key of the content
	Thumb     string    `json:"-"` // the key of the thumbnail; "" for a file that is no image
	ThumbType string    `json:"thumb_type,omitempty"`
	Width     int       `json:"width,omitempty"`
	Height    int       `json:"height,omitempty"`
	CreatedAt time.Time `json:"created_at"`
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
	// Put keeps data and returns its key. Putting content that is kept
	// already makes it new again for Sweep.
	Put(ctx context.Context, scope string, data []byte) (key string, err error)
	Get(ctx context.Context, key string) ([]byte, error)
	// Open returns the content under key to read as a stream, and its
	// size; the caller closes it.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	Delete(ctx context.Context, key string) error
	// Sweep deletes content last put before t that no record names: it
	// lists such content a page of keys at a time, asks unrecorded which
	// of them no record names, and deletes those unless they were put
	// again meanwhile. It returns how many it deleted.
	Sweep(ctx context.Context, t time.Time, unrecorded func(ctx context.Context, keys []string) ([]string, error)) (int, error)
}

// sendable returns the records of the files a message is to carry: no
// more than the site allows in one message (too_large), each one uploaded
// to this conversation by this sender (a visitor's own uploads; for
// agents, any agent's), each once.
func (s *Service) sendable(ctx context.Context, a Actor, c *Conversation, ids []string) ([]Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	site, err := s.store.Site(ctx, c.Site)
	if err != nil {
		return nil, err
	}
	if n := site.Files.Effective().PerMessage; len(ids) > n {
		return nil, Errorf(CodeTooLarge, "a message carries at most %d files here", n)
	}
	var out []Attachment
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		f, err := s.store.Attachment(ctx, c.Site, id)
		if IsCode(err, CodeNotFound) {
			return nil, Invalid("attachment %q is not one of this conversation's", clip(id, 64))
		}
		if err != nil {
			return nil, err
		}
		mine := f.Uploader.Type == AuthorAgent && a.Agent != nil || f.Uploader.Type == AuthorVisitor && a.Agent == nil && f.Uploader.ID == a.VisitorID
		if f.ConversationID != c.ID || !mine {
			return nil, Invalid("attachment %q is not one of this conversation's", clip(id, 64))
		}
		out = append(out, *f)
	}
	return out, nil
}

// WithFiles sets the Files of those msgs that carry attachments, all of
// one conversation, with one read of the conversation's files.
func (s *Service) WithFiles(ctx context.Context, site, conversationID string, msgs []Message) error {
	need := false
	for i := range msgs {
		need = need || len(msgs[i].Attachments) > 0
	}
	if !need {
		return nil
	}
	all, err := s.store.ConversationAttachments(ctx, site, conversationID)
	if err != nil {
		return err
	}
	byID := make(map[string]Attachment, len(all))
	for _, f := range all {
		byID[f.ID] = f
	}
	for i := range msgs {
		msgs[i].Files = nil
		for _, id := range msgs[i].Attachments {
			if f, ok := byID[id]; ok {
				msgs[i].Files = append(msgs[i].Files, f)
			}
		}
	}
	return nil
}
