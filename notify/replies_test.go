package notify

import (
	"testing"

	"github.com/kefu/kefu/chat"
)

func TestShouldMail(t *testing.T) {
	offline := chat.Conversation{Kind: chat.KindOffline, Email: "v@example.com", VisitorReadSeq: 1}
	reply := chat.Message{Seq: 3, Author: chat.Author{Type: chat.AuthorAgent}, Text: "hi"}
	tests := []struct {
		name      string
		conv      chat.Conversation
		msg       chat.Message
		connected bool
		want      bool
	}{
		{"a reply to an offline message", offline, reply, false, true},
		{"connected but behind", offline, reply, true, true},
		{"in the chat now", chat.Conversation{Kind: chat.KindOffline, Email: "v@example.com", VisitorReadSeq: 2}, reply, true, false},
		{"a note", offline, chat.Message{Seq: 3, Author: reply.Author, Private: true}, false, false},
		{"the visitor's own", offline, chat.Message{Seq: 3, Author: chat.Author{Type: chat.AuthorVisitor}}, false, false},
		{"a live chat", chat.Conversation{Kind: chat.KindChat, Email: "v@example.com"}, reply, false, false},
		{"no address", chat.Conversation{Kind: chat.KindOffline}, reply, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShouldMail(&tt.conv, &tt.msg, tt.connected); got != tt.want {
				t.Errorf("ShouldMail = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWordsFor(t *testing.T) {
	if wordsFor("zh-TW").subject != zhWords.subject || wordsFor("en").subject != enWords.subject || wordsFor("").subject != enWords.subject {
		t.Error("wrong language chosen")
	}
}
