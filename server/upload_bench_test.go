package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/latency"
)

// photo2MB is a 2 MB JPEG of noise, which compresses about as badly as a
// phone's photo.
func photo2MB(b *testing.B) []byte {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, 1580, 1180))
	for y := range 1180 {
		for x := range 1580 {
			img.Set(x, y, color.NRGBA{R: uint8(r.IntN(256)), G: uint8(r.IntN(256)), B: uint8(r.IntN(256)), A: 255})
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 95}); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkUploadToAck measures a visitor sending a 2 MB file: from the
// start of the upload request to the ack of the message that carries it,
// over real sockets with the embedded store and files folder. The photo
// is decoded and encoded again; plain text of the same size is kept as it
// is, which shows what the image work costs. It reports p50 and p99 in
// milliseconds, and the file's size.
func BenchmarkUploadToAck(b *testing.B) {
	photo := photo2MB(b)
	text := bytes.Repeat([]byte("付款截图 payment screenshot\n"), len(photo)/32)
	b.Run("photo", func(b *testing.B) { benchUpload(b, "IMG.jpg", photo) })
	b.Run("text", func(b *testing.B) { benchUpload(b, "log.txt", text) })
}

func benchUpload(b *testing.B, name string, photo []byte) {
	e := startEnv(b, func(o *serverOptions) {
		o.Limits.VisitorPer10s, o.Limits.IPPer10s, o.Limits.SitePer10s = 1<<30, 1<<30, 1<<30
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var v *visitor
	lat := make([]time.Duration, 0, b.N)
	b.SetBytes(int64(len(photo)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%10 == 0 { // a visitor sends at most 15 files at once
			b.StopTimer()
			v = e.mustVisitor(ctx, "site-a")
			b.StartTimer()
		}
		start := time.Now()
		st, att := upload(b, e.url+"/api/v1/widget/site-a/conversations/"+v.conv.ID+"/attachments", v.sess.Token, name, photo)
		if st != 201 {
			b.Fatalf("upload: %d", st)
		}
		id := fmt.Sprintf("u%d", i)
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: id, Attachments: []string{att.ID}}); err != nil {
			b.Fatal(err)
		}
		if f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == id }); err != nil || f.Type != "ack" {
			b.Fatalf("no ack: %v %s", err, f.Raw)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	latency.Report(b, lat)
	b.ReportMetric(float64(len(photo))/(1<<20), "MB")
}
