package store

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func TestRefreshTokens(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	tok := &chat.RefreshToken{Hash: "h1", AgentID: "a1", Family: "f1", ExpiresAt: now().Add(time.Hour), CreatedAt: now()}
	must(t, s.CreateRefreshToken(ctx, tok))
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h2", AgentID: "a1", Family: "f1"}))
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h3", AgentID: "a1", Family: "f2"}))

	got, err := s.RefreshToken(ctx, "h1")
	must(t, err)
	if !reflect.DeepEqual(got, tok) {
		t.Errorf("RefreshToken = %+v, want %+v", got, tok)
	}
	must(t, s.MarkRotated(ctx, "h1"))
	got, err = s.RefreshToken(ctx, "h1")
	must(t, err)
	if !got.Rotated {
		t.Error("token not marked rotated")
	}

	must(t, s.RevokeFamily(ctx, "f1"))
	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate hash", s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h3"}), chat.CodeConflict},
		{"revoked", func() error { _, err := s.RefreshToken(ctx, "h2"); return err }(), chat.CodeNotFound},
		{"rotate revoked", s.MarkRotated(ctx, "h1"), chat.CodeNotFound},
		{"no hash", s.CreateRefreshToken(ctx, &chat.RefreshToken{}), chat.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	_, err = s.RefreshToken(ctx, "h3")
	must(t, err) // another family survives
}

// A replayed refresh token must be caught even when the thief and the
// owner present it at the same moment.
func TestMarkRotatedOnceUnderConcurrency(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "h", Family: "f"}))
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.MarkRotated(ctx, "h") })
	}
	wg.Wait()
	var ok, conflicts int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case chat.IsCode(err, chat.CodeConflict):
			conflicts++
		default:
			t.Errorf("MarkRotated: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d succeeded and %d conflicted, want 1 and %d", ok, conflicts, n-1)
	}
}
