package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// A visitor on a customer's page sends a screenshot with the attach
// button and another by pasting it; the agent sees both thumbnails in the
// inbox. The agent sends a PDF and the visitor downloads it from the
// panel. A file that is too large, and one that only claims to be an
// image, get the widget's own words. The upload code is fetched only
// once the visitor sends a file.
func TestWidgetFiles(t *testing.T) {
	e := setup(t)
	zh := widgetStrings(t, "zh-CN")
	tb := e.newVisitor(t)
	tb.load("")
	panel := tb.openPanel()
	const uploadScript = `!!document.querySelector('script[src*="/upload."]')`
	if eval[bool](t, panel, uploadScript) {
		t.Fatal("the panel fetched the upload code before any file was sent")
	}

	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shot := write("付款截图.png", gradientPNG(t, 600, 400))
	do(t, panel, "attach a screenshot", chromedp.SetUploadFiles(chromedp.CSS(`form.cp input[type=file]`), []string{shot}))
	const thumbs = `[...document.querySelectorAll('.log .m.v:not(.pend):not(.fail) .fs .th img')].filter((i) => i.complete && i.naturalWidth === 320).length`
	waitJS(t, panel, "the panel shows the sent screenshot's thumbnail", thumbs+` === 1 && !document.querySelector('.pg')`, `document.querySelector('.log').innerHTML`)
	if !eval[bool](t, panel, uploadScript) {
		t.Error("the upload script is not in the panel after a file was sent")
	}

	// A paste of an image, as a screenshot tool leaves it on the clipboard.
	run(t, panel, `(async () => {
		const c = Object.assign(document.createElement('canvas'), { width: 500, height: 300 });
		const g = c.getContext('2d');
		g.fillStyle = '#c00'; g.fillRect(0, 0, 500, 300); g.fillStyle = '#fff'; g.fillRect(50, 50, 200, 100);
		const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
		const dt = new DataTransfer();
		dt.items.add(new File([blob], 'image.png', { type: 'image/png' }));
		document.querySelector('form.cp textarea').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
	})()`)
	waitJS(t, panel, "the pasted image is sent", thumbs+` === 2`, `document.querySelector('.log').innerHTML`)
	tb.screenshot("widget-files")

	id := tb.conversationID()
	in := e.ownerTab(t, "/inbox")
	openRow(t, in.ctx, id)
	waitJS(t, in.ctx, "the inbox shows both thumbnails",
		`[...document.querySelectorAll('#log li.m.v .files .thumb img')].filter((i) => i.complete && i.naturalWidth === 320).length === 2`,
		`document.getElementById('log').innerHTML`)

	// The agent sends a PDF; the visitor taps it and the browser saves it.
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	att := uploadAs(t, e.kefuURL+"/api/v1/conversations/"+id+"/attachments", e.token, "退款说明.pdf", pdf)
	e.agent(t, http.MethodPost, "/api/v1/conversations/"+id+"/messages", map[string]any{"client_id": "pdf", "attachments": []string{att}}, nil)
	link := `.log .m.a .fs a.fi[download="退款说明.pdf"]`
	waitJS(t, panel, "the panel shows the agent's PDF", `!!document.querySelector(`+jsString(link)+`)`, `document.querySelector('.log').innerHTML`)
	saved := t.TempDir()
	do(t, tb.ctx, "let the visitor's browser save downloads", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: saved, BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID})
		return err
	}))
	do(t, panel, "download the PDF", chromedp.Click(link))
	var got []byte
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && !bytes.Equal(got, pdf); time.Sleep(50 * time.Millisecond) {
		got, _ = os.ReadFile(filepath.Join(saved, "退款说明.pdf"))
	}
	if !bytes.Equal(got, pdf) {
		entries, _ := os.ReadDir(saved)
		t.Fatalf("the downloaded PDF: %d bytes, want %d; the folder has %v", len(got), len(pdf), entries)
	}

	// Over the size limit: refused in the widget, before any upload.
	big := write("大图.png", make([]byte, 10<<20+1))
	do(t, panel, "attach a file over 10 MB", chromedp.SetUploadFiles(chromedp.CSS(`form.cp input[type=file]`), []string{big}))
	tooBig := bytes.ReplaceAll([]byte(zh["tooBig"]), []byte("{n}"), []byte("10"))
	waitJS(t, panel, "the panel says the file is too large", `[...document.querySelectorAll('.log .m.fail .st')].some((s) => s.textContent === `+jsString(string(tooBig))+`)`,
		`document.querySelector('.log').innerText`)
	// A program named .png: the server sniffs it and refuses it.
	exe := write("invoice.png", append([]byte("MZ\x90\x00\x03"), make([]byte, 2000)...))
	do(t, panel, "attach a program named .png", chromedp.SetUploadFiles(chromedp.CSS(`form.cp input[type=file]`), []string{exe}))
	waitJS(t, panel, "the panel says the type cannot be sent", `[...document.querySelectorAll('.log .m.fail .st')].some((s) => s.textContent === `+jsString(zh["badType"])+`)`,
		`document.querySelector('.log').innerText`)
	run(t, panel, `document.querySelectorAll('.log .m.fail .mt button').forEach((b) => b.textContent === `+jsString(zh["remove"])+` && b.click())`)
	waitJS(t, panel, "the failed uploads are removed", `!document.querySelector('.log .m.fail')`, `document.querySelector('.log').innerText`)
}

// Where the browser blocks third-party storage, the panel keeps its
// session in the host page's storage, and sending a file works the same.
func TestWidgetFilesWithoutThirdPartyStorage(t *testing.T) {
	e := setup(t)
	tb := e.newStrictVisitor(t)
	tb.load("")
	panel := tb.openPanel()
	shot := filepath.Join(t.TempDir(), "shot.png")
	if err := os.WriteFile(shot, gradientPNG(t, 400, 300), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, panel, "attach a screenshot", chromedp.SetUploadFiles(chromedp.CSS(`form.cp input[type=file]`), []string{shot}))
	waitJS(t, panel, "the panel shows the sent screenshot's thumbnail",
		`[...document.querySelectorAll('.log .m.v:not(.pend):not(.fail) .fs .th img')].some((i) => i.complete && i.naturalWidth === 320)`, `document.querySelector('.log').innerHTML`)
	var out struct {
		Messages []struct {
			Attachments []struct {
				Type string `json:"type"`
			} `json:"attachments"`
		} `json:"messages"`
	}
	e.agent(t, http.MethodGet, "/api/v1/conversations/"+tb.conversationID()+"/messages", nil, &out)
	if len(out.Messages) != 1 || len(out.Messages[0].Attachments) != 1 || out.Messages[0].Attachments[0].Type != "image/png" {
		t.Errorf("the agent API shows %+v; want one message with one PNG", out.Messages)
	}
}
