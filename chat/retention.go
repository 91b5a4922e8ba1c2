package chat

import (
	"context"
	"log/slog"
	"time"
)

// RetentionStore deletes what kefu no longer needs, a bounded batch at a
// time, so that nothing grows without bound.
type RetentionStore interface {
	// DeleteExpiredTokens deletes refresh tokens that expired before t.
	DeleteExpiredTokens(ctx context.Context, t time.Time) (int, error)
	// DeleteIdleVisitors deletes up to limit anonymous visitors (with no
	// verified user id) last seen before t who have no conversation.
	DeleteIdleVisitors(ctx context.Context, t time.Time, limit int) (int, error)
	// DeleteResolvedConversations deletes up to limit resolved
	// conversations last updated before t, with their messages and the
	// records of their files, and returns how many it deleted and the
	// keys of those files' content (see BlobStore).
	DeleteResolvedConversations(ctx context.Context, t time.Time, limit int) (n int, blobs []string, err error)
	// DeleteUnsentAttachments deletes up to limit attachment records
	// created before t that no message carries: uploads never sent. Their
	// content stays for the sweep of content no record names (see
	// BlobStore.Sweep), since another record may share it.
	DeleteUnsentAttachments(ctx context.Context, t time.Time, limit int) (int, error)
	// UnrecordedBlobs returns those of keys that no attachment record
	// names, as its content or its thumbnail.
	UnrecordedBlobs(ctx context.Context, keys []string) ([]string, error)
}

// RetentionPolicy says how long kefu keeps what. A zero age keeps forever.
type RetentionPolicy struct {
	// IdleVisitors is how long an anonymous visitor who never started a
	// conversation is kept after last being seen.
	IdleVisitors time.Duration
	// Resolved is how long a resolved conversation is kept after its last
	// change.
	Resolved time.Duration
	// Leftovers is how long an upload may wait for the message that
	// carries it, and content for its record, before they are taken for
	// left over (an upload never sent, a crash between keeping a file and
	// recording it) and deleted.
	Leftovers time.Duration
}

// retentionBatch is how much one delete call removes at most, so that
// no single transaction holds the database for long.
const retentionBatch = 500

// Purged counts what one retention pass deleted.
type Purged struct {
	Tokens, Visitors, Conversations, Files int
	// Unsent counts uploads never sent, and Leftovers content that no
	// record named.
	Unsent, Leftovers int
}

// Purge runs one retention pass at now: expired refresh tokens always go,
// and visitors and resolved conversations, with their files' content in
// blobs (which may be nil), as p allows.
func Purge(ctx context.Context, st RetentionStore, blobs BlobStore, p RetentionPolicy, now time.Time) (Purged, error) {
	var out Purged
	var err error
	if out.Tokens, err = st.DeleteExpiredTokens(ctx, now); err != nil {
		return out, err
	}
	if p.IdleVisitors > 0 {
		if out.Visitors, err = drain(ctx, now.Add(-p.IdleVisitors), st.DeleteIdleVisitors); err != nil {
			return out, err
		}
	}
	if p.Resolved > 0 {
		conversations := func(ctx context.Context, t time.Time, limit int) (int, error) {
			n, keys, err := st.DeleteResolvedConversations(ctx, t, limit)
			// The records are gone: their content goes too. A key is of
			// one conversation only (BlobStore), so no other file shares it.
			for _, k := range keys {
				if blobs == nil {
					break
				}
				if derr := blobs.Delete(ctx, k); derr != nil && err == nil {
					err = derr
				} else if derr == nil {
					out.Files++
				}
			}
			return n, err
		}
		if out.Conversations, err = drain(ctx, now.Add(-p.Resolved), conversations); err != nil {
			return out, err
		}
	}
	if p.Leftovers > 0 {
		// Records first: the content of an upload never sent is then
		// named by no record, and goes in the same pass.
		if out.Unsent, err = drain(ctx, now.Add(-p.Leftovers), st.DeleteUnsentAttachments); err != nil {
			return out, err
		}
		if blobs != nil {
			if out.Leftovers, err = blobs.Sweep(ctx, now.Add(-p.Leftovers), st.UnrecordedBlobs); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// drain calls del in batches until a batch comes back short.
func drain(ctx context.Context, before time.Time, del func(context.Context, time.Time, int) (int, error)) (int, error) {
	total := 0
	for {
		n, err := del(ctx, before, retentionBatch)
		total += n
		if err != nil || n < retentionBatch {
			return total, err
		}
	}
}

// RunRetention runs Purge at start and then every interval until ctx is
// done, logging what each pass deleted.
func RunRetention(ctx context.Context, st RetentionStore, blobs BlobStore, p RetentionPolicy, interval time.Duration, now func() time.Time, log *slog.Logger) {
	for {
		n, err := Purge(ctx, st, blobs, p, now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention: purge failed; trying again next time", "err", err)
		case n != (Purged{}):
			log.Info("retention: purged", "refresh_tokens", n.Tokens, "idle_visitors", n.Visitors, "resolved_conversations", n.Conversations, "files", n.Files,
				"unsent_uploads", n.Unsent, "leftover_files", n.Leftovers)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
