package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/kefu/kefu/chat"
)

// mapErr turns a driver error into the error kefu's callers expect: op
// names the failed operation for logs ("insert message"), what names the
// thing for the caller ("conversation").
func mapErr(err error, op, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return chat.NotFound(what)
	case isDuplicate(err):
		return chat.Wrap(chat.CodeConflict, fmt.Errorf("mongo: %s: %w", op, err), what+" already exists")
	case isUnavailable(err):
		return chat.Wrap(chat.CodeUnavailable, fmt.Errorf("mongo: %s: %w", op, err), "database unavailable")
	}
	return fmt.Errorf("mongo: %s: %w", op, err)
}

// isDuplicate reports a unique index violation. MongoDB says 11000.
// FerretDB says so for inserts too, but reports a violation caused by an
// update as code 1 (InternalError) carrying SQLite's message.
func isDuplicate(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(1) && se.HasErrorMessage("UNIQUE constraint failed")
}

func isUnavailable(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.As(err, &topology.ServerSelectionError{}) ||
		mongo.IsTimeout(err) ||
		mongo.IsNetworkError(err)
}

// isNamespaceExists reports that a collection being created exists
// already: code 48 on MongoDB and on FerretDB.
func isNamespaceExists(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(48)
}
