package chat

import (
	"context"
	"errors"
	"fmt"
)

// Code classifies an error so that every transport can map it the same way:
// the HTTP layer turns it into a status, the websocket gateway into an error
// frame.
type Code string

// The error codes used across kefu.
const (
	CodeNotFound     Code = "not_found"
	CodeInvalid      Code = "invalid"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeConflict     Code = "conflict"
	CodeRateLimited  Code = "rate_limited"
	CodeTooLarge     Code = "too_large"
	// CodeUnsupportedType refuses a file of a kind the site does not take.
	CodeUnsupportedType Code = "unsupported_type"
	CodeUnavailable     Code = "unavailable"
	CodeInternal        Code = "internal"
)

// Error is an error with a code and a message that is safe to show to the
// caller. The wrapped error is for logs only.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Details, if set, is shown to the caller with the message, such as
	// the bad rows of an imported file.
	Details any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted, caller-safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with code and message that keeps err for logs.
func Wrap(code Code, err error, message string) error {
	return &Error{Code: code, Message: message, Err: err}
}

// NotFound reports that a thing does not exist, or is not the caller's to see.
// Another site's ids get this error too, so that their existence is not
// confirmed.
func NotFound(what string) error { return Errorf(CodeNotFound, "%s not found", what) }

// Invalid reports bad input.
func Invalid(format string, args ...any) error { return Errorf(CodeInvalid, format, args...) }

// ErrorCode returns the code of the first *Error in err's chain. Deadlines
// and cancellations count as unavailable; anything else is internal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeUnavailable
	}
	return CodeInternal
}

// ErrorMessage returns the caller-safe message of err. Internal errors get a
// generic message, so that no detail of them leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	if ErrorCode(err) == CodeUnavailable {
		return "service temporarily unavailable, retry"
	}
	return "internal error"
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }
