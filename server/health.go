package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

func (s *Server) handleHealthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// handleReadyz answers 200 only while the database answers, so that a load
// balancer sends no traffic to a node that cannot store messages.
func (s *Server) handleReadyz(c *fiber.Ctx) error {
	if s.draining.Load() {
		return chat.Errorf(chat.CodeUnavailable, "shutting down")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.opts.Store.Ping(ctx); err != nil {
		return chat.Wrap(chat.CodeUnavailable, err, "database unreachable")
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func (s *Server) handleMetrics(c *fiber.Ctx) error { return s.metrics.handler(c) }
