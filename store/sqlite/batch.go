package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kefu/kefu/chat"
)

// Group commit. A durable commit costs an fsync, about half a millisecond
// here, and one connection does one at a time: committing each message on
// its own caps a server at about 2,000 messages a second. Instead, one
// goroutine (writeLoop) takes an append, then every other append that is
// already waiting (up to Config.MaxBatch, never waiting for more), and
// runs them all in one transaction. Each append runs in its own
// SAVEPOINT, so one that fails (an unknown conversation, say) is rolled
// back alone; the one COMMIT then acknowledges all the others. If the
// COMMIT fails, every append of the batch fails with it: none of them is
// acknowledged, and a resend with the same client id is safe.
//
// Nothing here is needed for correctness across processes: each batch is
// an ordinary write transaction (BEGIN IMMEDIATE), which SQLite serializes
// with any other writer's.

// appendReq is one append waiting for the writer goroutine. The writer
// works on its own copy of the message, so that a caller that gave up
// (its context ended) never shares it.
type appendReq struct {
	ctx  context.Context
	msg  chat.Message
	done chan appendResult // buffered: the writer never blocks on it
}

type appendResult struct {
	msg chat.Message
	dup bool
	err error
}

// errClosed is the error of an append made after Close.
func errClosed() error { return chat.Errorf(chat.CodeUnavailable, "store is closed") }

// appendGrouped hands m to the writer goroutine and waits for its commit.
func (s *Store) appendGrouped(ctx context.Context, m *chat.Message) (bool, error) {
	req := &appendReq{ctx: ctx, msg: *m, done: make(chan appendResult, 1)}
	select {
	case s.appends <- req:
	case <-ctx.Done():
		return false, mapErr(ctx.Err(), "queue append", "message")
	case <-s.quit:
		return false, errClosed()
	}
	select {
	case r := <-req.done:
		if r.err != nil {
			return false, r.err
		}
		*m = r.msg
		return r.dup, nil
	case <-ctx.Done():
		// The batch may still commit it; a resend with the same client
		// id finds it then.
		return false, chat.Wrap(chat.CodeUnavailable, fmt.Errorf("sqlite: wait for append: %w", ctx.Err()),
			"the message may not be stored; resend it")
	}
}

// writeLoop runs batches of appends until Close. An append is taken only
// from a caller still waiting to hand it over, so none is left behind
// when the loop stops.
func (s *Store) writeLoop() {
	defer close(s.stopped)
	batch := make([]*appendReq, 0, s.maxBatch)
	for {
		select {
		case <-s.quit:
			return
		case r := <-s.appends:
			batch = append(batch[:0], r)
		}
	gather:
		for len(batch) < s.maxBatch {
			select {
			case r := <-s.appends:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		s.commitBatch(batch)
		clear(batch)
	}
}

// commitBatch runs batch in one transaction and answers every request.
func (s *Store) commitBatch(batch []*appendReq) {
	res := make([]appendResult, len(batch))
	defer func() {
		for i, r := range batch {
			r.done <- res[i]
		}
	}()
	live := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil { // its caller gave up before the batch began
			res[i].err = mapErr(err, "append message", "message")
			continue
		}
		live++
	}
	if live == 0 {
		return
	}
	failAll := func(err error) {
		for i := range res {
			if res[i].err == nil {
				res[i] = appendResult{err: err}
			}
		}
	}

	// The batch is bounded by the store's timeout, not by any one
	// caller's context: a caller that gives up must not fail the others.
	ctx, cancel := context.WithTimeout(context.Background(), s.opTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		failAll(mapErr(err, "begin appends", "message"))
		return
	}
	defer tx.Rollback()
	st := s.stmts.in(ctx, tx)
	stored := 0
	for i, r := range batch {
		if res[i].err != nil {
			continue
		}
		m := r.msg
		dup, err, txErr := appendSavepoint(ctx, tx, st, &m)
		if txErr != nil {
			failAll(txErr)
			return
		}
		if err != nil {
			res[i].err = err
			continue
		}
		res[i] = appendResult{msg: m, dup: dup}
		stored++
	}
	if stored == 0 {
		return // every live append failed; the deferred Rollback undoes nothing
	}
	if err := tx.Commit(); err != nil {
		s.logger.Error("sqlite: commit of appends failed; none of them is acknowledged", "appends", stored, "err", err)
		failAll(mapErr(err, "commit appends", "message"))
	}
}

// appendSavepoint runs one append of a batch in a savepoint, rolled back
// if the append fails with err. A txErr means the savepoint itself failed,
// and with it the transaction.
func appendSavepoint(ctx context.Context, tx *sql.Tx, st *appendStmts, m *chat.Message) (dup bool, err, txErr error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT append"); err != nil {
		return false, nil, mapErr(err, "savepoint", "message")
	}
	if dup, err = st.append(ctx, m); err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO append"); rerr != nil {
			return false, nil, mapErr(rerr, fmt.Sprintf("roll back append after %v", err), "message")
		}
	}
	if _, rerr := tx.ExecContext(ctx, "RELEASE append"); rerr != nil {
		return false, nil, mapErr(rerr, "release savepoint", "message")
	}
	return dup, err, nil
}
