package auth

import (
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func TestResumeLinks(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	iss := NewIssuer([]byte("0123456789abcdef0123456789abcdef"), clock)
	other := NewIssuer([]byte("another-secret-another-secret-!!"), clock)

	link, err := iss.ResumeToken("demo", "c1", "v1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := iss.ParseResume(link)
	if err != nil || c.Site != "demo" || c.ConversationID != "c1" || c.VisitorID != "v1" || !c.ExpiresAt.Equal(now.Add(ResumeLinkTTL)) {
		t.Fatalf("claims = %+v, %v", c, err)
	}
	vt, _, _ := iss.VisitorToken(VisitorClaims{Site: "demo", VisitorID: "v1"})
	later := NewIssuer([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now.Add(ResumeLinkTTL + time.Second) })
	tests := []struct {
		name string
		fn   func() error
	}{
		{"a session token as a link", func() error { _, err := iss.ParseResume(vt); return err }},
		{"a link as a session token", func() error { _, err := iss.ParseVisitor(link); return err }},
		{"another server's key", func() error { _, err := other.ParseResume(link); return err }},
		{"tampered", func() error { _, err := iss.ParseResume(link[:len(link)-2] + "xx"); return err }},
		{"expired", func() error { _, err := later.ParseResume(link); return err }},
		{"empty", func() error { _, err := iss.ParseResume(""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.fn(); !chat.IsCode(err, chat.CodeUnauthorized) {
				t.Errorf("err = %v, want unauthorized", err)
			}
		})
	}
}
