// Package bus carries kefu's live events between the processes of one
// deployment. It implements chat.Bus twice: Local, for a single node, in
// memory; and NATS, for several nodes sharing a NATS server.
//
// Both deliver a message to every subscriber of exactly its subject, in the
// order one publisher sent them, and hand each subscriber its own copy of
// the data. Neither stores anything: a subscriber that is away misses what
// was published meanwhile, which is why clients catch up from the store by
// sequence number on reconnect.
package bus

import (
	"errors"
	"fmt"
	"strings"
)

// ErrClosed is returned by Publish and Subscribe on a bus that was closed
// or drained.
var ErrClosed = errors.New("bus: closed")

// checkSubject rejects subjects that NATS would treat differently from the
// local bus: empty tokens, whitespace and wildcards. Both buses match
// subjects exactly, so "kefu.site.*" would mean a wildcard on one and a
// literal on the other.
func checkSubject(subject string) error {
	if subject == "" {
		return errors.New("bus: empty subject")
	}
	for _, tok := range strings.Split(subject, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsAny(tok, " \t\r\n") {
			return fmt.Errorf("bus: invalid subject %q: want dot-separated tokens without wildcards or spaces", subject)
		}
	}
	return nil
}
