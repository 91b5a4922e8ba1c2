package dump

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/kefu/kefu/chat"
)

// page is how many records Export reads per store call.
const page = 200

// Export writes everything in st to w, with the content of files from
// blobs (nil: a store that keeps none), and returns what it wrote.
// progress, if not nil, is called after each record with the counts so
// far.
func Export(ctx context.Context, st chat.Store, blobs chat.BlobStore, w io.Writer, progress func(Counts)) (Counts, error) {
	e := &exporter{st: st, blobs: blobs, w: bufio.NewWriterSize(w, 64<<10), progress: progress}
	if err := e.line(header{Format: Format, Version: Version, CreatedAt: time.Now().UTC()}); err != nil {
		return e.n, err
	}
	var sites []string // in order, so that the same install gives the same file
	if err := chat.EachSiteKey(ctx, st, func(k string) error { sites = append(sites, k); return nil }); err != nil {
		return e.n, fmt.Errorf("dump: list sites: %w", err)
	}
	agents := map[string]bool{}
	for _, key := range sites {
		if err := e.site(ctx, key, agents); err != nil {
			return e.n, err
		}
	}
	for _, key := range sites {
		for _, step := range []func(context.Context, string) error{e.visitors, e.conversations, e.faq, e.feedback, e.canned} {
			if err := step(ctx, key); err != nil {
				return e.n, err
			}
		}
	}
	if err := e.w.Flush(); err != nil {
		return e.n, fmt.Errorf("dump: write: %w", err)
	}
	return e.n, nil
}

type exporter struct {
	st       chat.Store
	blobs    chat.BlobStore
	w        *bufio.Writer
	n        Counts
	progress func(Counts)
}

func (e *exporter) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("dump: encode: %w", err)
	}
	b = append(b, '\n')
	if _, err := e.w.Write(b); err != nil {
		return fmt.Errorf("dump: write: %w", err)
	}
	return nil
}

// put writes one record and counts it in *count.
func (e *exporter) put(r record, count *int) error {
	if err := e.line(r); err != nil {
		return err
	}
	e.count(count)
	return nil
}

// count counts one more in *n and shows progress.
func (e *exporter) count(n *int) {
	*n++
	if e.progress != nil {
		e.progress(e.n)
	}
}

// site writes a site and those of its agents not written yet.
func (e *exporter) site(ctx context.Context, key string, done map[string]bool) error {
	s, err := e.st.Site(ctx, key)
	if err != nil {
		return fmt.Errorf("dump: read site %s: %w", key, err)
	}
	if err := e.put(record{Site: &siteRecord{Site: *s, IdentitySecret: s.IdentitySecret}}, &e.n.Sites); err != nil {
		return err
	}
	err = chat.EachAgent(ctx, e.st, key, func(a *chat.Agent) error {
		if done[a.ID] {
			return nil
		}
		done[a.ID] = true
		return e.put(record{Agent: &agentRecord{Agent: *a, PasswordHash: a.PasswordHash, TOTPSecret: a.TOTPSecret, RecoveryHashes: a.RecoveryHashes}}, &e.n.Agents)
	})
	if err != nil {
		return fmt.Errorf("dump: agents of %s: %w", key, err)
	}
	return nil
}

func (e *exporter) visitors(ctx context.Context, site string) error {
	for after := ""; ; {
		vs, err := e.st.ListVisitors(ctx, site, after, page)
		if err != nil {
			return fmt.Errorf("dump: list visitors of %s: %w", site, err)
		}
		for i := range vs {
			if err := e.put(record{Visitor: &vs[i]}, &e.n.Visitors); err != nil {
				return err
			}
		}
		if len(vs) < page {
			return nil
		}
		after = vs[len(vs)-1].ID
	}
}

func (e *exporter) conversations(ctx context.Context, site string) error {
	f := chat.ConversationFilter{Site: site, Limit: page}
	for {
		cs, err := e.st.ListConversations(ctx, f)
		if err != nil {
			return fmt.Errorf("dump: list conversations of %s: %w", site, err)
		}
		for i := range cs {
			if err := e.conversation(ctx, &cs[i]); err != nil {
				return err
			}
		}
		if len(cs) < page {
			return nil
		}
		last := cs[len(cs)-1]
		f.Before, f.BeforeID = last.UpdatedAt, last.ID
	}
}

func (e *exporter) conversation(ctx context.Context, c *chat.Conversation) error {
	if err := e.put(record{Conversation: c}, &e.n.Conversations); err != nil {
		return err
	}
	if err := e.files(ctx, c); err != nil {
		return err
	}
	for after := int64(0); ; {
		ms, err := e.st.Messages(ctx, c.Site, c.ID, after, page)
		if err != nil {
			return fmt.Errorf("dump: read messages of %s: %w", c.ID, err)
		}
		for i := range ms {
			if err := e.put(record{Message: &ms[i]}, &e.n.Messages); err != nil {
				return err
			}
		}
		if len(ms) < page {
			return nil
		}
		after = ms[len(ms)-1].Seq
	}
}

func (e *exporter) faq(ctx context.Context, site string) error {
	err := chat.EachFAQPage(ctx, e.st, site, func(fs []chat.FAQ) error {
		for i := range fs {
			if err := e.put(record{FAQ: &fs[i]}, &e.n.FAQ); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump: FAQ of %s: %w", site, err)
	}
	return nil
}

func (e *exporter) feedback(ctx context.Context, site string) error {
	f := chat.FeedbackFilter{Site: site, Limit: page}
	for {
		fs, err := e.st.ListFeedback(ctx, f)
		if err != nil {
			return fmt.Errorf("dump: list feedback of %s: %w", site, err)
		}
		for i := range fs {
			if err := e.put(record{Feedback: &fs[i]}, &e.n.Feedback); err != nil {
				return err
			}
		}
		if len(fs) < page {
			return nil
		}
		last := fs[len(fs)-1]
		f.Before, f.BeforeID = last.CreatedAt, last.ID
	}
}

// canned writes a site's canned replies, which are few (canned.MaxPerSite).
func (e *exporter) canned(ctx context.Context, site string) error {
	list, err := e.st.ListCanned(ctx, site, math.MaxInt32)
	if err != nil {
		return fmt.Errorf("dump: list canned replies of %s: %w", site, err)
	}
	for i := range list {
		if err := e.put(record{Canned: &list[i]}, &e.n.Canned); err != nil {
			return err
		}
	}
	return nil
}
