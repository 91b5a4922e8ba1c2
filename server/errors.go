package server

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

var errNotFoundRoute = chat.Errorf(chat.CodeNotFound, "no such endpoint")

// retryAfter is a rate-limit error that says when to try again: the
// answer carries a Retry-After header.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e *retryAfter) Error() string { return e.err.Error() }
func (e *retryAfter) Unwrap() error { return e.err }

// rateLimited is a rate_limited error whose limit lets the caller try
// again after a while.
func rateLimited(after time.Duration, msg string) error {
	return &retryAfter{err: chat.Errorf(chat.CodeRateLimited, "%s", msg), after: after}
}

// status maps a domain error code to an HTTP status.
func status(code chat.Code) int {
	switch code {
	case chat.CodeNotFound:
		return fiber.StatusNotFound
	case chat.CodeInvalid:
		return fiber.StatusBadRequest
	case chat.CodeUnauthorized:
		return fiber.StatusUnauthorized
	case chat.CodeForbidden:
		return fiber.StatusForbidden
	case chat.CodeConflict:
		return fiber.StatusConflict
	case chat.CodeRateLimited:
		return fiber.StatusTooManyRequests
	case chat.CodeTooLarge:
		return fiber.StatusRequestEntityTooLarge
	case chat.CodeUnsupportedType:
		return fiber.StatusUnsupportedMediaType
	case chat.CodeUnavailable:
		return fiber.StatusServiceUnavailable
	default:
		return fiber.StatusInternalServerError
	}
}

// handleError is the one place where errors become HTTP answers. Only
// internal errors are logged; their details never reach the client.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var code chat.Code
	var msg string
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, msg = fiberCode(fe.Code), fe.Message
	} else {
		code, msg = chat.ErrorCode(err), chat.ErrorMessage(err)
	}
	if code == chat.CodeInternal || code == chat.CodeUnavailable {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "code", code, "err", err)
	}
	st := status(code)
	if fe != nil {
		st = fe.Code
	}
	var ra *retryAfter
	if errors.As(err, &ra) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(ra.after.Seconds()))))
	}
	body := fiber.Map{"code": code, "message": msg}
	var ce *chat.Error
	if errors.As(err, &ce) && ce.Details != nil && code != chat.CodeInternal {
		body["details"] = ce.Details
	}
	return c.Status(st).JSON(fiber.Map{"error": body})
}

func fiberCode(st int) chat.Code {
	switch {
	case st == fiber.StatusNotFound:
		return chat.CodeNotFound
	case st == fiber.StatusUnauthorized:
		return chat.CodeUnauthorized
	case st == fiber.StatusForbidden:
		return chat.CodeForbidden
	case st == fiber.StatusTooManyRequests:
		return chat.CodeRateLimited
	case st == fiber.StatusRequestEntityTooLarge:
		return chat.CodeTooLarge
	case st == fiber.StatusServiceUnavailable:
		return chat.CodeUnavailable
	case st >= 400 && st < 500:
		return chat.CodeInvalid
	default:
		return chat.CodeInternal
	}
}
