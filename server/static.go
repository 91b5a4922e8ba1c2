package server

import (
	"bytes"
	"io/fs"
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
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' "+wsOrigin(s.origin)+"; frame-ancestors "+ancestors+"; base-uri 'none'; form-action 'none'")
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
