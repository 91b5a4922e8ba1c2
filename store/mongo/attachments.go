package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type attachmentDoc struct {
	ID             string    `bson:"_id"`
	Site           string    `bson:"site"`
	ConversationID string    `bson:"conversation_id"`
	UploaderType   string    `bson:"uploader_type"`
	UploaderID     string    `bson:"uploader_id"`
	Name           string    `bson:"name"`
	Type           string    `bson:"type"`
	Size           int64     `bson:"size"`
	Blob           string    `bson:"blob"`
	Thumb          string    `bson:"thumb,omitempty"`
	ThumbType      string    `bson:"thumb_type,omitempty"`
	Width          int       `bson:"width,omitempty"`
	Height         int       `bson:"height,omitempty"`
	CreatedAt      time.Time `bson:"created_at"`
}

func newAttachmentDoc(a *chat.Attachment) attachmentDoc {
	return attachmentDoc{ID: a.ID, Site: a.Site, ConversationID: a.ConversationID, UploaderType: string(a.Uploader.Type), UploaderID: a.Uploader.ID,
		Name: a.Name, Type: a.Type, Size: a.Size, Blob: a.Blob, Thumb: a.Thumb, ThumbType: a.ThumbType, Width: a.Width, Height: a.Height,
		CreatedAt: a.CreatedAt}
}

func (d *attachmentDoc) attachment() chat.Attachment {
	return chat.Attachment{ID: d.ID, Site: d.Site, ConversationID: d.ConversationID, Uploader: chat.Author{Type: chat.AuthorType(d.UploaderType), ID: d.UploaderID},
		Name: d.Name, Type: d.Type, Size: d.Size, Blob: d.Blob, Thumb: d.Thumb, ThumbType: d.ThumbType, Width: d.Width, Height: d.Height,
		CreatedAt: d.CreatedAt}
}

// CreateAttachment stores a new attachment record, giving it an id if it
// has none.
func (s *Store) CreateAttachment(ctx context.Context, a *chat.Attachment) error {
	if a.Site == "" || a.ConversationID == "" || a.Blob == "" {
		return chat.Invalid("an attachment needs a site, a conversation and its content")
	}
	if a.ID == "" {
		a.ID = chat.NewID()
	}
	a.CreatedAt = a.CreatedAt.Truncate(time.Millisecond)
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.attachments.InsertOne(ctx, newAttachmentDoc(a))
	return mapErr(err, "insert attachment", "attachment")
}

// Attachment returns one of site's attachments.
func (s *Store) Attachment(ctx context.Context, site, id string) (*chat.Attachment, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d attachmentDoc
	if err := s.attachments.FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "site", Value: site}}).Decode(&d); err != nil {
		return nil, mapErr(err, "find attachment", "attachment")
	}
	a := d.attachment()
	return &a, nil
}

// ConversationAttachments returns a conversation's attachments, oldest
// first.
func (s *Store) ConversationAttachments(ctx context.Context, site, conversationID string) ([]chat.Attachment, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	cur, err := s.attachments.Find(ctx, bson.D{{Key: "site", Value: site}, {Key: "conversation_id", Value: conversationID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "list attachments", "attachment")
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list attachments", "attachment")
	}
	out := make([]chat.Attachment, len(docs))
	for i := range docs {
		out[i] = docs[i].attachment()
	}
	return out, nil
}
