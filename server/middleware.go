package server

import (
	"fmt"
	"mime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// recoverPanics turns a panic into a 500 without sending the panic to the
// client, and logs it with its stack.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "method", c.Method(), "path", c.Path(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = chat.Errorf(chat.CodeInternal, "internal error")
		}
	}()
	return c.Next()
}

// plainBodies refuses a request body sent compressed. Fiber decompresses
// such a body when a handler reads it, with no bound, so a few KB of gzip
// could become gigabytes past every body limit. Browsers never compress
// what they send.
func plainBodies(c *fiber.Ctx) error {
	if ce := strings.TrimSpace(c.Get(fiber.HeaderContentEncoding)); ce != "" && !strings.EqualFold(ce, "identity") {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send the body uncompressed: Content-Encoding is not accepted")
	}
	return c.Next()
}

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if !strings.HasPrefix(c.Path(), "/chat/") {
		// The chat page sets its own frame-ancestors from the site's
		// allowed origins; nothing else may be framed.
		h.Set("X-Frame-Options", "DENY")
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		h.Set("Cache-Control", "no-store")
	}
	return c.Next()
}

// logRequests writes one structured line per request. Query strings are
// left out, so that a token put in a URL by mistake is never logged.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	st := c.Response().StatusCode()
	// Labels come from the route table, never from what a client sent:
	// every distinct label is a series kept for good. (Fiber refuses
	// methods it does not know before any handler runs.) Fiber's strings
	// point into buffers it reuses; the metric keeps its labels, so they
	// are copied.
	route := c.Route().Path
	if route == "" || route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	s.metrics.observeRequest(strings.Clone(c.Method()), strings.Clone(route), st, time.Since(start))
	if c.Path() == "/healthz" || c.Path() == "/metrics" {
		return nil
	}
	s.log.Debug("request", "method", c.Method(), "path", c.Path(), "status", st,
		"dur_ms", float64(time.Since(start).Microseconds())/1000, "ip", s.clientIP(c))
	return nil
}

// bearer returns the bearer token of the Authorization header.
func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// parseBody decodes a JSON body into v, a typed struct. A body that is not
// JSON of that shape is invalid; it never becomes a query.
func parseBody(c *fiber.Ctx, v any) error {
	if len(c.Body()) == 0 {
		return chat.Invalid("request body is empty; send JSON")
	}
	// A browser sends text/plain, form and multipart bodies cross-site
	// without asking first; JSON it sends only after a CORS preflight that
	// kefu answers for the widget's allowed origins alone. So only JSON is
	// accepted as JSON.
	if mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType())); err != nil || mt != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send the body as JSON, with Content-Type: application/json")
	}
	if err := c.App().Config().JSONDecoder(c.Body(), v); err != nil {
		return chat.Wrap(chat.CodeInvalid, err, "request body is not valid JSON of the expected shape")
	}
	return nil
}

// sameSiteOnly refuses a request that a browser made from another site:
// the login, refresh and logout endpoints act on a cookie, which a
// cross-site form would otherwise carry.
func (s *Server) sameSiteOnly(c *fiber.Ctx) error {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return chat.Errorf(chat.CodeForbidden, "cross-site request refused")
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != s.origin {
		return chat.Errorf(chat.CodeForbidden, "cross-site request refused")
	}
	return c.Next()
}

// Body limits by route. A widget body is a session (identity and up to 20
// attributes), a message left offline, feedback or a rating; an agent's is
// a reply, a status or a FAQ entry.
const (
	authBodyLimit   = 4 << 10
	widgetBodyLimit = 32 << 10
	agentBodyLimit  = 64 << 10
)

// limitBody refuses a request whose body is larger than n bytes.
func limitBody(n int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Request().Body()) > n {
			return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: at most %d KB here", n>>10))
		}
		return c.Next()
	}
}
