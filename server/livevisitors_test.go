package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/bus/natstest"
	"github.com/kefu/kefu/client"
)

const iPhoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"

type liveVisitor struct {
	VisitorID string    `json:"visitor_id"`
	Online    bool      `json:"online"`
	Since     time.Time `json:"since"`
	Lang      string    `json:"lang"`
	TimeZone  string    `json:"time_zone"`
	Offset    *int      `json:"utc_offset"`
	Browser   string    `json:"browser"`
	OS        string    `json:"os"`
	Device    string    `json:"device"`
	Pages     []struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"pages"`
	Profile *struct {
		ID string `json:"id"`
	} `json:"profile"`
}

// browse opens a visitor's widget socket from an iPhone, without a
// conversation, and says which page it shows on.
func browse(t *testing.T, e *env, ctx context.Context, site string, pages ...string) (*client.Session, *client.Socket) {
	t.Helper()
	c := e.client()
	c.Header = http.Header{"User-Agent": {iPhoneUA}}
	sess, err := c.NewSession(ctx, site, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, p := range pages {
		visit(t, ctx, ws, p)
	}
	return sess, ws
}

// visit sends a page frame and waits for the server to have handled it.
func visit(t *testing.T, ctx context.Context, ws *client.Socket, url string) {
	t.Helper()
	if err := ws.SendRaw([]byte(`{"type":"page","url":"` + url + `","title":"Title of ` + url + `","lang":"zh-CN","time_zone":"Asia/Shanghai","utc_offset":480}`)); err != nil {
		t.Fatal(err)
	}
	if err := ws.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if f, err := ws.ExpectType(ctx, "pong"); err != nil {
		t.Fatalf("after a page frame: %v %s", err, f.Raw)
	}
}

func liveList(t *testing.T, e *env, ctx context.Context, token, site string) []liveVisitor {
	t.Helper()
	var out struct{ Visitors []liveVisitor }
	if err := e.client().Do(ctx, http.MethodGet, "/api/v1/visitors/live?site="+site, token, nil, &out); err != nil {
		t.Fatal(err)
	}
	return out.Visitors
}

// A visitor who never chatted shows among the live visitors with their
// page, browser in words and time zone; the page trail is theirs alone;
// they leave the list when their socket closes.
func TestLiveVisitors(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	sess, ws := browse(t, e, ctx, "site-a", "https://shop.example/", "https://shop.example/pricing")
	_, _ = browse(t, e, ctx, "site-b", "https://b.example/")

	list := liveList(t, e, ctx, e.agentA, "site-a")
	if len(list) != 1 {
		t.Fatalf("site-a lists %d live visitors, want 1: %+v", len(list), list)
	}
	v := list[0]
	if v.VisitorID != sess.VisitorID || !v.Online || len(v.Pages) != 1 || v.Pages[0].URL != "https://shop.example/pricing" {
		t.Errorf("live visitor %+v, want %s online on /pricing", v, sess.VisitorID)
	}
	if v.Browser != "Safari 18" || v.OS != "iOS 18" || v.Device != "iPhone" || v.Lang != "zh-CN" || v.TimeZone != "Asia/Shanghai" || v.Offset == nil || *v.Offset != 480 {
		t.Errorf("live visitor details %+v", v)
	}
	if v.Since.IsZero() || time.Since(v.Since) > time.Minute {
		t.Errorf("on the site since %v", v.Since)
	}

	var one struct{ Visitor liveVisitor }
	if err := e.client().Do(ctx, http.MethodGet, "/api/v1/visitors/"+sess.VisitorID+"/live?site=site-a", e.agentA, nil, &one); err != nil {
		t.Fatal(err)
	}
	if p := one.Visitor.Pages; len(p) != 2 || p[0].URL != "https://shop.example/" || p[1].Title != "Title of https://shop.example/pricing" || one.Visitor.Profile == nil {
		t.Errorf("trail %+v, profile %+v; want both pages in order and the stored profile", p, one.Visitor.Profile)
	}
	// Site B's agent learns nothing of site A's visitor.
	err := e.client().Do(ctx, http.MethodGet, "/api/v1/visitors/"+sess.VisitorID+"/live?site=site-b", e.agentB, nil, &one)
	wantStatus(t, err, http.StatusNotFound)
	if list := liveList(t, e, ctx, e.agentB, "site-b"); len(list) != 1 || list[0].VisitorID == sess.VisitorID {
		t.Errorf("site-b lists %+v", list)
	}

	// A page frame from an agent is refused, and a bad one is an error.
	agent := e.mustAgentSocket(ctx, e.agentA)
	if err := agent.SendRaw([]byte(`{"type":"page","url":"https://x/"}`)); err != nil {
		t.Fatal(err)
	}
	if f, err := agent.ExpectType(ctx, "error"); err != nil || f.Code != "invalid" {
		t.Errorf("agent's page frame: %v %s", err, f.Raw)
	}
	if err := ws.SendRaw([]byte(`{"type":"page","utc_offset":"east"}`)); err != nil {
		t.Fatal(err)
	}
	if f, err := ws.ExpectType(ctx, "error"); err != nil || f.Code != "invalid" {
		t.Errorf("malformed page frame: %v %s", err, f.Raw)
	}

	ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(liveList(t, e, ctx, e.agentA, "site-a")) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a visitor whose socket closed is still listed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An agent invites a live visitor: the visitor's socket gets an invite
// frame with a conversation assigned to the agent, whose first message is
// the agent's. A second invite while it is open is a conflict.
func TestInviteVisitor(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	sess, ws := browse(t, e, ctx, "site-a", "https://shop.example/pricing")
	invite := func(token, site, id, text string) (client.Conversation, error) {
		var out struct{ Conversation client.Conversation }
		err := e.client().Do(ctx, http.MethodPost, "/api/v1/visitors/"+id+"/invite?site="+site, token, map[string]string{"text": text}, &out)
		return out.Conversation, err
	}
	_, err := invite(e.agentA, "site-a", sess.VisitorID, "  ")
	wantStatus(t, err, http.StatusBadRequest)
	_, err = invite(e.agentB, "site-b", sess.VisitorID, "Hi")
	wantStatus(t, err, http.StatusNotFound)
	_, err = invite(e.agentA, "site-a", "nobody-here", "Hi")
	wantStatus(t, err, http.StatusNotFound)

	conv, err := invite(e.agentA, "site-a", sess.VisitorID, "您好，需要帮忙选套餐吗？")
	if err != nil {
		t.Fatal(err)
	}
	if conv.VisitorID != sess.VisitorID || conv.AssigneeID != e.agentAID || conv.PageURL != "https://shop.example/pricing" || conv.Status != "open" {
		t.Errorf("invited conversation %+v", conv)
	}
	f, err := ws.ExpectType(ctx, "invite")
	// Seq 1 is the activity line "taken by" (agents' only), seq 2 the message.
	if err != nil || f.Conversation == nil || f.Conversation.ID != conv.ID || f.Conversation.LastSeq != 2 {
		t.Fatalf("visitor's invite frame: %v %s", err, f.Raw)
	}
	if err := ws.Send(client.Frame{Type: "resume", ConversationID: conv.ID}); err != nil {
		t.Fatal(err)
	}
	h, err := ws.ExpectType(ctx, "history")
	if err != nil || len(h.Messages) != 2 || !h.Messages[0].Private || h.Messages[0].Text != "" || h.Messages[0].Event != nil ||
		h.Messages[1].Text != "您好，需要帮忙选套餐吗？" || h.Messages[1].Author.Type != "agent" {
		t.Fatalf("visitor's history: %v %s", err, h.Raw)
	}
	_, err = invite(e.agentA, "site-a", sess.VisitorID, "Hi again")
	wantStatus(t, err, http.StatusConflict)

	// The visitor panel lists the visitor's conversations.
	var mine struct{ Conversations []client.Conversation }
	if err := e.client().Do(ctx, http.MethodGet, "/api/v1/conversations?site=site-a&status=open&visitor="+sess.VisitorID, e.agentA, nil, &mine); err != nil {
		t.Fatal(err)
	}
	if len(mine.Conversations) != 1 || mine.Conversations[0].ID != conv.ID {
		t.Errorf("the visitor's conversations: %+v", mine.Conversations)
	}
	err = e.client().Do(ctx, http.MethodGet, "/api/v1/conversations?site=site-a&visitor=%24ne", e.agentA, nil, &mine)
	wantStatus(t, err, http.StatusBadRequest)
}

// Two nodes share their live visitors over NATS: an agent on one node
// sees a visitor on the other, with the trail the visitor left on both,
// and invites them from there.
func TestLiveVisitorsAcrossNodes(t *testing.T) {
	ctx := ctxT(t)
	url := natstest.Start(t)
	connect := func() *bus.NATS {
		n, err := bus.ConnectNATS(ctx, url, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = n.Close() })
		return n
	}
	dir := filepath.Join(t.TempDir(), "db")
	one := startEnvWithStore(t, mustOpenStoreAt(t, dir), connect())
	two := startNode(t, mustOpenStoreAt(t, dir), connect())

	// The visitor's first page reached node one, the next node two.
	sess, ws1 := browse(t, one, ctx, "site-a", "https://shop.example/")
	ws1.Close()
	c := two.client()
	c.Header = http.Header{"User-Agent": {iPhoneUA}}
	ws2, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	visit(t, ctx, ws2, "https://shop.example/cart")

	var list []liveVisitor
	deadline := time.Now().Add(5 * time.Second)
	for {
		list = liveList(t, one, ctx, one.agentA, "site-a")
		if len(list) == 1 && list[0].Online || time.Now().After(deadline) {
			break
		}
	}
	if len(list) != 1 || list[0].VisitorID != sess.VisitorID || list[0].Pages[len(list[0].Pages)-1].URL != "https://shop.example/cart" {
		t.Fatalf("node one lists %+v, want the visitor on node two on /cart", list)
	}
	var one1 struct{ Visitor liveVisitor }
	if err := one.client().Do(ctx, http.MethodGet, "/api/v1/visitors/"+sess.VisitorID+"/live?site=site-a", one.agentA, nil, &one1); err != nil {
		t.Fatal(err)
	}
	if p := one1.Visitor.Pages; len(p) != 2 || p[0].URL != "https://shop.example/" || p[1].URL != "https://shop.example/cart" {
		t.Errorf("trail across nodes %+v", p)
	}
	var out struct{ Conversation client.Conversation }
	if err := one.client().Do(ctx, http.MethodPost, "/api/v1/visitors/"+sess.VisitorID+"/invite?site=site-a", one.agentA, map[string]string{"text": "Hello"}, &out); err != nil {
		t.Fatal(err)
	}
	if f, err := ws2.ExpectType(ctx, "invite"); err != nil || f.Conversation.ID != out.Conversation.ID {
		t.Fatalf("the visitor on node two: %v %s", err, f.Raw)
	}
}
