package chat

import (
	"context"
	"time"
)

// AlertStore finds the conversations that wait too long for a first
// answer, for the email that tells agents.
type AlertStore interface {
	// ClaimUnanswered marks as alerted at `at`, and returns, up to limit
	// open conversations created at or after since and before `before`
	// that no agent has answered and that no call claimed before. Each is
	// claimed once, by one caller, however many nodes ask at the same time.
	ClaimUnanswered(ctx context.Context, since, before, at time.Time, limit int) ([]Conversation, error)
}
