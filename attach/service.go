package attach

import (
	"context"
	"io"
	"net/url"
	"time"

	"github.com/kefu/kefu/chat"
)

// Service holds the use cases of attachments: a visitor or an agent
// uploads a file to a conversation they may write in, and anyone with a
// signed URL reads it until the URL expires.
type Service struct {
	store interface {
		chat.AttachmentStore
	}
	blobs chat.BlobStore
	sign  *Signer
	// conversation returns the conversation if the actor may act on it,
	// and CodeNotFound otherwise (chat.Service.Conversation).
	conversation func(ctx context.Context, a chat.Actor, id string) (*chat.Conversation, error)
	now          func() time.Time
	// work lets MaxPreparing uploads be made safe at once: decoding an
	// image takes up to 64 MB and a core for a moment; more wait.
	work chan struct{}
}

// MaxPreparing is how many uploads one process makes safe at once.
const MaxPreparing = 2

// NewService returns a Service. now may be nil for time.Now.
func NewService(store chat.AttachmentStore, blobs chat.BlobStore, sign *Signer,
	conversation func(context.Context, chat.Actor, string) (*chat.Conversation, error), now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, blobs: blobs, sign: sign, conversation: conversation, now: now, work: make(chan struct{}, MaxPreparing)}
}

// Check reports whether the actor may send files to the conversation:
// CodeNotFound for another visitor's, another site's or an unknown one.
// Uploads call it before reading the file.
func (s *Service) Check(ctx context.Context, a chat.Actor, conversationID string) error {
	_, err := s.conversation(ctx, a, conversationID)
	return err
}

// Upload makes the file safe (see Prepare), keeps its content and its
// thumbnail, and records it for the conversation.
func (s *Service) Upload(ctx context.Context, a chat.Actor, conversationID, name string, data []byte, p Policy) (*chat.Attachment, error) {
	if s.blobs == nil {
		return nil, chat.Errorf(chat.CodeUnavailable, "this server has no file storage configured")
	}
	c, err := s.conversation(ctx, a, conversationID)
	if err != nil {
		return nil, err
	}
	f, err := s.prepare(ctx, data, name, p)
	if err != nil {
		return nil, err
	}
	rec := &chat.Attachment{Site: c.Site, ConversationID: c.ID, Uploader: uploader(a), Name: f.Name, Type: string(f.Type),
		Size: int64(len(f.Data)), Width: f.Width, Height: f.Height, CreatedAt: s.now().UTC()}
	if rec.Blob, err = s.blobs.Put(ctx, c.ID, f.Data); err != nil {
		return nil, err
	}
	if f.Thumb != nil {
		if rec.Thumb, err = s.blobs.Put(ctx, c.ID, f.Thumb); err != nil {
			return nil, err
		}
		rec.ThumbType = string(f.ThumbType)
	}
	if err := s.store.CreateAttachment(ctx, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// prepare runs Prepare in one of the MaxPreparing slots, waiting for one
// within ctx.
func (s *Service) prepare(ctx context.Context, data []byte, name string, p Policy) (*File, error) {
	select {
	case s.work <- struct{}{}:
	case <-ctx.Done():
		return nil, chat.Wrap(chat.CodeUnavailable, ctx.Err(), "the server is busy with other files; try again")
	}
	defer func() { <-s.work }()
	return Prepare(data, name, p)
}

func uploader(a chat.Actor) chat.Author {
	if a.Agent != nil {
		return chat.Author{Type: chat.AuthorAgent, ID: a.Agent.ID}
	}
	return chat.Author{Type: chat.AuthorVisitor, ID: a.VisitorID}
}

// View is an attachment as a reader gets it, with URLs signed for them.
type View struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Size         int64  `json:"size"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
}

// View returns a's view with freshly signed URLs, relative to kefu's
// origin: /files/SITE/CONVERSATION/ID?t=TOKEN, and …/thumb for the
// thumbnail.
func (s *Service) View(a *chat.Attachment) View {
	token, _ := s.sign.Sign(a.Site, a.ConversationID, a.ID)
	base := "/files/" + url.PathEscape(a.Site) + "/" + url.PathEscape(a.ConversationID) + "/" + url.PathEscape(a.ID)
	q := "?t=" + url.QueryEscape(token)
	v := View{ID: a.ID, Name: a.Name, Type: a.Type, Size: a.Size, URL: base + q, Width: a.Width, Height: a.Height}
	// ThumbType says there is a thumbnail: it travels with the record
	// between nodes, where the content keys do not.
	if a.ThumbType != "" {
		v.ThumbnailURL = base + "/thumb" + q
	}
	return v
}

// Open returns a file, or its thumbnail, for a signed URL: the record,
// the content as a stream to close, and its size. A bad or expired token,
// another site or conversation, and an unknown file are all CodeNotFound,
// alike.
func (s *Service) Open(ctx context.Context, site, conversationID, id, token string, thumb bool) (*chat.Attachment, io.ReadCloser, int64, error) {
	gone := chat.NotFound("file")
	if s.blobs == nil || !s.sign.Verify(site, conversationID, id, token) {
		return nil, nil, 0, gone
	}
	a, err := s.store.Attachment(ctx, site, id)
	if chat.IsCode(err, chat.CodeNotFound) || (err == nil && a.ConversationID != conversationID) || (err == nil && thumb && a.Thumb == "") {
		return nil, nil, 0, gone
	}
	if err != nil {
		return nil, nil, 0, err
	}
	key := a.Blob
	if thumb {
		key = a.Thumb
	}
	r, size, err := s.blobs.Open(ctx, key)
	if chat.IsCode(err, chat.CodeNotFound) {
		return nil, nil, 0, gone
	}
	return a, r, size, err
}
