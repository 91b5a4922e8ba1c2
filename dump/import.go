package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kefu/kefu/chat"
)

// maxLine bounds one line of a file: the largest record is a conversation
// or a message of at most a few KB, or a site with its settings.
const maxLine = 4 << 20

// Import reads a file that Export wrote into st, which must hold no site
// yet, with the content of files into blobs, and returns what it stored.
// progress, if not nil, is called after each record. Every record keeps
// its id, and every message its seq.
func Import(ctx context.Context, st chat.Store, blobs chat.BlobStore, r io.Reader, progress func(Counts)) (Counts, error) {
	im := &importer{st: st, blobs: blobs, progress: progress}
	if keys, err := st.SiteKeys(ctx, "", 5); err != nil {
		return im.n, fmt.Errorf("dump: list sites: %w", err)
	} else if len(keys) > 0 {
		return im.n, fmt.Errorf("dump: the target database already has sites (%s); import only into an empty database", strings.Join(keys, ", "))
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		var err error
		if line == 1 {
			err = checkHeader(sc.Bytes())
		} else {
			err = im.record(ctx, sc.Bytes())
		}
		if err != nil {
			return im.n, fmt.Errorf("dump: line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return im.n, fmt.Errorf("dump: line %d: %w", line+1, err)
	}
	if line == 0 {
		return im.n, errors.New("dump: the file is empty")
	}
	if err := im.finish(ctx); err != nil {
		return im.n, fmt.Errorf("dump: line %d: %w", line, err)
	}
	return im.n, nil
}

func checkHeader(b []byte) error {
	var h header
	if err := json.Unmarshal(b, &h); err != nil || h.Format != Format {
		return fmt.Errorf("not a kefu export file (its first line names no %q format)", Format)
	}
	if h.Version < 1 || h.Version > Version {
		return fmt.Errorf("export format version %d; this kefu reads versions 1 to %d", h.Version, Version)
	}
	return nil
}

type importer struct {
	st       chat.Store
	blobs    chat.BlobStore
	n        Counts
	progress func(Counts)
	// conv is the conversation whose files and messages are being read:
	// its state is set once they all are, since each append moves it.
	conv *chat.Conversation
	// named are the content keys that conv's files name, and file the
	// content being gathered.
	named map[string]bool
	file  *fileRecord
}

func (im *importer) record(ctx context.Context, b []byte) error {
	var r record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return fmt.Errorf("bad record: %w", err)
	}
	if r.Message == nil && r.Attachment == nil && r.File == nil {
		if err := im.finish(ctx); err != nil {
			return err
		}
	}
	before := im.n
	var err error
	switch {
	case r.Site != nil:
		s := r.Site.Site
		s.IdentitySecret = r.Site.IdentitySecret
		err = count(im.st.CreateSite(ctx, &s), &im.n.Sites)
	case r.Agent != nil:
		a := r.Agent.Agent
		a.PasswordHash, a.TOTPSecret, a.RecoveryHashes = r.Agent.PasswordHash, r.Agent.TOTPSecret, r.Agent.RecoveryHashes
		err = count(im.st.CreateAgent(ctx, &a), &im.n.Agents)
	case r.Visitor != nil:
		err = count(im.st.CreateVisitor(ctx, r.Visitor), &im.n.Visitors)
	case r.Conversation != nil:
		err = im.conversation(ctx, r.Conversation)
	case r.Message != nil:
		err = im.message(ctx, r.Message)
	case r.FAQ != nil:
		err = count(im.st.SaveFAQ(ctx, r.FAQ), &im.n.FAQ)
	case r.Feedback != nil:
		err = count(im.st.CreateFeedback(ctx, r.Feedback), &im.n.Feedback)
	case r.Canned != nil:
		err = count(im.st.CreateCanned(ctx, r.Canned), &im.n.Canned)
	case r.Attachment != nil:
		err = im.attachment(ctx, r.Attachment)
	case r.File != nil:
		err = im.content(ctx, r.File)
	default:
		err = errors.New("empty record")
	}
	if err == nil && im.progress != nil && im.n != before {
		im.progress(im.n)
	}
	return err
}

func count(err error, n *int) error {
	if err == nil {
		*n++
	}
	return err
}

// conversation stores c as it was before its first message; finish
// restores the rest once its messages are in.
func (im *importer) conversation(ctx context.Context, c *chat.Conversation) error {
	fresh := *c
	fresh.LastSeq, fresh.Last, fresh.LastPublic = 0, nil, nil
	fresh.AssigneeID, fresh.VisitorReadSeq, fresh.AgentReadSeq = "", 0, 0
	fresh.Rating, fresh.RatingComment = 0, ""
	if err := im.st.CreateConversation(ctx, &fresh); err != nil {
		return fmt.Errorf("conversation %s: %w", c.ID, err)
	}
	im.conv, im.named = c, map[string]bool{}
	im.n.Conversations++
	return nil
}

func (im *importer) message(ctx context.Context, m *chat.Message) error {
	c := im.conv
	if c == nil || m.ConversationID != c.ID {
		return fmt.Errorf("message %s does not follow its conversation", m.ID)
	}
	want := m.Seq
	m.Site = c.Site
	if _, err := im.st.AppendMessage(ctx, m); err != nil {
		return fmt.Errorf("message %d of %s: %w", want, c.ID, err)
	}
	if m.Seq != want {
		return fmt.Errorf("message %d of %s was stored as %d: the file skips a seq", want, c.ID, m.Seq)
	}
	im.n.Messages++
	return nil
}

// finish sets the state of the conversation whose messages were just
// read: read marks, rating, assignee, and last its status and time.
func (im *importer) finish(ctx context.Context) error {
	c := im.conv
	if c == nil {
		return nil
	}
	if im.file != nil {
		return fmt.Errorf("file %s of conversation %s ends before its last part", im.file.Key, c.ID)
	}
	im.conv = nil
	steps := []func() error{
		func() error { return im.st.SetReadSeq(ctx, c.Site, c.ID, chat.AuthorVisitor, c.VisitorReadSeq) },
		func() error { return im.st.SetReadSeq(ctx, c.Site, c.ID, chat.AuthorAgent, c.AgentReadSeq) },
		func() error {
			if c.Rating == 0 {
				return nil
			}
			return im.st.SetRating(ctx, c.Site, c.ID, c.Rating, c.RatingComment)
		},
		func() error {
			if c.AssigneeID == "" {
				return nil
			}
			return im.st.SetAssignee(ctx, c.Site, c.ID, c.AssigneeID, c.UpdatedAt)
		},
		func() error { return im.st.SetStatus(ctx, c.Site, c.ID, c.Status, c.UpdatedAt) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("conversation %s: %w", c.ID, err)
		}
	}
	return nil
}
