package server

import (
	"context"
	"crypto/subtle"
	"net"
	"strings"
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

// handleMetrics serves Prometheus metrics to a scraper that shows the
// metrics token, or, when none is set, to this machine only: a request
// from a loopback address that no proxy forwarded. Anyone else is told
// there is nothing here.
func (s *Server) handleMetrics(c *fiber.Ctx) error {
	if tok := s.opts.MetricsToken; tok != "" {
		got, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			return chat.Errorf(chat.CodeUnauthorized, "metrics need the token of KEFU_METRICS_TOKEN")
		}
		return s.metrics.handler(c)
	}
	local := net.IP(c.Context().RemoteIP()).IsLoopback() &&
		c.Get(fiber.HeaderXForwardedFor) == "" && c.Get("Forwarded") == "" && c.Get("X-Real-Ip") == ""
	if !local {
		return errNotFoundRoute
	}
	return s.metrics.handler(c)
}
