package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// secondAgent is another agent of the demo site, on a Go client socket.
type secondAgent struct {
	id     string
	ws     *client.Socket
	frames chan client.Frame
}

// newSecondAgent creates an agent of the demo site named name, logs them
// in and opens their socket for the rest of the test. Every frame it
// gets is read at once (the server drops a slow reader) and kept.
func (e *env) newSecondAgent(t *testing.T, name string) *secondAgent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hash, err := auth.HashPassword("second-password")
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("second-%d@example.com", time.Now().UnixNano())
	a := &chat.Agent{ID: chat.NewID(), Email: email, Name: name, PasswordHash: hash, Role: chat.RoleAgent, Sites: []string{"demo"}, CreatedAt: time.Now()}
	if err := e.kefu.Store().CreateAgent(ctx, a); err != nil {
		t.Fatal(err)
	}
	token, err := e.api.Login(ctx, email, "second-password", "")
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(e.kefuURL)
	c.Origin = e.kefuURL
	ws, _, err := c.Dial(ctx, token)
	if err != nil {
		t.Fatalf("second agent's socket: %v", err)
	}
	s := &secondAgent{id: a.ID, ws: ws, frames: make(chan client.Frame, 1000)}
	readCtx, stop := context.WithCancel(context.Background())
	go func() {
		for {
			f, err := ws.Next(readCtx)
			if err != nil {
				return
			}
			select {
			case s.frames <- f:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		stop()
		ws.Close()
	})
	return s
}

// expect waits for a frame that match accepts.
func (s *secondAgent) expect(t *testing.T, what string, match func(client.Frame) bool) client.Frame {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f := <-s.frames:
			if match(f) {
				return f
			}
		case <-deadline:
			t.Fatalf("the second agent got no %s", what)
		}
	}
}

func (s *secondAgent) send(t *testing.T, f client.Frame) {
	t.Helper()
	if err := s.ws.Send(f); err != nil {
		t.Fatal(err)
	}
}

// An agent's working day in the inbox, beside a colleague on a Go socket:
// each sees that the other has the conversation open or is typing in it;
// `?` lists the keyboard shortcuts; `e` resolves the open conversation,
// `o` reopens it and `a` takes it, and each change shows in the thread as
// a grey line with who did it, while the visitor's socket learns none of
// their names.
func TestInboxCollisionShortcutsAndActivity(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox")
	console := watchConsole(t, in.ctx)
	lei := e.newSecondAgent(t, "李雷")
	v := e.newGoVisitor(t, "")
	first := fmt.Sprintf("我的订单没有发货（%d）", time.Now().UnixNano())
	v.send(first)

	row := `#convs button[data-id="` + v.conv.ID + `"]`
	waitJS(t, in.ctx, "the conversation is listed", `document.querySelector('`+row+`')`, `document.getElementById('convs').innerText`)
	do(t, in.ctx, "open it", chromedp.Click(chromedp.CSS(row)))
	in.waitInboxMessage("visitor", first, "sent")
	me := eval[string](t, in.ctx, `document.getElementById('me').textContent`)

	// The inbox says it has the conversation open.
	f := lei.expect(t, "viewing frame from the inbox", func(f client.Frame) bool { return f.Type == "viewing" && f.ConversationID == v.conv.ID })
	if f.Author == nil || f.Author.Name != me || !strings.Contains(string(f.Raw), `"viewing":true`) {
		t.Errorf("the inbox's viewing frame: %s", f.Raw)
	}

	// The colleague opens it too, types, and leaves.
	hint := `document.getElementById('collision')`
	lei.send(t, client.Frame{Type: "viewing", Site: "demo", ConversationID: v.conv.ID, Viewing: true})
	waitJS(t, in.ctx, "the hint says the colleague is viewing", `!`+hint+`.hidden && `+hint+`.textContent === '李雷 正在查看'`, hint+`.textContent`)
	in.screenshot("inbox-collision")
	lei.send(t, client.Frame{Type: "typing", Site: "demo", ConversationID: v.conv.ID, Typing: true})
	waitJS(t, in.ctx, "the hint says the colleague is typing", hint+`.textContent === '李雷 正在输入…'`, hint+`.textContent`)
	if got := eval[string](t, in.ctx, `document.getElementById('typing').textContent`); got != "" {
		t.Errorf("the colleague's typing shows as the visitor's: %q", got)
	}
	lei.send(t, client.Frame{Type: "viewing", Site: "demo", ConversationID: v.conv.ID})
	waitJS(t, in.ctx, "the hint goes when the colleague leaves", hint+`.hidden && `+hint+`.textContent === ''`, hint+`.textContent`)

	// The shortcuts' list, behind ?, and closed by Escape.
	keys := `document.getElementById('keys')`
	do(t, in.ctx, "press ?", chromedp.KeyEvent("?"))
	waitJS(t, in.ctx, "the dialog lists the shortcuts",
		keys+` && `+keys+`.open && ['j', 'k', 'r', 'e', 'p', 'o', 'a', '/', 'Esc'].every((k) => [...`+keys+`.querySelectorAll('kbd')].some((b) => b.textContent === k)) && `+
			keys+`.innerText.includes('下一个会话') && `+keys+`.innerText.includes('标记为已解决')`,
		keys+` && `+keys+`.innerText`)
	in.screenshot("inbox-shortcuts")
	do(t, in.ctx, "press Escape", chromedp.KeyEvent("\x1b"))
	waitJS(t, in.ctx, "the dialog closes", `!`+keys+`.open`)

	// A shortcut typed into the reply box is text, not an action.
	do(t, in.ctx, "r focuses the reply box", chromedp.KeyEvent("r"))
	waitJS(t, in.ctx, "the reply box has focus", `document.activeElement === document.getElementById('reply')`)
	do(t, in.ctx, "type e in it", chromedp.SendKeys(chromedp.CSS(`#reply`), "e"))
	waitJS(t, in.ctx, "the box holds the e, and the conversation is still open",
		`document.getElementById('reply').value === 'e' && document.getElementById('th-status').dataset.status === 'open'`, `JSON.stringify([document.getElementById('reply').value, document.getElementById('th-status').dataset.status])`)
	run(t, in.ctx, `document.getElementById('reply').value = ''; document.activeElement.blur()`)

	line := func(kind, text string) string {
		return `[...document.querySelectorAll('#log li.act[data-kind=` + kind + `]')].some((l) => l.textContent.startsWith(` + jsString(text) + `))`
	}
	do(t, in.ctx, "press e", chromedp.KeyEvent("e"))
	waitJS(t, in.ctx, "the conversation is resolved, and the thread says by whom",
		`document.getElementById('th-status').dataset.status === 'resolved' && `+line("status", me+" 已解决此对话"),
		`document.getElementById('log').innerText`)
	if c := e.conversation(t, v.conv.ID); c.Status != chat.StatusResolved {
		t.Errorf("after e the conversation is %s", c.Status)
	}
	do(t, in.ctx, "press o, then a", chromedp.KeyEvent("o"))
	waitJS(t, in.ctx, "it is open again", `document.getElementById('th-status').dataset.status === 'open' && `+line("status", me+" 重新打开了对话"))
	do(t, in.ctx, "press a", chromedp.KeyEvent("a"))
	waitJS(t, in.ctx, "it is the owner's, and the thread says so",
		line("assign", me+" 领取了对话")+` && document.getElementById('assign').hidden`,
		`document.getElementById('log').innerText`)
	waitJS(t, in.ctx, "each line shows its time", `[...document.querySelectorAll('#log li.act')].every((l) => l.querySelector('time') && l.querySelector('time').textContent)`)
	waitJS(t, in.ctx, "the list still previews the visitor's message",
		`document.querySelector('`+row+` .preview').textContent === `+jsString(first), `document.querySelector('`+row+`').innerText`)
	in.screenshot("inbox-activity")

	// The colleague got the lines live; the visitor got their seqs only.
	got := lei.expect(t, "the assignment line", func(f client.Frame) bool {
		return f.Type == "message" && f.Message.Event != nil && f.Message.Event.Kind == chat.ActivityAssign
	})
	if ev := got.Message.Event; ev.To == nil || ev.To.Name != me || ev.By.Name != me {
		t.Errorf("the colleague's assignment line: %s", got.Raw)
	}
	for seq := int64(2); seq <= 4; seq++ {
		f := v.expect(fmt.Sprintf("the placeholder of seq %d", seq), func(f client.Frame) bool { return f.Type == "message" && f.Message.Seq == seq })
		if strings.Contains(string(f.Raw), me) || f.Message.Event != nil || !f.Message.Private {
			t.Errorf("the visitor got %s", f.Raw)
		}
	}
	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%s", strings.Join(bad, "\n"))
	}
}
