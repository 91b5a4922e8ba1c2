package server

import (
	"fmt"
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// siteView is a site's settings as the API shows them: the identity
// secret only to admins and owners, and the snippet to paste.
type siteView struct {
	*chat.Site
	IdentitySecret string `json:"identity_secret,omitempty"`
	Snippet        string `json:"snippet"`
	// LogoURL is where the panel shows the logo from, uploaded or not.
	LogoURL string `json:"logo_url,omitempty"`
}

// viewSite is a site as the API shows it: with the snippet, its file
// policy with the defaults filled in, and without an uploaded logo's
// bytes.
func (s *Server) viewSite(site *chat.Site) siteView {
	shown := *site
	shown.Widget.LogoImage = nil
	shown.Files = site.Files.Effective()
	return siteView{Site: &shown, IdentitySecret: site.IdentitySecret, LogoURL: logoURL(site),
		Snippet: fmt.Sprintf(`<script src="%s/widget.js" data-site="%s" async></script>`, s.origin, html.EscapeString(site.Key))}
}

// siteActor is the agent acting on the site named in the path. A site
// that is not theirs is not found.
func siteActor(c *fiber.Ctx) (chat.Actor, error) {
	a := agentOf(c)
	key := c.Params("key")
	if !a.CanAccess(key) {
		return chat.Actor{}, chat.NotFound("site")
	}
	return chat.Actor{Site: strings.Clone(key), Agent: a}, nil
}

// handleListSites lists the sites the agent works on.
func (s *Server) handleListSites(c *fiber.Ctx) error {
	a := agentOf(c)
	out := make([]siteView, 0, len(a.Sites))
	for _, key := range a.Sites {
		site, err := s.siteAdmin.Get(c.UserContext(), chat.Actor{Site: key, Agent: a})
		if chat.IsCode(err, chat.CodeNotFound) {
			continue // a site deleted since
		}
		if err != nil {
			return err
		}
		out = append(out, s.viewSite(site))
	}
	return c.JSON(fiber.Map{"sites": out})
}

func (s *Server) handleGetSite(c *fiber.Ctx) error {
	a, err := siteActor(c)
	if err != nil {
		return err
	}
	site, err := s.siteAdmin.Get(c.UserContext(), a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"site": s.viewSite(site)})
}

// handleCreateSite creates a site of the owner's.
func (s *Server) handleCreateSite(c *fiber.Ctx) error {
	var in chat.NewSiteInput
	if err := parseBody(c, &in); err != nil {
		return err
	}
	site, err := s.siteAdmin.Create(c.UserContext(), chat.Actor{Agent: agentOf(c)}, in)
	return s.answerSite(c, fiber.StatusCreated, site, err)
}

func (s *Server) handlePatchSite(c *fiber.Ctx) error {
	a, err := siteActor(c)
	if err != nil {
		return err
	}
	var p chat.SitePatch
	if err := parseBody(c, &p); err != nil {
		return err
	}
	site, err := s.siteAdmin.Update(c.UserContext(), a, p)
	return s.answerSite(c, fiber.StatusOK, site, err)
}

func (s *Server) handleRotateSecret(c *fiber.Ctx) error {
	a, err := siteActor(c)
	if err != nil {
		return err
	}
	site, err := s.siteAdmin.RotateSecret(c.UserContext(), a)
	return s.answerSite(c, fiber.StatusOK, site, err)
}

// answerSite answers with a site that was created or changed. An error
// that comes with the site says the change is saved but was not announced
// to other nodes: it is logged, and the answer is the saved site.
func (s *Server) answerSite(c *fiber.Ctx, status int, site *chat.Site, err error) error {
	if site == nil {
		return err
	}
	if err != nil {
		s.log.Warn("site saved, but not announced", "site", site.Key, "err", err)
	}
	s.sites.forget(site.Key)
	return c.Status(status).JSON(fiber.Map{"site": s.viewSite(site)})
}
