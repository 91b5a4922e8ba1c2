package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/terms"
)

// Conversation search is an FTS5 table of documents, one per message and
// one per visitor identity a conversation had, whose text is the terms
// package terms made plus a token for the site and one for the
// conversation. Its rowids grow as documents are added, so that the
// newest match comes first by rowid alone, which FTS5 reads backwards
// without sorting.

// searchDoc returns the indexed text of a document of a conversation.
func searchDoc(site, conversationID string, text ...string) string {
	return terms.Token('s', site) + " " + terms.Token('c', conversationID) + " " + strings.Join(terms.Index(strings.Join(text, " ")), " ")
}

// matchAll returns an FTS5 query that matches documents holding every
// term. Terms hold letters, digits and '_' only; quoting keeps FTS5 from
// reading any as an operator.
func matchAll(ts ...string) string {
	q := make([]string, len(ts))
	for i, t := range ts {
		q[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(q, " AND ")
}

// SearchConversations returns a page of the site's conversations that
// match every term, by their newest match.
func (s *Store) SearchConversations(ctx context.Context, f chat.SearchFilter) (chat.SearchPage, error) {
	if f.Site == "" || len(f.Terms) == 0 {
		return chat.SearchPage{}, chat.Invalid("search needs a site and a word")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	match := matchAll(append([]string{terms.Token('s', f.Site)}, f.Terms...)...)
	window := func(before int64, n int) ([]chat.SearchHit, error) {
		if before <= 0 {
			before = math.MaxInt64
		}
		rows, err := s.query(ctx, `SELECT rowid, conversation_id FROM search WHERE search MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`, match, before, n)
		return collect(rows, err, "search conversations", "conversation", func(r rowScanner) (h chat.SearchHit, err error) {
			return h, r.Scan(&h.Pos, &h.ConversationID)
		})
	}
	// A conversation's own documents are few: read them by its token and
	// look for the terms here, rather than intersect the terms' long lists.
	want := append([]string{terms.Token('s', f.Site)}, f.Terms...)
	shownBefore := func(id string) (bool, error) {
		rows, err := s.query(ctx, `SELECT terms FROM search WHERE search MATCH ? AND rowid >= ?`, matchAll(terms.Token('c', id)), f.Before)
		docs, err := collect(rows, err, "search conversations", "conversation", func(r rowScanner) (d string, err error) {
			return d, r.Scan(&d)
		})
		if err != nil {
			return false, err
		}
		for _, d := range docs {
			have := strings.Fields(d)
			if !slices.ContainsFunc(want, func(t string) bool { return !slices.Contains(have, t) }) {
				return true, nil
			}
		}
		return false, nil
	}
	return chat.PageMatches(f, window, shownBefore)
}

// indexWho adds a document of a visitor's identity to each of their
// conversations (or only to conversationID, if it is set), inside tx.
func indexWho(ctx context.Context, tx *sql.Tx, site, visitorID, conversationID string) error {
	var name, email, userID string
	err := tx.QueryRowContext(ctx, `SELECT name, email, user_id FROM visitors WHERE site = ? AND id = ?`, site, visitorID).Scan(&name, &email, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return mapErr(err, "index visitor", "visitor")
	}
	if name == "" && email == "" && userID == "" {
		return nil
	}
	ids := []string{conversationID}
	if conversationID == "" {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations WHERE site = ? AND visitor_id = ?`, site, visitorID)
		if ids, err = collect(rows, err, "index visitor", "conversation", func(r rowScanner) (id string, err error) {
			return id, r.Scan(&id)
		}); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, searchDoc(site, id, name, email, userID), id); err != nil {
			return mapErr(err, "index visitor", "visitor")
		}
	}
	return nil
}

// unindex deletes the documents of conversations, inside tx.
func unindex(ctx context.Context, tx *sql.Tx, ids []string) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT rowid FROM search WHERE search MATCH ?)`,
			matchAll(terms.Token('c', id))); err != nil {
			return mapErr(err, "unindex conversation", "conversation")
		}
	}
	return nil
}

// backfillSearch indexes what a database migrated from before schema 12
// holds, once, oldest first so that rowids follow time. It logs progress.
func (s *Store) backfillSearch(ctx context.Context) error {
	var done int
	if err := s.w.QueryRowContext(ctx, `SELECT done FROM search_backfill`).Scan(&done); err != nil {
		return mapErr(err, "read search backfill", "schema")
	}
	if done == 1 {
		return nil
	}
	// A backfill that a crash cut short starts again from nothing, rather
	// than index its first part twice.
	if _, err := s.w.ExecContext(ctx, `DELETE FROM search`); err != nil {
		return mapErr(err, "backfill search", "schema")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT site, conversation_id, text FROM messages WHERE trim(text) <> '' ORDER BY created_at, conversation_id, seq`)
	if err != nil {
		return mapErr(err, "backfill search", "message")
	}
	defer rows.Close()
	n := 0
	batch := func(fill func(tx *sql.Tx) (more bool, err error)) error {
		for more := true; more; {
			tx, err := s.w.BeginTx(ctx, nil)
			if err != nil {
				return mapErr(err, "backfill search", "message")
			}
			if more, err = fill(tx); err != nil {
				tx.Rollback()
				return err
			}
			if err := tx.Commit(); err != nil {
				return mapErr(err, "backfill search", "message")
			}
		}
		return nil
	}
	err = batch(func(tx *sql.Tx) (bool, error) {
		for i := 0; i < 5000; i++ {
			if !rows.Next() {
				return false, rows.Err()
			}
			var site, conv, text string
			if err := rows.Scan(&site, &conv, &text); err != nil {
				return false, mapErr(err, "backfill search", "message")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, searchDoc(site, conv, text), conv); err != nil {
				return false, mapErr(err, "backfill search", "message")
			}
			if n++; n%100000 == 0 {
				s.logger.Info("sqlite: indexing messages for search", "done", n)
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "backfill search", "visitor")
	}
	defer tx.Rollback()
	vrows, err := tx.QueryContext(ctx, `SELECT DISTINCT site, visitor_id FROM conversations`)
	pairs, err := collect(vrows, err, "backfill search", "visitor", func(r rowScanner) (p [2]string, err error) {
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := indexWho(ctx, tx, p[0], p[1], ""); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_backfill SET done = 1`); err != nil {
		return mapErr(err, "backfill search", "schema")
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err, "backfill search", "schema")
	}
	if n > 0 {
		s.logger.Info("sqlite: indexed messages for search", "messages", n, "visitors", len(pairs))
	}
	return nil
}
