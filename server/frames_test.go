package server

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kefu/kefu/chat"
)

func TestDecodeFrame(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  chat.Code
		check func(inFrame) bool
	}{
		{"send", `{"v":1,"type":"send","conversation_id":"c1","client_id":"m1","text":"hi"}`, "", func(f inFrame) bool { return f.Text == "hi" && f.ClientID == "m1" }},
		{"server-owned fields ignored", `{"type":"send","conversation_id":"c1","client_id":"m1","text":"hi","author":{"type":"agent"},"created_at":1}`, "", nil},
		{"auth", `{"type":"auth","token":"abc"}`, "", func(f inFrame) bool { return f.Token == "abc" }},
		{"bad JSON", `{`, chat.CodeInvalid, nil},
		{"array", `[]`, chat.CodeInvalid, nil},
		{"operator id", `{"type":"resume","conversation_id":{"$ne":null}}`, chat.CodeInvalid, nil},
		{"dollar id", `{"type":"resume","conversation_id":"$ne"}`, chat.CodeInvalid, nil},
		{"dotted id", `{"type":"resume","conversation_id":"a.b"}`, chat.CodeInvalid, nil},
		{"missing client id", `{"type":"send","conversation_id":"c1","text":"x"}`, chat.CodeInvalid, nil},
		{"negative read", `{"type":"read","conversation_id":"c1","seq":-1}`, chat.CodeInvalid, nil},
		{"unknown type", `{"type":"nope"}`, chat.CodeInvalid, nil},
		{"future version", `{"v":9,"type":"ping"}`, codeUnsupportedVersion, nil},
		{"invalid UTF-8", "{\"type\":\"ping\",\"id\":\"\xc3\x28\"}", chat.CodeInvalid, nil},
		{"long id", `{"type":"ping","id":"` + strings.Repeat("x", 65) + `"}`, chat.CodeInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := decodeFrame([]byte(tt.in))
			if got := chat.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if tt.check != nil && !tt.check(f) {
				t.Fatalf("decoded %+v", f)
			}
		})
	}
}

// FuzzDecodeFrame checks that no input crashes the decoder, and that what
// it accepts is safe to use: valid keys, valid UTF-8, known types.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"send","conversation_id":"c1","client_id":"m1","text":"hi"}`,
		`{"type":"resume","conversation_id":"c1","last_seq":5}`,
		`{"type":"auth","token":"t"}`,
		`{"type":"read","conversation_id":{"$ne":null},"seq":1}`,
		`{"v":1,"type":"typing","conversation_id":"c","typing":true}`,
		`{"type":"viewing","conversation_id":"c","viewing":true}`,
		"\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeFrame(data)
		if err != nil {
			if chat.ErrorMessage(err) == "" {
				t.Fatal("error without a message")
			}
			return
		}
		switch fr.Type {
		case "auth", "ping":
		case "send", "typing", "read", "resume", "viewing":
			if !chat.ValidKey(fr.ConversationID) {
				t.Fatalf("accepted conversation id %q", fr.ConversationID)
			}
			if fr.Type == "send" && !chat.ValidKey(fr.ClientID) {
				t.Fatalf("accepted client id %q", fr.ClientID)
			}
		default:
			t.Fatalf("accepted type %q", fr.Type)
		}
		if !utf8.ValidString(fr.Text) || !utf8.ValidString(fr.Token) {
			t.Fatal("accepted invalid UTF-8")
		}
	})
}
