package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefu/kefu/chat"
)

// Bounds of ListConversations.
const (
	defaultConversationPage = 50
	maxConversationPage     = 200
)

const conversationColumns = `id, site, visitor_id, kind, status, topic, lang, page_url, referrer,
	user_agent, email, assignee_id, last_seq, last_message, last_public, first_reply_at,
	visitor_read_seq, agent_read_seq, rating, rating_comment, created_at, updated_at`

func scanConversation(r rowScanner) (chat.Conversation, error) {
	var (
		c                    chat.Conversation
		last, lastPublic     *string
		firstReply, cre, upd int64
	)
	err := r.Scan(&c.ID, &c.Site, &c.VisitorID, &c.Kind, &c.Status, &c.Topic, &c.Lang, &c.PageURL, &c.Referrer,
		&c.UserAgent, &c.Email, &c.AssigneeID, &c.LastSeq, &last, &lastPublic, &firstReply,
		&c.VisitorReadSeq, &c.AgentReadSeq, &c.Rating, &c.RatingComment, &cre, &upd)
	if err != nil {
		return c, err
	}
	c.FirstReplyAt, c.CreatedAt, c.UpdatedAt = fromMillis(firstReply), fromMillis(cre), fromMillis(upd)
	if c.Last, err = decodeSummary(last, c.Site, c.ID); err != nil {
		return c, err
	}
	c.LastPublic, err = decodeSummary(lastPublic, c.Site, c.ID)
	return c, err
}

// Conversation returns conversation id of site, with its newest message and
// newest public message.
func (s *Store) Conversation(ctx context.Context, site, id string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	c, err := scanConversation(s.queryRow(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = ? AND site = ?`, id, site))
	if err != nil {
		return nil, mapErr(err, "find conversation", "conversation")
	}
	return &c, nil
}

// ActiveConversation returns the visitor's conversation that is not
// resolved, or a not-found error.
func (s *Store) ActiveConversation(ctx context.Context, site, visitorID string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	c, err := scanConversation(s.queryRow(ctx,
		`SELECT `+conversationColumns+` FROM conversations
		WHERE site = ? AND visitor_id = ? AND status <> 'resolved'`, site, visitorID))
	if err != nil {
		return nil, mapErr(err, "find active conversation", "conversation")
	}
	return &c, nil
}

// CreateConversation stores a new conversation, with the defaults that
// chat.Conversation.PrepareNew fills in.
// A visitor has at most one conversation that is not resolved: a second
// one fails with chat.CodeConflict, by a unique index.
func (s *Store) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	if err := c.PrepareNew(); err != nil {
		return err
	}
	last, err := encodeSummary(c.Last)
	if err != nil {
		return err
	}
	lastPublic, err := encodeSummary(c.LastPublic)
	if err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin insert conversation", "conversation")
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO conversations (`+conversationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Site, c.VisitorID, c.Kind, c.Status, c.Topic, c.Lang, c.PageURL, c.Referrer,
		c.UserAgent, c.Email, c.AssigneeID, c.LastSeq, last, lastPublic, millis(c.FirstReplyAt),
		c.VisitorReadSeq, c.AgentReadSeq, c.Rating, c.RatingComment, millis(c.CreatedAt), millis(c.UpdatedAt))
	if isActiveConflict(err) {
		return chat.Wrap(chat.CodeConflict, fmt.Errorf("sqlite: insert conversation: %w", err),
			"the visitor already has a conversation that is not resolved")
	}
	if err != nil {
		return mapErr(err, "insert conversation", "conversation")
	}
	// An offline message's email is the visitor's word, searchable too.
	if c.Email != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, searchDoc(c.Site, c.ID, c.Email), c.ID); err != nil {
			return mapErr(err, "index conversation", "conversation")
		}
	}
	if err := indexWho(ctx, tx, c.Site, c.VisitorID, c.ID); err != nil {
		return err
	}
	return mapErr(tx.Commit(), "commit insert conversation", "conversation")
}

// isActiveConflict reports a violation of the one-unresolved-conversation
// rule, which SQLite names by its columns.
func isActiveConflict(err error) bool {
	return isUnique(err) && strings.Contains(err.Error(), "conversations.visitor_id")
}

// ListConversations returns a page of a site's conversations, most
// recently active first, each with its newest messages. Every filter
// combination is served by an index in that order.
func (s *Store) ListConversations(ctx context.Context, f chat.ConversationFilter) ([]chat.Conversation, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultConversationPage
	}
	query, args := listQuery(f, min(limit, maxConversationPage))
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, query, args...)
	return collect(rows, err, "list conversations", "conversation", scanConversation)
}

// listQuery is the query of a ListConversations page. Its values are all
// parameters; only the shape depends on which filters are set.
func listQuery(f chat.ConversationFilter, limit int) (string, []any) {
	where, args := []string{"site = ?"}, []any{f.Site}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.VisitorID != "" {
		where, args = append(where, "visitor_id = ?"), append(args, f.VisitorID)
	}
	switch f.AssigneeID {
	case "":
	case chat.Unassigned:
		where = append(where, "assignee_id = ''")
	default:
		where, args = append(where, "assignee_id = ?"), append(args, f.AssigneeID)
	}
	if !f.Before.IsZero() {
		// With an empty BeforeID this is updated_at < Before, as no id is
		// smaller than ''.
		where, args = append(where, "(updated_at, id) < (?, ?)"), append(args, millis(f.Before), f.BeforeID)
	}
	return `SELECT ` + conversationColumns + ` FROM conversations
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY updated_at DESC, id DESC LIMIT ?`, append(args, limit)
}

// SetStatus changes the status. Resolving frees the visitor to start a new
// conversation; reopening fails with chat.CodeConflict while the visitor
// has another one that is not resolved.
func (s *Store) SetStatus(ctx context.Context, site, id string, status chat.Status, at time.Time) error {
	if !status.Valid() {
		return chat.Invalid("unknown status %q", status)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	// resolved_at is the time of the change to resolved, and is cleared
	// by a change away from it; setting resolved again keeps the first.
	res, err := s.w.ExecContext(ctx, `UPDATE conversations SET status = ?1, updated_at = ?2,
		resolved_at = CASE WHEN ?1 <> 'resolved' THEN 0 WHEN status = 'resolved' AND resolved_at > 0 THEN resolved_at ELSE ?2 END
		WHERE id = ?3 AND site = ?4`,
		status, millis(at), id, site)
	if isActiveConflict(err) {
		return chat.Wrap(chat.CodeConflict, fmt.Errorf("sqlite: set conversation status: %w", err),
			"the visitor has another conversation that is not resolved")
	}
	return updated(res, err, "set conversation status", "conversation")
}

// SetAssignee assigns the conversation to agentID, or to nobody if it is
// empty.
func (s *Store) SetAssignee(ctx context.Context, site, id, agentID string, at time.Time) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE conversations SET assignee_id = ?, updated_at = ? WHERE id = ? AND site = ?`,
		agentID, millis(at), id, site)
	return updated(res, err, "set assignee", "conversation")
}

// SetReadSeq records that the visitor or the agents have read up to seq.
// It never moves backwards.
func (s *Store) SetReadSeq(ctx context.Context, site, id string, who chat.AuthorType, seq int64) error {
	var q string
	switch who {
	case chat.AuthorVisitor:
		q = `UPDATE conversations SET visitor_read_seq = max(visitor_read_seq, ?) WHERE id = ? AND site = ?`
	case chat.AuthorAgent:
		q = `UPDATE conversations SET agent_read_seq = max(agent_read_seq, ?) WHERE id = ? AND site = ?`
	default:
		return chat.Invalid("unknown reader %q", who)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, q, seq, id, site)
	return updated(res, err, "set read seq", "conversation")
}

// SetRating records the visitor's rating of the conversation.
func (s *Store) SetRating(ctx context.Context, site, id string, rating int, comment string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE conversations SET rating = ?, rating_comment = ? WHERE id = ? AND site = ?`,
		rating, comment, id, site)
	return updated(res, err, "set rating", "conversation")
}
