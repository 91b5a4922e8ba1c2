package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/client"
)

// A visitor sends a screenshot and the agent sees its thumbnail in the
// inbox; the agent attaches a PDF with the composer's button, and the
// visitor gets it in a message and downloads it.
func TestInboxFiles(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox")
	v := e.newGoVisitor(t, "payment")

	id := uploadAs(t, e.kefuURL+"/api/v1/widget/demo/conversations/"+v.conv.ID+"/attachments", v.token, "付款截图.png", gradientPNG(t, 600, 400))
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "shot", Text: "这是付款截图", Attachments: []string{id}}); err != nil {
		t.Fatal(err)
	}
	v.expect("the ack of the screenshot", func(f client.Frame) bool { return f.Type == "ack" && f.ClientID == "shot" })

	openRow(t, in.ctx, v.conv.ID)
	waitJS(t, in.ctx, "the thread shows the screenshot's thumbnail",
		`(() => { const i = document.querySelector('#log li.m.v .files .thumb img'); return i && i.complete && i.naturalWidth === 320; })()`,
		`document.getElementById('log').innerHTML.length`)

	pdf := filepath.Join(t.TempDir(), "退款说明.pdf")
	body := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	if err := os.WriteFile(pdf, body, 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, in.ctx, "attach a PDF", chromedp.SetUploadFiles(chromedp.CSS(`#attach`), []string{pdf}))
	f := v.expect("the agent's PDF", func(f client.Frame) bool {
		return f.Type == "message" && bytes.Contains(f.Raw, []byte("application/pdf"))
	})
	var m struct {
		Message struct {
			Attachments []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"attachments"`
		} `json:"message"`
	}
	if err := json.Unmarshal(f.Raw, &m); err != nil || len(m.Message.Attachments) != 1 {
		t.Fatalf("the visitor's message: %v %s", err, f.Raw)
	}
	res, err := http.Get(e.kefuURL + m.Message.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, body) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the visitor's download: %d, %d bytes, %q", res.StatusCode, len(got), res.Header.Get("Content-Disposition"))
	}
	waitJS(t, in.ctx, "the inbox shows the PDF as sent", `[...document.querySelectorAll('#log li.m.a[data-state=sent] .files .file')].some((a) => a.textContent.includes('退款说明.pdf'))`,
		`document.getElementById('log').innerText`)
	waitJS(t, in.ctx, "the list previews a message of files alone", `document.querySelector('#convs button[data-id=`+jsString(v.conv.ID)+`] .preview').textContent.endsWith('[文件]')`,
		`document.getElementById('convs').innerText`)
	waitJS(t, in.ctx, "the visitor panel lists both files, newest first",
		`(() => { const li = [...document.querySelectorAll('#convfiles li')]; return li.length === 2 && li[0].textContent.includes('退款说明.pdf') && li[1].textContent.includes('付款截图.png') && li[0].querySelector('a[download]'); })()`,
		`document.getElementById('convfiles').innerText`)
	in.screenshot("inbox-files")
}

// gradientPNG returns a w×h PNG, like a screenshot.
func gradientPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	shot := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			shot.Set(x, y, color.NRGBA{R: uint8(x), G: 120, B: uint8(y), A: 255})
		}
	}
	var img bytes.Buffer
	if err := png.Encode(&img, shot); err != nil {
		t.Fatal(err)
	}
	return img.Bytes()
}

// uploadAs sends a file as a visitor or agent with token, and returns
// the attachment's id.
func uploadAs(t *testing.T, url, token, name string, data []byte) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := client.New("").Upload(ctx, url, token, name, data)
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return a.ID
}
