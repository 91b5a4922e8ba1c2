package server

import (
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/chat"
)

// uploadBodyLimit bounds an upload request: the largest file and the
// multipart framing around it.
const uploadBodyLimit = attach.DefaultMaxBytes + 64<<10

// uploadsPerIPHour is how many files one client IP may upload an hour;
// each visitor's own limit is their site's (chat.FilePolicy), and agents
// are not limited.
const uploadsPerIPHour = chat.MaxUploadsPerHour

// fileKey returns the key that signs file URLs, or a random one.
func fileKey(key []byte) []byte {
	if len(key) > 0 {
		return key
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

// handleVisitorUpload takes a file a visitor sends to their conversation.
func (s *Server) handleVisitorUpload(c *fiber.Ctx) error {
	a, files := visitorOf(c), siteOf(c).Files.Effective()
	// Per IP too: a new visitor id costs nothing.
	now := s.opts.Now()
	if !s.limits.uploadsIP.allow(s.clientIP(c), now) {
		return rateLimited(time.Minute, "too many files sent from this address this hour; wait a little")
	}
	if !s.limits.uploads.allow(files.PerHour, a.Site+"/"+a.VisitorID, now) {
		return rateLimited(time.Minute, fmt.Sprintf("too many files sent this hour (at most %d); wait a little", files.PerHour))
	}
	return s.upload(c, a, files)
}

// handleAgentUpload takes a file an agent sends to a conversation of
// their site.
func (s *Server) handleAgentUpload(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	site, err := s.site(c.UserContext(), a.Site)
	if err != nil {
		return err
	}
	return s.upload(c, a, site.Files.Effective())
}

// upload reads the multipart field "file" and hands it to the attach
// service with the site's policy. The conversation is checked first, so
// that another's answers not found, whatever was sent.
func (s *Server) upload(c *fiber.Ctx, a chat.Actor, files chat.FilePolicy) error {
	ctx := c.UserContext()
	id := strings.Clone(c.Params("id"))
	if err := s.attach.Check(ctx, a, id); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return chat.Invalid("send the file as the multipart/form-data field \"file\"")
	}
	p := attach.PolicyOf(files)
	if fh.Size > p.MaxBytes {
		return chat.Errorf(chat.CodeTooLarge, "the file is larger than %d MB, the limit here", files.MaxMB)
	}
	f, err := fh.Open()
	if err != nil {
		return chat.Wrap(chat.CodeInvalid, err, "the file cannot be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, p.MaxBytes+1))
	if err != nil {
		return chat.Wrap(chat.CodeInvalid, err, "the file cannot be read")
	}
	rec, err := s.attach.Upload(ctx, a, id, fh.Filename, data, p)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"attachment": s.attach.View(rec)})
}

// handleFile serves a file, or its thumbnail, for a signed URL. Nothing
// it serves runs in kefu's origin: the type is the sniffed one and not
// sniffed again, a sandboxing CSP applies, and what is not an image is a
// download.
func (s *Server) handleFile(c *fiber.Ctx) error {
	// A signed URL can be passed around: the address is limited.
	if !s.limits.ip.allow(s.clientIP(c), s.opts.Now()) {
		return rateLimited(time.Second, "too many requests; slow down")
	}
	thumb := strings.HasSuffix(c.Path(), "/thumb")
	a, r, size, err := s.attach.Open(c.UserContext(), c.Params("site"), c.Params("conv"), c.Params("id"), c.Query("t"), thumb)
	if err != nil {
		return err
	}
	typ := a.Type
	if thumb {
		typ = a.ThumbType
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	disposition := "attachment"
	if attach.Type(typ).Image() {
		disposition = "inline"
	}
	// Non-ASCII names go as filename*=utf-8''…, as RFC 2231 says.
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": a.Name})
	if cd == "" {
		cd = disposition
	}
	c.Set(fiber.HeaderContentDisposition, cd)
	c.Set(fiber.HeaderContentType, typ)
	// Streamed from the file, not held whole in memory; fasthttp closes r
	// once it is sent.
	return c.SendStream(r, int(size))
}
