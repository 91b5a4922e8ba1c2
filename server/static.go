package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// handleLoader serves /widget.js: a stable URL that browsers revalidate.
func (s *Server) handleLoader(c *fiber.Ctx) error {
	if s.opts.Widget == nil {
		return chat.Errorf(chat.CodeUnavailable, "widget not built")
	}
	body, etag := s.opts.Widget.Loader()
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, etag)
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && match == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Type("js", "utf-8")
	return c.Send(body)
}

// handleAsset serves content-hashed widget files, cached for good.
func (s *Server) handleAsset(c *fiber.Ctx) error {
	if s.opts.Widget == nil {
		return chat.NotFound("asset")
	}
	body, ctype, ok := s.opts.Widget.Asset(c.Params("name"))
	if !ok {
		return chat.NotFound("asset")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, ctype)
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	return c.Send(body)
}

// handleChatPage serves the chat page of a site: the widget's iframe and a
// shareable standalone page. Only the site's allowed origins may frame it.
func (s *Server) handleChatPage(c *fiber.Ctx) error {
	if s.opts.Widget == nil {
		return chat.Errorf(chat.CodeUnavailable, "widget not built")
	}
	site, err := s.site(c.UserContext(), c.Params("site"))
	if err != nil {
		return err
	}
	ancestors := "*"
	if len(site.AllowedOrigins) > 0 {
		ancestors = "'self' " + strings.Join(site.AllowedOrigins, " ")
	}
	img := "'self' data: blob:" // blob: for previews of files being uploaded
	if o := logoOrigin(site); o != "" {
		img += " " + o
	}
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src "+img+"; connect-src 'self' "+wsOrigin(s.origin)+"; frame-ancestors "+ancestors+"; base-uri 'none'; form-action 'none'")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("html", "utf-8")
	return c.Send(s.opts.Widget.ChatPage(site.Key, c.Query("lang")))
}

func wsOrigin(origin string) string {
	if rest, ok := strings.CutPrefix(origin, "https://"); ok {
		return "wss://" + rest
	}
	return "ws://" + strings.TrimPrefix(origin, "http://")
}

// handleDemo serves the demo site's page with the real snippet.
func (s *Server) handleDemo(c *fiber.Ctx) error {
	return s.servePage(c, "demo.html")
}

// handleInbox serves the agents' inbox app.
func (s *Server) handleInbox(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' "+wsOrigin(s.origin)+"; frame-ancestors 'none'")
	return s.servePage(c, "inbox.html")
}

// handleInboxAsset serves the inbox's scripts and styles. Their URLs are
// stable, as ES modules import each other by name, so browsers revalidate
// them with the ETag instead of caching them for good.
func (s *Server) handleInboxAsset(c *fiber.Ctx) error {
	f, ok := s.inboxFiles[c.Params("name")]
	if !ok {
		return chat.NotFound("asset")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, f.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	return c.Send(f.body)
}

// staticFile is a file read once at startup, with its ETag.
type staticFile struct {
	body  []byte
	ctype string
	etag  string
}

// staticTypes are the file types served from a pages folder; the type is
// set by extension, never sniffed.
var staticTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// loadStatic reads the scripts and styles directly in dir of pages. A
// missing folder serves nothing.
func loadStatic(pages fs.FS, dir string) map[string]staticFile {
	files := make(map[string]staticFile)
	if pages == nil {
		return files
	}
	entries, err := fs.ReadDir(pages, dir)
	if err != nil {
		return files
	}
	for _, e := range entries {
		ctype, ok := staticTypes[path.Ext(e.Name())]
		if e.IsDir() || !ok {
			continue
		}
		b, err := fs.ReadFile(pages, dir+"/"+e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		files[e.Name()] = staticFile{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	return files
}

// etagMatches reports whether an If-None-Match header names etag; weak
// validators match too, as they may for GET.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

func (s *Server) servePage(c *fiber.Ctx, name string) error {
	if s.opts.Pages == nil {
		return chat.NotFound("page")
	}
	b, err := fs.ReadFile(s.opts.Pages, name)
	if err != nil {
		return chat.NotFound("page")
	}
	b = bytes.ReplaceAll(b, []byte("{{ORIGIN}}"), []byte(s.origin))
	b = bytes.ReplaceAll(b, []byte("{{SITE}}"), []byte(s.opts.DemoSite))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("html", "utf-8")
	return c.Send(b)
}
