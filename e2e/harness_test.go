package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/client"
)

// tab is one browser tab showing a customer's page, and the chat panel's
// iframe inside it once it exists.
type tab struct {
	t     *testing.T
	e     *env
	ctx   context.Context // the tab's chromedp context
	panel context.Context // the panel's frame, see attachPanel
	// strict tells a tab of the browser that blocks third-party storage:
	// the panel keeps its data in the host page's storage.
	strict bool
}

// newVisitor opens a tab in a new browser context: a visitor with storage
// of their own. The tab and everything in it end with the test, or after
// testTimeout.
func (e *env) newVisitor(t *testing.T) *tab {
	t.Helper()
	deadline, cancel := context.WithTimeout(e.browser, testTimeout)
	t.Cleanup(cancel)
	return e.openTab(t, deadline, chromedp.WithNewBrowserContext())
}

// newStrictVisitor is newVisitor in the browser that blocks third-party
// storage.
func (e *env) newStrictVisitor(t *testing.T) *tab {
	t.Helper()
	deadline, cancel := context.WithTimeout(e.strictBrowser(t), testTimeout)
	t.Cleanup(cancel)
	tb := e.openTab(t, deadline, chromedp.WithNewBrowserContext())
	tb.strict = true
	return tb
}

// newTab opens another tab of the same visitor (the same browser context).
func (tb *tab) newTab() *tab {
	tb.t.Helper()
	nt := tb.e.openTab(tb.t, tb.ctx)
	nt.strict = tb.strict
	return nt
}

func (e *env) openTab(t *testing.T, parent context.Context, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, e: e, ctx: ctx}
}

// load navigates to a host page, /page?QUERY, and waits for it to load.
func (tb *tab) load(query string) {
	tb.t.Helper()
	tb.panel = nil
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(tb.e.hostURL+"/page?"+query)); err != nil {
		tb.t.Fatalf("load the host page: %v", err)
	}
}

// reload reloads the page; the panel's frame is a new one afterwards.
func (tb *tab) reload() {
	tb.t.Helper()
	tb.panel = nil
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		tb.t.Fatalf("reload: %v", err)
	}
}

// eval evaluates a JavaScript expression in ctx (a tab or a panel) and
// decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// run evaluates a JavaScript expression in ctx for its effect.
func run(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](expr)); err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
}

// do runs UI actions in ctx (a tab or a panel) within 10 s.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitJS polls expr in ctx until it is true. On timeout it fails with
// what and, if given, the value of explain at that time.
func waitJS(t *testing.T, ctx context.Context, what, expr string, explain ...string) {
	t.Helper()
	const limit = 15 * time.Second
	end := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(end) || ctx.Err() != nil {
			detail := ""
			if err != nil {
				detail = fmt.Sprintf(" (last error: %v)", err)
			}
			for _, x := range explain {
				v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](x))
				if len(x) > 60 {
					x = x[:57] + "..."
				}
				detail += fmt.Sprintf("\n  %s = %s %v", x, v, errOrEmpty(err))
			}
			t.Fatalf("timed out after %v waiting until %s%s", limit, what, detail)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func errOrEmpty(err error) any {
	if err == nil {
		return ""
	}
	return err
}

// ---- the bubble, in the loader's closed shadow root

// errNoWidget means the page has no <kefu-widget> element.
var errNoWidget = errors.New("no kefu-widget element on the page")

// inShadow calls fn with `this` set to the loader's closed shadow root. A
// closed root is out of reach of the page's scripts, but not of DevTools:
// DOM.describeNode with pierce lists it, and DOM.resolveNode gives a handle
// to it.
func inShadow[T any](fn string) chromedp.Action[T] {
	return func(ctx context.Context, t *chromedp.Target) (T, error) {
		var zero T
		host, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: "document.querySelector('kefu-widget')"})
		if err != nil {
			return zero, err
		}
		if host.Result == nil || host.Result.ObjectID == "" {
			return zero, errNoWidget
		}
		depth, pierce := int64(1), true
		n, err := cdp.Call(ctx, t, dom.DescribeNode, dom.DescribeNodeParams{ObjectID: host.Result.ObjectID, Depth: &depth, Pierce: &pierce})
		if err != nil {
			return zero, err
		}
		if len(n.Node.ShadowRoots) == 0 {
			return zero, errors.New("kefu-widget has no shadow root")
		}
		root, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: n.Node.ShadowRoots[0].BackendNodeID})
		if err != nil {
			return zero, err
		}
		return chromedp.CallFunctionOn[T](fn, func(p *runtime.CallFunctionOnParams) { p.ObjectID = root.Object.ObjectID })(ctx, t)
	}
}

// bubbleState is what a visitor sees of the bubble.
type bubbleState struct {
	Label    string  `json:"label"`    // its visible text
	Aria     string  `json:"aria"`     // its aria-label
	Expanded string  `json:"expanded"` // aria-expanded
	Dir      string  `json:"dir"`
	Color    string  `json:"color"` // its computed background colour
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	W        float64 `json:"w"`
	H        float64 `json:"h"`
	ViewW    float64 `json:"vw"`
	ViewH    float64 `json:"vh"`
	// OnTop tells that a click at the bubble's centre reaches it, not
	// something of the page drawn over it.
	OnTop bool `json:"onTop"`
	// HasFrame tells that the panel's iframe exists, shown or not.
	HasFrame bool `json:"hasFrame"`
	// FrameW and FrameH are the size of the panel once it is fully shown;
	// zero while it is hidden, absent or still opening.
	FrameW float64 `json:"fw"`
	FrameH float64 `json:"fh"`
}

const bubbleJS = `function () {
	const b = this.querySelector('button.b');
	const r = b.getBoundingClientRect();
	const host = this.host;
	const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
	const f = this.querySelector('iframe');
	const fr = f && f.getBoundingClientRect();
	// The panel fades and grows in for 0.2 s; until then its box is not final.
	const cs = f && getComputedStyle(f.parentElement);
	const shown = f && cs.display !== 'none' && cs.visibility !== 'hidden' && cs.opacity === '1' && cs.transform === 'none';
	return {
		label: b.querySelector('.t').textContent,
		aria: b.getAttribute('aria-label') || '',
		expanded: b.getAttribute('aria-expanded') || '',
		dir: b.dir,
		color: getComputedStyle(b).backgroundColor,
		x: r.x, y: r.y, w: r.width, h: r.height,
		vw: innerWidth, vh: innerHeight,
		onTop: document.elementFromPoint(cx, cy) === host && this.elementFromPoint(cx, cy) && b.contains(this.elementFromPoint(cx, cy)),
		hasFrame: !!f, fw: shown ? fr.width : 0, fh: shown ? fr.height : 0,
	};
}`

// bubble waits for the loader's widget and returns what its bubble looks
// like. A bubble that is hidden has a zero size.
func (tb *tab) bubble() bubbleState {
	tb.t.Helper()
	return tb.waitBubble("the widget is on the page", func(bubbleState) bool { return true })
}

// waitBubble waits until the bubble's state satisfies ok.
func (tb *tab) waitBubble(what string, ok func(bubbleState) bool) bubbleState {
	tb.t.Helper()
	var last bubbleState
	var err error
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		last, err = chromedp.Run(tb.ctx, inShadow[bubbleState](bubbleJS))
		if err == nil && ok(last) {
			return last
		}
	}
	tb.t.Fatalf("timed out waiting until %s: %+v %v", what, last, errOrEmpty(err))
	return last
}

// clickBubble clicks the bubble's centre with the mouse, as a visitor does.
func (tb *tab) clickBubble() {
	tb.t.Helper()
	b := tb.waitBubble("the bubble shows", func(b bubbleState) bool { return b.W > 0 && b.H > 0 })
	if !b.OnTop {
		tb.t.Fatalf("something of the page covers the bubble: %+v", b)
	}
	if err := chromedp.Do(tb.ctx, chromedp.MouseClickXY(b.X+b.W/2, b.Y+b.H/2)); err != nil {
		tb.t.Fatalf("click the bubble: %v", err)
	}
}

// ---- the panel, an iframe on kefu's origin

// attachPanel finds the panel's iframe in this tab and returns a context
// that runs actions inside it, once the panel is drawn.
func (tb *tab) attachPanel() context.Context {
	tb.t.Helper()
	if tb.panel == nil {
		tb.panel = tb.frameOf("/chat/")
		waitJS(tb.t, tb.panel, "the panel is drawn", `document.querySelector('.app')`)
	}
	return tb.panel
}

// frameOf attaches to the iframe of this tab whose URL starts with kefu's
// URL and path. kefu's origin is another site than the page's, so Chromium
// runs such a frame in a process of its own, as a target of its own.
func (tb *tab) frameOf(path string) context.Context {
	tb.t.Helper()
	tabID := chromedp.FromContext(tb.ctx).Target.TargetID
	var seen []string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		infos, err := chromedp.Targets(tb.ctx)
		if err != nil {
			tb.t.Fatalf("list targets: %v", err)
		}
		seen = seen[:0]
		for _, info := range infos {
			seen = append(seen, info.Type+" "+info.URL)
			if info.Type != "iframe" || string(info.ParentFrameID) != string(tabID) || !strings.HasPrefix(info.URL, tb.e.kefuURL+path) {
				continue
			}
			ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
			tb.t.Cleanup(cancel)
			if err := chromedp.Do(ctx); err != nil {
				tb.t.Fatalf("attach to the frame %s: %v", info.URL, err)
			}
			return ctx
		}
	}
	tb.t.Fatalf("no iframe of %s%s in this tab; targets:\n%s", tb.e.kefuURL, path, strings.Join(seen, "\n"))
	return nil
}

// panelMessagesJS lists the messages that the panel shows, in order. A
// confirmed message carries the server's time; a pending one does not.
const panelMessagesJS = `[...document.querySelectorAll('.log .m:not(.cardm)')].map((m) => ({
	who: m.classList.contains('v') ? 'visitor' : m.classList.contains('a') ? 'agent' : 'system',
	name: m.querySelector('.who') ? m.querySelector('.who').textContent : '',
	text: (m.querySelector('.bb') || {}).textContent || '',
	state: m.classList.contains('fail') ? 'failed' : m.querySelector('time') ? 'confirmed' : 'sending',
}))`

// waitMessage waits until the panel shows a confirmed message of who
// (visitor or agent) with exactly text.
func (tb *tab) waitMessage(who, text string) {
	tb.t.Helper()
	waitJS(tb.t, tb.attachPanel(), fmt.Sprintf("the panel shows the %s's message %q", who, text),
		fmt.Sprintf(`(%s).some((m) => m.who === %s && m.text === %s && m.state === 'confirmed')`, panelMessagesJS, jsString(who), jsString(text)),
		panelMessagesJS)
}

// send types text in the panel's message box and presses Enter.
func (tb *tab) send(text string) {
	tb.t.Helper()
	do(tb.t, tb.attachPanel(), "type a message", chromedp.SendKeys(chromedp.CSS("form.cp textarea"), text+"\n"))
}

// conversationID is the panel's current conversation, as it keeps it in
// kefu's storage, or, where the browser blocks that, in the host page's.
func (tb *tab) conversationID() string {
	tb.t.Helper()
	ctx, key := tb.attachPanel(), "kefu:demo:conv"
	if tb.strict {
		ctx, key = tb.ctx, "kefu:demo:p:conv"
	}
	expr := `JSON.parse(localStorage.getItem(` + jsString(key) + `))`
	waitJS(tb.t, ctx, "the panel has a conversation", expr)
	return eval[string](tb.t, ctx, expr)
}

// openPanel clicks the bubble and waits for the panel to show.
func (tb *tab) openPanel() context.Context {
	tb.t.Helper()
	tb.clickBubble()
	tb.waitOpen(true)
	return tb.attachPanel()
}

// waitOpen waits until the panel is shown (or hidden) on the page.
func (tb *tab) waitOpen(open bool) {
	tb.t.Helper()
	tb.waitBubble(fmt.Sprintf("the panel is open=%v", open), func(b bubbleState) bool {
		shown := b.FrameW > 0 && b.FrameH > 0
		return shown == open && b.Expanded == fmt.Sprint(open)
	})
}

// ---- kefu's agent API

// agent calls the agent REST API as the admin.
func (e *env) agent(t *testing.T, method, path string, body, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.api.Do(ctx, method, path, e.token, body, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// newVisitorPost posts body to path of the demo site's widget API (such
// as "/feedback") as a new anonymous visitor, as the widget's forms do,
// and decodes the answer into out.
func (e *env) newVisitorPost(t *testing.T, path string, body, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := client.New(e.kefuURL)
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatalf("visitor session: %v", err)
	}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/widget/demo"+path, sess.Token, body, out); err != nil {
		t.Fatalf("POST %s as a visitor: %v", path, err)
	}
}

// conversation returns a conversation as the agent API shows it.
func (e *env) conversation(t *testing.T, id string) client.Conversation {
	t.Helper()
	var out struct {
		Conversation client.Conversation `json:"conversation"`
	}
	e.agent(t, http.MethodGet, "/api/v1/conversations/"+id, nil, &out)
	return out.Conversation
}

// reply posts an agent's message through the REST API.
func (e *env) reply(t *testing.T, convID, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.api.Reply(ctx, e.token, convID, text, fmt.Sprintf("e2e-%d", time.Now().UnixNano())); err != nil {
		t.Fatalf("agent reply: %v", err)
	}
}

// agentOnline connects an agent's socket for the rest of the test, so
// that visitors see someone online, and waits until the widget config
// says so.
func (e *env) agentOnline(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := client.New(e.kefuURL)
	c.Origin = e.kefuURL
	s, _, err := c.Dial(ctx, e.token)
	if err != nil {
		t.Fatalf("agent socket: %v", err)
	}
	// Read what the server sends, so that it never drops the agent as a
	// slow consumer.
	readCtx, stopReading := context.WithCancel(context.Background())
	go func() {
		for {
			if _, err := s.Next(readCtx); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		stopReading()
		s.Close()
		e.waitAgentsOnline(t, false)
	})
	e.waitAgentsOnline(t, true)
}

// waitAgentsOnline waits until the demo site's widget config reports
// agents_online as want.
func (e *env) waitAgentsOnline(t *testing.T, want bool) {
	t.Helper()
	var cfg struct {
		AgentsOnline bool `json:"agents_online"`
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := e.api.Do(ctx, http.MethodGet, "/api/v1/widget/demo/config", "", nil, &cfg)
		cancel()
		if err == nil && cfg.AgentsOnline == want {
			return
		}
	}
	t.Fatalf("agents_online did not become %v", want)
}

// ---- screenshots and strings

// screenshot writes the tab's viewport to e2e/screenshots/NAME.png, which
// git ignores.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("screenshots", name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// widgetStrings returns the widget's string table for lang, from its sources.
func widgetStrings(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "widget", "src", "i18n", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
