package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kefu/kefu/chat"
)

// maxMessagesPage bounds one Messages or MessagesBefore call.
const maxMessagesPage = 200

const messageColumns = `conversation_id, seq, site, client_id, author_type, author_id, author_name, text, private, created_at, attachments, event`

// The queries of a page of messages: conversation_id, seq, limit.
const (
	messagesAfter  = `SELECT ` + messageColumns + ` FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`
	messagesBefore = `SELECT ` + messageColumns + ` FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`
)

func scanMessage(r rowScanner) (chat.Message, error) {
	var (
		m       chat.Message
		created int64
		files   string
		event   string
	)
	err := r.Scan(&m.ConversationID, &m.Seq, &m.Site, &m.ClientID, &m.Author.Type, &m.Author.ID, &m.Author.Name,
		&m.Text, &m.Private, &created, &files, &event)
	m.ID = chat.MessageID(m.ConversationID, m.Seq)
	m.CreatedAt = fromMillis(created)
	if err == nil && files != "" {
		err = fromJSON(files, &m.Attachments)
	}
	if err == nil && event != "" {
		m.Event = new(chat.Activity)
		err = fromJSON(event, m.Event)
	}
	return m, err
}

// summaryJSON is a message as a conversation row keeps it (Last and
// LastPublic): its conversation and site are the row's own.
type summaryJSON struct {
	Seq        int64           `json:"seq"`
	ClientID   string          `json:"client_id,omitempty"`
	AuthorType chat.AuthorType `json:"author_type"`
	AuthorID   string          `json:"author_id,omitempty"`
	AuthorName string          `json:"author_name,omitempty"`
	Text       string          `json:"text"`
	Private    bool            `json:"private,omitempty"`
	CreatedAt  int64           `json:"created_at"`
}

// encodeSummary returns m as stored in a conversation row: JSON text, or
// nil (NULL) for no message.
func encodeSummary(m *chat.Message) (any, error) {
	if m == nil {
		return nil, nil
	}
	return toJSON(summaryJSON{
		Seq: m.Seq, ClientID: m.ClientID, AuthorType: m.Author.Type, AuthorID: m.Author.ID,
		AuthorName: m.Author.Name, Text: m.Text, Private: m.Private, CreatedAt: millis(m.CreatedAt),
	})
}

func decodeSummary(s *string, site, conversationID string) (*chat.Message, error) {
	if s == nil {
		return nil, nil
	}
	var d summaryJSON
	if err := fromJSON(*s, &d); err != nil {
		return nil, err
	}
	return &chat.Message{
		ID: chat.MessageID(conversationID, d.Seq), Site: site, ConversationID: conversationID,
		Seq: d.Seq, ClientID: d.ClientID,
		Author: chat.Author{Type: d.AuthorType, ID: d.AuthorID, Name: d.AuthorName},
		Text:   d.Text, Private: d.Private, CreatedAt: fromMillis(d.CreatedAt),
	}, nil
}

// AppendMessage stores m as the next message of its conversation, and in
// the same transaction advances the conversation (chat.Conversation.Advance).
// It sets m.Seq and m.ID and rounds m.CreatedAt to the millisecond that
// the database keeps. When the conversation already has m.ClientID it
// stores nothing, replaces *m by the stored message and reports a
// duplicate.
//
// It returns once the message is durably committed. Concurrent appends
// share commits (see batch.go) unless Config.MaxBatch is 1.
func (s *Store) AppendMessage(ctx context.Context, m *chat.Message) (duplicate bool, err error) {
	switch {
	case m.Site == "" || m.ConversationID == "":
		return false, chat.Invalid("message needs a site and a conversation")
	case m.ClientID == "":
		return false, chat.Invalid("message needs a client id")
	}
	select {
	case <-s.quit:
		return false, errClosed()
	default:
	}
	m.CreatedAt = m.CreatedAt.Truncate(time.Millisecond)
	ctx, cancel := s.op(ctx)
	defer cancel()
	if s.appends == nil {
		return s.appendAlone(ctx, m)
	}
	return s.appendGrouped(ctx, m)
}

// appendAlone appends m in a transaction of its own.
func (s *Store) appendAlone(ctx context.Context, m *chat.Message) (bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, mapErr(err, "begin append", "message")
	}
	defer tx.Rollback()
	msg := *m
	dup, err := s.stmts.in(ctx, tx).append(ctx, &msg)
	if err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, mapErr(err, "commit append", "message")
	}
	*m = msg
	return dup, nil
}

// appendStmts are the statements of an append, prepared once on the
// writer connection.
type appendStmts struct {
	conversation, byClientID, insert, advance, index *sql.Stmt
}

func (a *appendStmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&a.conversation, `SELECT site, last_seq, first_reply_at FROM conversations WHERE id = ?`},
		{&a.byClientID, `SELECT ` + messageColumns + ` FROM messages WHERE conversation_id = ? AND client_id = ?`},
		{&a.insert, `INSERT INTO messages (` + messageColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&a.advance, `UPDATE conversations SET last_seq = ?, updated_at = ?, last_message = coalesce(?, last_message),
			last_public = coalesce(?, last_public), first_reply_at = ? WHERE id = ?`},
		{&a.index, `INSERT INTO search (terms, conversation_id) VALUES (?, ?)`},
	} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return mapErr(err, "prepare append", "message")
		}
		*p.stmt = st
	}
	return nil
}

func (a *appendStmts) close() {
	for _, st := range []*sql.Stmt{a.conversation, a.byClientID, a.insert, a.advance, a.index} {
		if st != nil {
			st.Close()
		}
	}
}

// in returns the statements bound to tx, which runs on the connection
// they were prepared on, so they are not prepared again.
func (a *appendStmts) in(ctx context.Context, tx *sql.Tx) *appendStmts {
	return &appendStmts{
		conversation: tx.StmtContext(ctx, a.conversation),
		byClientID:   tx.StmtContext(ctx, a.byClientID),
		insert:       tx.StmtContext(ctx, a.insert),
		advance:      tx.StmtContext(ctx, a.advance),
		index:        tx.StmtContext(ctx, a.index),
	}
}

// append is the body of an append, inside a write transaction that the
// caller commits, or rolls back on an error.
func (a *appendStmts) append(ctx context.Context, m *chat.Message) (duplicate bool, err error) {
	var (
		site                string
		lastSeq, firstReply int64
	)
	err = a.conversation.QueryRowContext(ctx, m.ConversationID).Scan(&site, &lastSeq, &firstReply)
	if err != nil {
		return false, mapErr(err, "find conversation", "conversation")
	}
	if site != m.Site {
		return false, chat.NotFound("conversation")
	}
	old, err := scanMessage(a.byClientID.QueryRowContext(ctx, m.ConversationID, m.ClientID))
	switch {
	case err == nil:
		*m = old
		return true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, mapErr(err, "find message by client id", "message")
	}

	m.Seq = lastSeq + 1
	m.ID = chat.MessageID(m.ConversationID, m.Seq)
	c := chat.Conversation{ID: m.ConversationID, Site: site, LastSeq: lastSeq, FirstReplyAt: fromMillis(firstReply)}
	c.Advance(m)
	last, err := encodeSummary(c.Last) // nil after an activity: the old one stays
	if err != nil {
		return false, err
	}
	lastPublic, err := encodeSummary(c.LastPublic) // nil after a private note: the old one stays
	if err != nil {
		return false, err
	}
	files, event := "", ""
	if len(m.Attachments) > 0 {
		if files, err = toJSON(m.Attachments); err != nil {
			return false, err
		}
	}
	if m.Event != nil {
		if event, err = toJSON(m.Event); err != nil {
			return false, err
		}
	}
	_, err = a.insert.ExecContext(ctx, m.ConversationID, m.Seq, m.Site, m.ClientID,
		m.Author.Type, m.Author.ID, m.Author.Name, m.Text, bit(m.Private), millis(m.CreatedAt), files, event)
	if err != nil {
		return false, mapErr(err, "insert message", "message")
	}
	_, err = a.advance.ExecContext(ctx, c.LastSeq, millis(c.UpdatedAt), last, lastPublic, millis(c.FirstReplyAt), c.ID)
	if err != nil {
		return false, mapErr(err, "advance conversation", "conversation")
	}
	if strings.TrimSpace(m.Text) != "" {
		if _, err := a.index.ExecContext(ctx, searchDoc(m.Site, m.ConversationID, m.Text), m.ConversationID); err != nil {
			return false, mapErr(err, "index message", "message")
		}
	}
	return false, nil
}

// MessageByClientID finds a message by its sender's id.
func (s *Store) MessageByClientID(ctx context.Context, site, conversationID, clientID string) (*chat.Message, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	m, err := scanMessage(s.queryRow(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = ? AND client_id = ? AND site = ?`, conversationID, clientID, site))
	if err != nil {
		return nil, mapErr(err, "find message by client id", "message")
	}
	return &m, nil
}

// Messages returns up to limit (at most 200) messages with seq > afterSeq,
// in seq order.
func (s *Store) Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]chat.Message, error) {
	afterSeq = max(afterSeq, 0)
	msgs, err := s.messagePage(ctx, site, conversationID, messagesAfter, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	return msgs, contiguous(conversationID, msgs, afterSeq+1)
}

// MessagesBefore returns the newest limit (at most 200) messages with seq
// < beforeSeq, in seq order.
func (s *Store) MessagesBefore(ctx context.Context, site, conversationID string, beforeSeq int64, limit int) ([]chat.Message, error) {
	msgs, err := s.messagePage(ctx, site, conversationID, messagesBefore, beforeSeq, limit)
	if err != nil {
		return nil, err
	}
	slices.Reverse(msgs)
	if len(msgs) == 0 {
		return msgs, nil
	}
	return msgs, contiguous(conversationID, msgs, msgs[0].Seq)
}

// messagePage runs a page query of conversationID's messages, in one read
// transaction with the check that the conversation is site's.
func (s *Store) messagePage(ctx context.Context, site, conversationID, query string, seq int64, limit int) ([]chat.Message, error) {
	if limit <= 0 || limit > maxMessagesPage {
		limit = maxMessagesPage
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, mapErr(err, "begin read", "message")
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE id = ? AND site = ?`, conversationID, site).Scan(&one)
	if err != nil {
		return nil, mapErr(err, "find conversation", "conversation")
	}
	rows, err := tx.QueryContext(ctx, query, conversationID, seq, limit)
	return collect(rows, err, "list messages", "message", scanMessage)
}

// contiguous checks that msgs are seqs from, from+1, …: the store never
// skips a gap silently.
func contiguous(conversationID string, msgs []chat.Message, from int64) error {
	for i := range msgs {
		if want := from + int64(i); msgs[i].Seq != want {
			return fmt.Errorf("sqlite: conversation %s: message %d is missing", conversationID, want)
		}
	}
	return nil
}
