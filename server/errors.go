package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

var errNotFoundRoute = chat.Errorf(chat.CodeNotFound, "no such endpoint")

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
	case st == fiber.StatusServiceUnavailable:
		return chat.CodeUnavailable
	case st >= 400 && st < 500:
		return chat.CodeInvalid
	default:
		return chat.CodeInternal
	}
}
