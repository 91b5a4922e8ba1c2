package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// Keys of values the auth middleware leaves in fiber.Ctx.Locals.
const (
	localAgent   = "kefu.agent"
	localVisitor = "kefu.visitor"
	localSite    = "kefu.site"
)

// agentAuth requires an agent access token.
func (s *Server) agentAuth(c *fiber.Ctx) error {
	claims, err := s.opts.Issuer.ParseAccess(bearer(c))
	if err != nil {
		return err
	}
	if err := s.sessionLive(c.UserContext(), claims); err != nil {
		return err
	}
	a, err := s.opts.Store.Agent(c.UserContext(), claims.AgentID)
	if err != nil {
		if chat.IsCode(err, chat.CodeNotFound) {
			return chat.Errorf(chat.CodeUnauthorized, "agent no longer exists")
		}
		return err
	}
	if a.Disabled {
		return chat.Errorf(chat.CodeUnauthorized, "this account is disabled")
	}
	if !enrolmentRoutes[c.Method()+" "+c.Path()] {
		must, err := chat.MustEnrol(c.UserContext(), s.site, a)
		if err != nil {
			return err
		}
		if must {
			return errMustEnrol
		}
	}
	c.Locals(localAgent, a)
	return c.Next()
}

// enrolmentRoutes are what an agent who must turn on two-factor login may
// still use: their account, the enrolment, and a new password.
var enrolmentRoutes = map[string]bool{
	"GET /api/v1/me":               true,
	"POST /api/v1/me/totp":         true,
	"POST /api/v1/me/totp/confirm": true,
	"POST /api/v1/me/password":     true,
}

// errMustEnrol refuses everything else to an agent who must turn on
// two-factor login.
var errMustEnrol = chat.Errorf(chat.CodeForbidden, "a site of yours requires two-factor login: turn it on first (My account in the inbox, or POST /api/v1/me/totp)")

func agentOf(c *fiber.Ctx) *chat.Agent { return c.Locals(localAgent).(*chat.Agent) }

// agentActor is the agent acting on one of their sites: the site named in
// ?site=, or their first. A site that is not theirs is not found.
func agentActor(c *fiber.Ctx) (chat.Actor, error) {
	a := agentOf(c)
	site := c.Query("site")
	if site == "" && len(a.Sites) > 0 {
		site = a.Sites[0]
	}
	if !a.CanAccess(site) {
		return chat.Actor{}, chat.NotFound("site")
	}
	return chat.Actor{Site: strings.Clone(site), Agent: a}, nil
}

// widgetCORS loads the site of a widget route and enforces its allowed
// origins. A browser on another origin gets 403; only an allowed caller
// gets the CORS headers that let it send requests.
func (s *Server) widgetCORS(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	h := &c.Response().Header
	// A refusal names the caller's origin too, so that the loader can read
	// the 403 or 404 and remove its bubble: a response hidden by CORS looks
	// like a network failure, after which the loader keeps the bubble. It
	// allows no methods or headers, so a refused page's preflights fail.
	refuse := func(err error) error {
		if origin != "" {
			h.Set(fiber.HeaderAccessControlAllowOrigin, origin)
			h.Add(fiber.HeaderVary, "Origin")
		}
		return err
	}
	site, err := s.site(c.UserContext(), c.Params("site"))
	if err != nil {
		return refuse(err)
	}
	if !s.originAllowed(site, origin) {
		return refuse(chat.Errorf(chat.CodeForbidden, "origin not allowed for this site"))
	}
	if origin != "" {
		h.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		h.Add(fiber.HeaderVary, "Origin")
		h.Set(fiber.HeaderAccessControlAllowHeaders, "Authorization, Content-Type")
		h.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST")
		h.Set(fiber.HeaderAccessControlMaxAge, "600")
	}
	if c.Method() == fiber.MethodOptions {
		return c.SendStatus(fiber.StatusNoContent)
	}
	if !s.limits.ip.allow(s.clientIP(c), s.opts.Now()) {
		return rateLimited(time.Second, "too many requests; slow down")
	}
	c.Locals(localSite, site)
	return c.Next()
}

func siteOf(c *fiber.Ctx) *chat.Site { return c.Locals(localSite).(*chat.Site) }

// visitorAuth requires a session token of the route's site.
func (s *Server) visitorAuth(c *fiber.Ctx) error {
	claims, err := s.opts.Issuer.ParseVisitor(bearer(c))
	if err != nil {
		return err
	}
	site := siteOf(c)
	if claims.Site != site.Key {
		return chat.Errorf(chat.CodeUnauthorized, "session token is for another site")
	}
	c.Locals(localVisitor, chat.Actor{Site: site.Key, VisitorID: claims.VisitorID})
	return c.Next()
}

func visitorOf(c *fiber.Ctx) chat.Actor { return c.Locals(localVisitor).(chat.Actor) }

// sessionLive refuses an access token whose login has ended: logged out,
// or revoked after a replayed refresh token. Tokens from before sessions
// were named carry none, and live out their 15 minutes.
func (s *Server) sessionLive(ctx context.Context, claims auth.AgentClaims) error {
	if claims.Session == "" {
		return nil
	}
	live, err := s.opts.Store.FamilyActive(ctx, claims.Session)
	if err != nil {
		return err
	}
	if !live {
		return chat.Errorf(chat.CodeUnauthorized, "this login has ended; log in again")
	}
	return nil
}
