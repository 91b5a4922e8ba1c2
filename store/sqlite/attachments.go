package sqlite

import (
	"context"

	"github.com/kefu/kefu/chat"
)

const attachmentColumns = `site, id, conversation_id, uploader_type, uploader_id, name, type, size, blob, thumb, thumb_type, width, height, created_at`

// CreateAttachment stores a new attachment record, giving it an id if it
// has none.
func (s *Store) CreateAttachment(ctx context.Context, a *chat.Attachment) error {
	if a.Site == "" || a.ConversationID == "" || a.Blob == "" {
		return chat.Invalid("an attachment needs a site, a conversation and its content")
	}
	if a.ID == "" {
		a.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `INSERT INTO attachments (`+attachmentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Site, a.ID, a.ConversationID, string(a.Uploader.Type), a.Uploader.ID, a.Name, a.Type, a.Size, a.Blob, a.Thumb, a.ThumbType,
		a.Width, a.Height, millis(a.CreatedAt))
	return mapErr(err, "insert attachment", "attachment")
}

func scanAttachment(r rowScanner) (chat.Attachment, error) {
	var (
		a       chat.Attachment
		utype   string
		created int64
	)
	err := r.Scan(&a.Site, &a.ID, &a.ConversationID, &utype, &a.Uploader.ID, &a.Name, &a.Type, &a.Size, &a.Blob, &a.Thumb, &a.ThumbType,
		&a.Width, &a.Height, &created)
	a.Uploader.Type, a.CreatedAt = chat.AuthorType(utype), fromMillis(created)
	return a, err
}

// Attachment returns one of site's attachments.
func (s *Store) Attachment(ctx context.Context, site, id string) (*chat.Attachment, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	a, err := scanAttachment(s.queryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE site = ? AND id = ?`, site, id))
	if err != nil {
		return nil, mapErr(err, "find attachment", "attachment")
	}
	return &a, nil
}

// ConversationAttachments returns a conversation's attachments, oldest
// first.
func (s *Store) ConversationAttachments(ctx context.Context, site, conversationID string) ([]chat.Attachment, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE site = ? AND conversation_id = ? ORDER BY created_at, id`,
		site, conversationID)
	return collect(rows, err, "list attachments", "attachment", scanAttachment)
}
