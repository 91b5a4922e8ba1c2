package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/chat"
)

// leaveFeedback leaves feedback as a new visitor of the demo site, as the
// widget's feedback form does, and returns its id.
func (e *env) leaveFeedback(t *testing.T, category, text string) string {
	t.Helper()
	var out struct {
		Feedback chat.Feedback `json:"feedback"`
	}
	e.newVisitorPost(t, "/feedback", map[string]string{"category": category, "text": text, "lang": "zh-CN"}, &out)
	return out.Feedback.ID
}

// TestMoveFeedbackToPlanned: the owner sets a visitor's feedback to
// planned and writes an internal note in the inbox's Feedback page; both
// are stored and still there after a reload; a change the server refuses
// shows its error and is undone; and the status filter shows the item
// under planned only.
func TestMoveFeedbackToPlanned(t *testing.T) {
	e := setup(t)
	id := e.leaveFeedback(t, "suggestion", fmt.Sprintf("希望支持深色模式（%d）", time.Now().UnixNano()))
	tb := e.ownerTab(t, "/inbox")
	row := fmt.Sprintf(`document.querySelector('#feedback tr[data-id=%s]')`, jsString(id))
	openFeedback := func() {
		t.Helper()
		do(t, tb.ctx, "open the Feedback tab", chromedp.Click(chromedp.CSS(`.views [data-view=feedback]`)))
		waitJS(t, tb.ctx, "the feedback is listed", row, `document.getElementById('view-feedback').innerText`)
	}
	openFeedback()
	if got := eval[string](t, tb.ctx, row+`.querySelector('select.fb-status').value`); got != "new" {
		t.Fatalf("new feedback shows status %q, want new", got)
	}

	sel := fmt.Sprintf(`#feedback tr[data-id=%s]`, jsString(id))
	do(t, tb.ctx, "set the status to planned", chromedp.SetValue(chromedp.CSS(sel+` select.fb-status`), "planned"))
	run(t, tb.ctx, row+`.querySelector('select.fb-status').dispatchEvent(new Event('change'))`)
	waitJS(t, tb.ctx, "the status is saved", row+`.dataset.status === 'planned' && !`+row+`.hasAttribute('aria-busy')`,
		row+`.innerText`)

	note := "下个版本上线"
	do(t, tb.ctx, "write a note and save it",
		chromedp.SendKeys(chromedp.CSS(sel+` textarea.fb-note`), note),
		chromedp.Click(chromedp.CSS(sel+` button.fb-save`)),
	)
	waitJS(t, tb.ctx, "the note is saved and the row says who changed it",
		row+`.querySelector('.changed').textContent !== '' && !`+row+`.hasAttribute('aria-busy') && `+row+`.querySelector('.err').textContent === ''`,
		row+`.innerText`)
	var stored struct {
		Feedback []chat.Feedback `json:"feedback"`
	}
	e.agent(t, http.MethodGet, "/api/v1/feedback?status=planned&limit=100", nil, &stored)
	found := false
	for _, f := range stored.Feedback {
		if f.ID == id {
			found = true
			if f.Note != note || f.UpdatedBy == "" {
				t.Errorf("stored feedback = %+v, want note %q and who changed it", f, note)
			}
		}
	}
	if !found {
		t.Fatalf("the API lists no planned feedback %s", id)
	}

	// A status the server refuses shows its error, and the select goes
	// back to what is stored.
	run(t, tb.ctx, `(() => { const s = `+row+`.querySelector('select.fb-status'); s.append(new Option('bogus', 'bogus')); s.value = 'bogus'; s.dispatchEvent(new Event('change')); })()`)
	waitJS(t, tb.ctx, "the refused change shows an error and is undone",
		row+`.querySelector('.err').textContent.includes('status must be') && `+row+`.querySelector('select.fb-status').value === 'planned'`,
		row+`.innerText`)

	tb.reload()
	tb.waitLive()
	openFeedback()
	waitJS(t, tb.ctx, "after a reload, the status and the note are kept",
		row+`.querySelector('select.fb-status').value === 'planned' && `+row+`.querySelector('textarea.fb-note').value === `+jsString(note),
		row+`.innerText`)
	tb.screenshot("feedback")

	filter := func(status string) {
		t.Helper()
		do(t, tb.ctx, "filter by status "+status, chromedp.SetValue(chromedp.CSS(`#feedback-status`), status))
		run(t, tb.ctx, `document.getElementById('feedback-status').dispatchEvent(new Event('change'))`)
	}
	filter("declined")
	waitJS(t, tb.ctx, "the declined filter hides the planned feedback",
		`!`+row+` && [...document.querySelectorAll('#feedback tr')].every((r) => r.dataset.status === 'declined')`,
		`document.getElementById('view-feedback').innerText`)
	filter("planned")
	waitJS(t, tb.ctx, "the planned filter shows it, and only planned feedback",
		row+` && [...document.querySelectorAll('#feedback tr')].every((r) => r.dataset.status === 'planned')`,
		`document.getElementById('view-feedback').innerText`)
}
