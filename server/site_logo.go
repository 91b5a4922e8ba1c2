package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/chat"
)

// logoBodyLimit bounds an uploaded logo's request: the largest file, in
// base64, and some room.
const logoBodyLimit = attach.MaxLogoUpload*4/3 + 4096

// handleSetLogo stores an uploaded logo: {"image": base64, or a data: URL
// as a browser's FileReader makes it}.
func (s *Server) handleSetLogo(c *fiber.Ctx) error {
	a, err := siteActor(c)
	if err != nil {
		return err
	}
	var req struct {
		Image string `json:"image"`
	}
	if err := parseBody(c, &req); err != nil {
		return err
	}
	site, err := s.siteAdmin.SetLogo(c.UserContext(), a, req.Image)
	return s.answerSite(c, fiber.StatusOK, site, err)
}

// handleWidgetLogo serves a site's uploaded logo to its widget.
func (s *Server) handleWidgetLogo(c *fiber.Ctx) error {
	img := siteOf(c).Widget.LogoImage
	if len(img) == 0 {
		return chat.NotFound("logo")
	}
	sum := sha256.Sum256(img)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderETag, etag)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(img)
}

// logoURL is where a widget finds the site's logo: the uploaded one on
// kefu, with its version so that a new one is fetched at once, or the
// owner's URL; "" for none.
func logoURL(site *chat.Site) string {
	w := site.Widget
	if len(w.LogoImage) > 0 {
		sum := sha256.Sum256(w.LogoImage)
		return "/api/v1/widget/" + url.PathEscape(site.Key) + "/logo?v=" + hex.EncodeToString(sum[:6])
	}
	return w.Logo
}

// logoOrigin is the origin of an owner's logo URL, which the chat page's
// CSP allows images from; "" for none or an uploaded logo.
func logoOrigin(site *chat.Site) string {
	if len(site.Widget.LogoImage) > 0 || site.Widget.Logo == "" {
		return ""
	}
	u, err := url.Parse(site.Widget.Logo)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return "https://" + u.Host
}
