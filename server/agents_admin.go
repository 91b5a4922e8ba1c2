package server

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// seenBy is ag as viewer may see it: only the sites viewer works on, so
// that no agent learns the keys of other sites of the install.
func seenBy(ag chat.Agent, viewer *chat.Agent) chat.Agent {
	ag.Sites = slices.DeleteFunc(slices.Clone(ag.Sites), func(s string) bool { return !viewer.CanAccess(s) })
	return ag
}

func (s *Server) handleListAgents(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	list, err := s.agentAdmin.List(c.UserContext(), a)
	if err != nil {
		return err
	}
	out := make([]chat.Agent, len(list))
	for i := range list {
		out[i] = seenBy(list[i], a.Agent)
	}
	return c.JSON(fiber.Map{"agents": out})
}

// handleInviteAgent creates an agent and answers with the link that sets
// their password, to send to them.
func (s *Server) handleInviteAgent(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var in chat.InviteInput
	if err := parseBody(c, &in); err != nil {
		return err
	}
	ag, token, err := s.agentAdmin.Invite(c.UserContext(), a, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"agent": seenBy(*ag, a.Agent), "invite_url": s.origin + "/inbox#invite/" + token})
}

func (s *Server) handlePatchAgent(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var p chat.AgentPatch
	if err := parseBody(c, &p); err != nil {
		return err
	}
	ag, err := s.agentAdmin.Update(c.UserContext(), a, strings.Clone(c.Params("id")), p)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agent": seenBy(*ag, a.Agent)})
}

type inviteRequest struct {
	Password string `json:"password"`
}

// handleAcceptInvite sets an invited agent's password, once. It is public:
// the token, 256 random bits, is the proof; the request limit per address
// applies.
func (s *Server) handleAcceptInvite(c *fiber.Ctx) error {
	if !s.limits.ip.allow(s.clientIP(c), s.opts.Now()) {
		return rateLimited(time.Second, "too many requests; slow down")
	}
	var req inviteRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	ag, err := s.agentAdmin.AcceptInvite(c.UserContext(), strings.Clone(c.Params("token")), req.Password)
	if err != nil {
		return err
	}
	s.log.Info("invited agent set their password", "agent", ag.ID)
	return c.JSON(fiber.Map{"email": ag.Email})
}
