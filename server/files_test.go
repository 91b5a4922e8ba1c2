package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu/kefu/client"
)

// upload posts a file as the multipart field "file" and returns the
// status and, on success, the attachment.
func upload(t testing.TB, url, token, name string, data []byte) (int, client.Attachment) {
	t.Helper()
	a, err := client.New("").Upload(context.Background(), url, token, name, data)
	if err == nil {
		return http.StatusCreated, *a
	}
	var ae *client.APIError
	if !errors.As(err, &ae) {
		t.Fatal(err)
	}
	return ae.Status, client.Attachment{}
}

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// A visitor sends a photo and an agent a PDF: each is stored made safe,
// and served through its signed URL with headers that keep it out of
// kefu's origin. The bad inputs of issue 13 are refused with the right
// status; other visitors, other conversations, other sites and expired
// URLs get 404.
func TestAttachments(t *testing.T) {
	// The server reads the clock from its sockets' goroutines too (the
	// live visitors' registry), so the test moves it atomically.
	var later atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(later.Load())) }
	e := startEnv(t, func(o *serverOptions) { o.Now = func() time.Time { return clock() } })
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	other := e.mustVisitor(ctx, "site-a")
	b := e.mustVisitor(ctx, "site-b")
	visitorURL := func(site, conv string) string {
		return e.url + "/api/v1/widget/" + site + "/conversations/" + conv + "/attachments"
	}
	mine := visitorURL("site-a", v.conv.ID)

	// A photo with its GPS position in Exif.
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewNRGBA(image.Rect(0, 0, 800, 600)), nil); err != nil {
		t.Fatal(err)
	}
	exif := append([]byte("Exif\x00\x00MM\x00\x2aGPSLatitude 31.2304N"), make([]byte, 32)...)
	seg := append([]byte{0xFF, 0xE1, 0, 0}, exif...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	gps := append(append([]byte{0xFF, 0xD8}, seg...), photo.Bytes()[2:]...)

	st, att := upload(t, mine, v.sess.Token, "../../付款截图\u202Egpj.exe.jpg", gps)
	if st != http.StatusCreated {
		t.Fatalf("the photo: %d", st)
	}
	if att.Name != "付款截图gpj.exe.jpg" || att.Type != "image/jpeg" || att.ThumbnailURL == "" || !strings.HasPrefix(att.URL, "/files/site-a/"+v.conv.ID+"/") {
		t.Errorf("the photo's attachment: %+v", att)
	}
	res, body := fetch(t, e.url+att.URL)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("the photo is served %d with %v", res.StatusCode, res.Header)
	}
	if bytes.Contains(body, []byte("GPS")) {
		t.Error("the served photo still has its GPS position")
	}
	if res, body := fetch(t, e.url+att.ThumbnailURL); res.StatusCode != 200 {
		t.Errorf("the thumbnail: %d", res.StatusCode)
	} else if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 320 {
		t.Errorf("the thumbnail is %dx%d (%v), want 320 wide", cfg.Width, cfg.Height, err)
	}

	// An agent sends a PDF: a download, never shown inline.
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	st, doc := upload(t, e.url+"/api/v1/conversations/"+v.conv.ID+"/attachments?site=site-a", e.agentA, "发票.pdf", pdf)
	if st != http.StatusCreated || doc.ThumbnailURL != "" {
		t.Fatalf("the agent's PDF: %d %+v", st, doc)
	}
	res, body = fetch(t, e.url+doc.URL)
	if res.StatusCode != 200 || !bytes.Equal(body, pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=utf-8''") {
		t.Errorf("the PDF is served %d with %v", res.StatusCode, res.Header)
	}

	// Bad inputs.
	var tiny bytes.Buffer
	png.Encode(&tiny, image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	bomb := tiny.Bytes()
	binary.BigEndian.PutUint32(bomb[16:], 20000)
	binary.BigEndian.PutUint32(bomb[20:], 20000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	for name, tt := range map[string]struct {
		url, token, file string
		data             []byte
		want             int
	}{
		"an executable named .png":       {mine, v.sess.Token, "photo.png", append([]byte("MZ\x90\x00"), make([]byte, 64)...), 415},
		"an SVG with a script":           {mine, v.sess.Token, "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 415},
		"an HTML file":                   {mine, v.sess.Token, "page.html", []byte("<!doctype html><script>steal()</script>"), 415},
		"an oversized file":              {mine, v.sess.Token, "big.txt", bytes.Repeat([]byte("a"), 10<<20+1), 413},
		"a 20,000 × 20,000 PNG":          {mine, v.sess.Token, "bomb.png", bomb, 400},
		"another visitor's conversation": {mine, other.sess.Token, "x.txt", []byte("hello"), 404},
		"another site's conversation":    {visitorURL("site-a", b.conv.ID), v.sess.Token, "x.txt", []byte("hello"), 404},
		"an agent of another site":       {e.url + "/api/v1/conversations/" + v.conv.ID + "/attachments?site=site-b", e.agentB, "x.txt", []byte("hello"), 404},
	} {
		if st, _ := upload(t, tt.url, tt.token, tt.file, tt.data); st != tt.want {
			t.Errorf("%s: %d, want %d", name, st, tt.want)
		}
	}

	// URLs: only the signed one, until it expires.
	_, own := upload(t, visitorURL("site-a", other.conv.ID), other.sess.Token, "mine.txt", []byte("the other visitor's note"))
	token := own.URL[strings.Index(own.URL, "?t="):]
	for name, u := range map[string]string{
		"another visitor's token on this file": "/files/site-a/" + v.conv.ID + "/" + att.ID + token,
		"this file under another conversation": "/files/site-a/" + other.conv.ID + "/" + att.ID + "?" + strings.SplitN(att.URL, "?", 2)[1],
		"this file under another site":         "/files/site-b/" + v.conv.ID + "/" + att.ID + "?" + strings.SplitN(att.URL, "?", 2)[1],
		"no token":                             "/files/site-a/" + v.conv.ID + "/" + att.ID,
		"a thumbnail of a PDF":                 strings.Replace(doc.URL, "?", "/thumb?", 1),
	} {
		if res, _ := fetch(t, e.url+u); res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", name, res.StatusCode)
		}
	}
	later.Store(int64(16 * time.Minute))
	if res, _ := fetch(t, e.url+att.URL); res.StatusCode != 404 {
		t.Errorf("an expired URL: %d, want 404", res.StatusCode)
	}

	// Too many files from one visitor in an hour: 30 by default.
	status := 0
	for i := 0; i < 40 && status != http.StatusTooManyRequests; i++ {
		status, _ = upload(t, mine, v.sess.Token, "n.txt", []byte("note"))
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("40 more uploads in a row: last %d, want 429", status)
	}
	if recs, err := e.store.ConversationAttachments(ctx, "site-a", v.conv.ID); err != nil || len(recs) < 3 {
		t.Errorf("the conversation's records: %d (%v)", len(recs), err)
	}
}

// filesOf returns the attachments of the message in a frame's raw JSON.
func filesOf(t *testing.T, raw []byte) []client.Attachment {
	t.Helper()
	var f struct {
		Message struct {
			Files       any                 `json:"files"`
			Attachments []client.Attachment `json:"attachments"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if f.Message.Files != nil {
		t.Errorf("a frame shows the records between nodes: %s", raw)
	}
	return f.Message.Attachments
}

// A message carries files its sender uploaded to the conversation: the
// ack, the other side's live message, a resend and the REST listing all
// show them with signed URLs that work. A visitor cannot send another
// visitor's file, nor an agent's, and text may be empty only with files.
func TestMessagesCarryFiles(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	other := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	url := e.url + "/api/v1/widget/site-a/conversations/" + v.conv.ID + "/attachments"
	var img bytes.Buffer
	png.Encode(&img, image.NewNRGBA(image.Rect(0, 0, 400, 300)))
	_, shot := upload(t, url, v.sess.Token, "截图.png", img.Bytes())
	_, theirs := upload(t, e.url+"/api/v1/widget/site-a/conversations/"+other.conv.ID+"/attachments", other.sess.Token, "x.txt", []byte("theirs"))
	_, agents := upload(t, e.url+"/api/v1/conversations/"+v.conv.ID+"/attachments?site=site-a", e.agentA, "guide.txt", []byte("how to pay"))
	if shot.ID == "" || theirs.ID == "" || agents.ID == "" {
		t.Fatal("uploads failed")
	}

	send := client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "with-file", Attachments: []string{shot.ID}}
	if err := v.ws.Send(send); err != nil {
		t.Fatal(err)
	}
	ack, err := v.ws.ExpectType(ctx, "ack")
	if err != nil {
		t.Fatal(err)
	}
	files := filesOf(t, ack.Raw)
	if len(files) != 1 || files[0].ID != shot.ID || files[0].Name != "截图.png" || files[0].ThumbnailURL == "" {
		t.Fatalf("the ack's files: %+v", files)
	}
	if res, _ := fetch(t, e.url+files[0].URL); res.StatusCode != 200 {
		t.Errorf("the ack's URL: %d", res.StatusCode)
	}
	live, err := agent.Expect(ctx, func(f client.Frame) bool { return f.Type == "message" && f.Message.ClientID == "with-file" })
	if err != nil {
		t.Fatal(err)
	}
	if files := filesOf(t, live.Raw); len(files) != 1 || files[0].ID != shot.ID {
		t.Errorf("the agent's live message: %s", live.Raw)
	} else if res, _ := fetch(t, e.url+files[0].ThumbnailURL); res.StatusCode != 200 {
		t.Errorf("the agent's thumbnail URL: %d", res.StatusCode)
	}
	// A resend answers the stored message, with its file.
	if err := v.ws.Send(send); err != nil {
		t.Fatal(err)
	}
	if again, err := v.ws.ExpectType(ctx, "ack"); err != nil || !again.Duplicate || len(filesOf(t, again.Raw)) != 1 {
		t.Errorf("the resend's ack: %v %s", err, again.Raw)
	}

	// Refused: another visitor's file, an agent's file, nothing at all, and
	// more than five files (the default).
	for name, tt := range map[string]struct {
		ids  []string
		code string
	}{
		"another visitor's file": {[]string{theirs.ID}, "invalid"},
		"an agent's file":        {[]string{agents.ID}, "invalid"},
		"no text and no file":    {nil, "invalid"},
		"six files":              {[]string{shot.ID, shot.ID + "1", shot.ID + "2", shot.ID + "3", shot.ID + "4", shot.ID + "5"}, "too_large"},
	} {
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "bad-" + strings.ReplaceAll(name, " ", "-")[:8], Attachments: tt.ids}); err != nil {
			t.Fatal(err)
		}
		f, err := v.ws.ExpectType(ctx, "error")
		if err != nil || f.Code != tt.code {
			t.Errorf("%s: %v %s, want a %s error", name, err, f.Raw, tt.code)
		}
	}

	// The agent sends their file by REST; the listing shows both messages'
	// files.
	var sent struct {
		Message map[string]any `json:"message"`
	}
	if err := e.client().Do(ctx, "POST", "/api/v1/conversations/"+v.conv.ID+"/messages?site=site-a", e.agentA,
		map[string]any{"text": "请看说明", "attachments": []string{agents.ID}}, &sent); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Messages []struct {
			ClientID    string              `json:"client_id"`
			Attachments []client.Attachment `json:"attachments"`
		} `json:"messages"`
	}
	if err := e.client().Do(ctx, "GET", "/api/v1/conversations/"+v.conv.ID+"/messages?site=site-a", e.agentA, nil, &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range list.Messages {
		for _, f := range m.Attachments {
			got[f.ID] = f.URL
		}
	}
	if len(got) != 2 || got[shot.ID] == "" || got[agents.ID] == "" {
		t.Errorf("the listing's files: %v", got)
	}
	if res, body := fetch(t, e.url+got[agents.ID]); res.StatusCode != 200 || string(body) != "how to pay" {
		t.Errorf("the agent's file from the listing: %d %q", res.StatusCode, body)
	}
}

// A signed URL can be passed around; one address still gets only its
// share of requests.
func TestFilesAreRateLimitedPerAddress(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.IPPer10s = 10 })
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	st, att := upload(t, e.url+"/api/v1/widget/site-a/conversations/"+v.conv.ID+"/attachments", v.sess.Token, "note.txt", []byte("a note"))
	if st != http.StatusCreated {
		t.Fatalf("upload: %d", st)
	}
	got := map[int]int{}
	for range 20 {
		res, _ := fetch(t, e.url+att.URL)
		got[res.StatusCode]++
	}
	if got[http.StatusTooManyRequests] == 0 || got[http.StatusOK] == 0 {
		t.Errorf("20 fetches of one URL from one address: %v, want some 200 then 429", got)
	}
}
