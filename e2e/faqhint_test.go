package e2e

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// The visitor asks what the FAQ answers; the agent sees the answer above
// the reply box, inserts it with one click, and sends it: the visitor
// gets exactly the FAQ's answer.
func TestFAQAnswerInComposer(t *testing.T) {
	e := setup(t)
	v := e.newGoVisitor(t, "")
	const question = "我充值了但是还没到账怎么办"
	v.send(question)
	var want struct {
		Results []struct {
			Question string `json:"question"`
			Answer   string `json:"answer"`
		} `json:"results"`
	}
	e.agent(t, http.MethodGet, "/api/v1/faq/suggest?site=demo&limit=3&lang=zh-CN&q="+url.QueryEscape(question), nil, &want)
	if len(want.Results) == 0 {
		t.Fatal("the demo FAQ answers nothing to the question")
	}
	in := e.ownerTab(t, "/inbox")
	openRow(t, in.ctx, v.conv.ID)
	first := `#faqhint:not([hidden]) .faqhint-item`
	waitJS(t, in.ctx, "the composer offers the FAQ's answer", `(() => { const b = document.querySelector(`+jsString(first)+`); return b && b.textContent.includes(`+jsString(want.Results[0].Question)+`); })()`,
		`document.getElementById('faqhint').outerHTML`)
	do(t, in.ctx, "insert the answer", chromedp.Click(chromedp.CSS(first)))
	waitJS(t, in.ctx, "the reply box holds the answer", `document.getElementById('reply').value === `+jsString(want.Results[0].Answer))
	in.screenshot("inbox-faq-answer")
	do(t, in.ctx, "send it", chromedp.SendKeys(chromedp.CSS(`#reply`), "\r"))
	v.expectReply(want.Results[0].Answer)
}
