package dump

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/kefu/kefu/chat"
)

// fileChunk is how much content one line carries at most: a line of
// base64 is a third longer, well within maxLine.
const fileChunk = 512 << 10

// maxFile bounds one file that Import gathers before keeping it: ten
// times the largest upload kefu takes by default.
const maxFile = 100 << 20

// files writes the records of the files sent in c, then their contents,
// each once.
func (e *exporter) files(ctx context.Context, c *chat.Conversation) error {
	as, err := e.st.ConversationAttachments(ctx, c.Site, c.ID)
	if err != nil {
		return fmt.Errorf("dump: files of %s: %w", c.ID, err)
	}
	var keys []string
	for i := range as {
		a := &as[i]
		if err := e.put(record{Attachment: &attachmentRecord{Attachment: *a, Blob: a.Blob, Thumb: a.Thumb}}, &e.n.Attachments); err != nil {
			return err
		}
		for _, k := range []string{a.Blob, a.Thumb} {
			if k != "" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	for _, k := range keys {
		if err := e.content(ctx, k); err != nil {
			return fmt.Errorf("dump: file %s of %s: %w", k, c.ID, err)
		}
	}
	return nil
}

// content writes the content kept under key as lines of at most
// fileChunk bytes, reading it as a stream.
func (e *exporter) content(ctx context.Context, key string) error {
	if e.blobs == nil {
		e.n.MissingFiles++
		return nil
	}
	r, size, err := e.blobs.Open(ctx, key)
	if chat.IsCode(err, chat.CodeNotFound) {
		e.n.MissingFiles++
		return nil
	}
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]byte, min(size, fileChunk))
	for left := size; ; {
		n := min(left, fileChunk)
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		left -= n
		if err := e.line(record{File: &fileRecord{Key: key, Data: buf[:n], End: left == 0}}); err != nil {
			return err
		}
		if left == 0 {
			break
		}
	}
	e.n.FileBytes += size
	e.count(&e.n.Files)
	return nil
}

// attachment stores the record of a file sent in the conversation being
// read.
func (im *importer) attachment(ctx context.Context, r *attachmentRecord) error {
	c := im.conv
	if c == nil || r.ConversationID != c.ID || r.Site != c.Site {
		return fmt.Errorf("file %s does not follow its conversation", r.ID)
	}
	a := r.Attachment
	a.Blob, a.Thumb = r.Blob, r.Thumb
	if err := im.st.CreateAttachment(ctx, &a); err != nil {
		return fmt.Errorf("file %s of %s: %w", a.ID, c.ID, err)
	}
	im.named[a.Blob] = true
	if a.Thumb != "" {
		im.named[a.Thumb] = true
	}
	im.n.Attachments++
	return nil
}

// content gathers one part of a file, and keeps the file in blobs at its
// last part, in the same conversation (its key's scope), checking that
// the content is the one its key names.
func (im *importer) content(ctx context.Context, r *fileRecord) error {
	c := im.conv
	if c == nil || !im.named[r.Key] {
		return fmt.Errorf("content %s is named by no file of the conversation before it", r.Key)
	}
	if im.file == nil {
		im.file = &fileRecord{Key: r.Key}
	} else if im.file.Key != r.Key {
		return fmt.Errorf("content %s begins before %s ends", r.Key, im.file.Key)
	}
	if len(im.file.Data)+len(r.Data) > maxFile {
		return fmt.Errorf("content %s is over %d MB", r.Key, maxFile>>20)
	}
	im.file.Data = append(im.file.Data, r.Data...)
	if !r.End {
		return nil
	}
	data := im.file.Data
	im.file = nil
	if im.blobs == nil {
		return errors.New("this database keeps no files")
	}
	key, err := im.blobs.Put(ctx, c.ID, data)
	if err != nil {
		return fmt.Errorf("content %s: %w", r.Key, err)
	}
	if key != r.Key {
		return errors.Join(fmt.Errorf("content %s does not match its key: the file is damaged", r.Key), im.blobs.Delete(ctx, key))
	}
	im.n.Files++
	im.n.FileBytes += int64(len(data))
	return nil
}
