package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/client"
)

// The owner assigns a conversation to another agent, who finds it under
// Mine in their own inbox; sets it pending and finds it under the Pending
// tab; resolves it, and sees the visitor's rating arrive in the open
// thread without a reload.
func TestAssignPendingAndRatingLive(t *testing.T) {
	e := setup(t)
	email := fmt.Sprintf("li-%d@example.com", time.Now().UnixNano())
	var inv struct {
		Agent struct {
			ID string `json:"id"`
		} `json:"agent"`
		InviteURL string `json:"invite_url"`
	}
	e.agent(t, http.MethodPost, "/api/v1/agents", map[string]any{"email": email, "name": "李雷", "role": "agent", "sites": []string{"demo"}}, &inv)
	_, token, ok := strings.Cut(inv.InviteURL, "#invite/")
	if !ok {
		t.Fatalf("invite URL %q", inv.InviteURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := client.New(e.kefuURL).Do(ctx, http.MethodPost, "/api/v1/invites/"+token, "", map[string]string{"password": "li-password-1"}, nil); err != nil {
		t.Fatal(err)
	}
	li := e.newVisitor(t) // a browser of its own, for the second agent
	do(t, li.ctx, "open the inbox", chromedp.Navigate(e.kefuURL+"/inbox"))
	li.logIn(email, "li-password-1", "")

	v := e.newGoVisitor(t, "")
	v.send("请帮我看看订单")
	in := e.ownerTab(t, "/inbox")
	openRow(t, in.ctx, v.conv.ID)
	row := `document.querySelector('#convs button[data-id=` + jsString(v.conv.ID) + `]')`

	run(t, in.ctx, `(() => { const s = document.getElementById('assignee'); s.value = `+jsString(inv.Agent.ID)+`; s.dispatchEvent(new Event('change')); })()`)
	waitJS(t, in.ctx, "the thread names the assignee", `document.getElementById('th-assignee').textContent.includes('李雷')`,
		`document.getElementById('th-assignee').textContent`)
	run(t, li.ctx, `(() => { const s = document.getElementById('assignee-filter'); s.value = 'me'; s.dispatchEvent(new Event('change')); })()`)
	waitJS(t, li.ctx, "the other agent finds it under Mine", row, `document.getElementById('convs').innerText`)
	// Offline again, as the owner's tab's end waits for nobody to be.
	do(t, li.ctx, "close the other agent's inbox", chromedp.Navigate("about:blank"))

	run(t, in.ctx, `document.activeElement && document.activeElement.blur()`)
	do(t, in.ctx, "press p to set it pending", chromedp.KeyEvent("p"))
	waitJS(t, in.ctx, "it is pending", `document.getElementById('th-status').textContent === '待处理'`)
	do(t, in.ctx, "show the Pending tab", chromedp.Click(chromedp.CSS(`.status-tabs [data-status=pending]`)))
	waitJS(t, in.ctx, "the Pending tab lists it", row+` && document.querySelector('.status-tabs [data-status=pending]').getAttribute('aria-selected') === 'true'`,
		`document.getElementById('convs').innerText`)

	do(t, in.ctx, "resolve it", chromedp.Click(chromedp.CSS(`#resolve`)))
	waitJS(t, in.ctx, "it is resolved", `document.getElementById('th-status').textContent === '已解决'`)
	if err := client.New(e.kefuURL).Do(ctx, http.MethodPost, "/api/v1/widget/demo/conversations/"+v.conv.ID+"/rating", v.token,
		map[string]any{"rating": 4, "comment": "回复很快"}, nil); err != nil {
		t.Fatal(err)
	}
	waitJS(t, in.ctx, "the rating shows in the open thread", `document.getElementById('info').textContent.includes('★★★★☆ 回复很快')`,
		`document.getElementById('info').innerText`)
}

// j and k open the next and the previous conversation of the list.
func TestNextAndPreviousByKey(t *testing.T) {
	e := setup(t)
	for _, text := range []string{"第一位访客", "第二位访客"} {
		e.newGoVisitor(t, "").send(text)
	}
	in := e.ownerTab(t, "/inbox")
	waitJS(t, in.ctx, "the list has two conversations", `document.querySelectorAll('#convs button.row').length >= 2`)
	rows := eval[[]string](t, in.ctx, `[...document.querySelectorAll('#convs button.row')].map((b) => b.dataset.id)`)
	openRow(t, in.ctx, rows[0])
	opened := func(what, id string) {
		t.Helper()
		waitJS(t, in.ctx, what, `location.hash === '#c/' + `+jsString(id), `location.hash`)
	}
	run(t, in.ctx, `document.activeElement && document.activeElement.blur()`)
	do(t, in.ctx, "press j", chromedp.KeyEvent("j"))
	opened("j opens the next conversation", rows[1])
	run(t, in.ctx, `document.activeElement && document.activeElement.blur()`)
	do(t, in.ctx, "press k", chromedp.KeyEvent("k"))
	opened("k opens the previous one", rows[0])
}
