package attach

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func picture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withGPS returns a JPEG whose Exif segment holds a GPS position.
func withGPS(t *testing.T) []byte {
	t.Helper()
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, picture(640, 480), nil); err != nil {
		t.Fatal(err)
	}
	exif := append([]byte("Exif\x00\x00MM\x00\x2aGPSLatitude 31.2304N GPSLongitude 121.4737E"), make([]byte, 32)...)
	seg := append([]byte{0xFF, 0xE1, 0, 0}, exif...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	return append(append([]byte{0xFF, 0xD8}, seg...), photo.Bytes()[2:]...)
}

// withText inserts a tEXt chunk (metadata) after a PNG's header chunk.
func withText(t *testing.T, p []byte) []byte {
	t.Helper()
	body := []byte("tEXtComment\x00taken at 31.2304N 121.4737E")
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)-4))
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
	return append(append(append([]byte{}, p[:33]...), chunk...), p[33:]...)
}

// bomb is a valid PNG header that claims side × side pixels.
func bomb(t *testing.T, side uint32) []byte { return claim(t, side, side, 8) }

// claim is a valid PNG header that claims w × h pixels of RGBA with depth
// bits a channel.
func claim(t *testing.T, w, h uint32, depth byte) []byte {
	t.Helper()
	b := encodePNG(t, picture(1, 1))
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	b[24] = depth
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// The bad inputs of the issue, and a few more: each refused with the
// right code and a message that says why.
func TestPrepareRefuses(t *testing.T) {
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 100)...)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...)
	for name, tt := range map[string]struct {
		data []byte
		p    Policy
		code chat.Code
		want string
	}{
		"an executable named .png":     {exe, Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"an ELF binary":                {elf, Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"an SVG with a script":         {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`), Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"an SVG after an XML line":     {[]byte("<?xml version=\"1.0\"?>\n<svg><script>x()</script></svg>"), Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"an HTML file":                 {[]byte("<!DOCTYPE html><html><body><script>steal()</script></body></html>"), Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"HTML after some plain words":  {[]byte("hello there\n\n\n<script>steal()</script>"), Policy{}, chat.CodeUnsupportedType, "cannot be sent"},
		"a file over the site's limit": {bytes.Repeat([]byte("a"), 2<<20+1), Policy{MaxBytes: 2 << 20}, chat.CodeTooLarge, "the limit is 2 MB"},
		"a file over 10 MB":            {bytes.Repeat([]byte("a"), DefaultMaxBytes+1), Policy{}, chat.CodeTooLarge, "10 MB"},
		"a 20,000 × 20,000 PNG":        {bomb(t, 20000), Policy{}, chat.CodeInvalid, "20000×20000"},
		"a 5,000 × 4,000 PNG":          {claim(t, 5000, 4000, 8), Policy{}, chat.CodeInvalid, "16 million"},
		"a 16-bit 4,000 × 3,000 PNG":   {claim(t, 4000, 3000, 16), Policy{}, chat.CodeInvalid, "8 million with 16-bit"},
		"a PDF where only images go":   {[]byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), Policy{Types: []Type{PNG, JPEG}}, chat.CodeUnsupportedType, "allowed: PNG, JPEG"},
		"an empty file":                {nil, Policy{}, chat.CodeInvalid, "empty"},
		"a broken PNG":                 {[]byte("\x89PNG\r\n\x1a\nbroken"), Policy{}, chat.CodeInvalid, "cannot be read"},
	} {
		f, err := Prepare(tt.data, "x.png", tt.p)
		if chat.ErrorCode(err) != tt.code || !strings.Contains(chat.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v (%v); want %s saying %q", name, err, f != nil, tt.code, tt.want)
		}
	}
}

// A decompression bomb is refused from its header: refusing it allocates
// next to nothing, where decoding it would take 1.6 GB.
func TestBombRefusedBeforeDecoding(t *testing.T) {
	data := bomb(t, 20000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := Prepare(data, "bomb.png", Policy{}); err == nil {
		t.Fatal("a 20,000 × 20,000 PNG was accepted")
	}
	runtime.ReadMemStats(&after)
	if spent := after.TotalAlloc - before.TotalAlloc; spent > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes; it must not decode the pixels", spent)
	}
}

// A photo keeps its pixels and loses its metadata; it gets a thumbnail.
func TestPrepareStripsMetadata(t *testing.T) {
	f, err := Prepare(withGPS(t), "IMG_0001.JPG", Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(f.Data, []byte("GPS")) || bytes.Contains(f.Data, []byte("Exif")) {
		t.Error("the stored photo kept its Exif GPS data")
	}
	if f.Type != JPEG || f.Width != 640 || f.Height != 480 || f.Name != "IMG_0001.JPG" {
		t.Errorf("the photo: %s %dx%d %q", f.Type, f.Width, f.Height, f.Name)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Thumb))
	if err != nil || format != "jpeg" || cfg.Width != ThumbSize || cfg.Height != ThumbSize*480/640 {
		t.Errorf("the thumbnail: %v %s %dx%d", err, format, cfg.Width, cfg.Height)
	}
}

// Images are re-encoded by their content; other allowed files are kept as
// they came.
func TestPrepareKeeps(t *testing.T) {
	var anim bytes.Buffer
	pal := []color.Color{color.Black, color.White}
	frame := image.NewPaletted(image.Rect(0, 0, 10, 10), pal)
	if err := gif.EncodeAll(&anim, &gif.GIF{Image: []*image.Paletted{frame, frame}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	webp, err := os.ReadFile(filepath.Join("testdata", "gradient.webp")) // made with cwebp from a 64×48 PNG
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	text := []byte("订单号 A1024\nOrder A1024, paid 3 times.\n")
	for name, tt := range map[string]struct {
		data  []byte
		typ   Type
		thumb bool
		same  bool
	}{
		"a PNG with a text chunk": {withText(t, encodePNG(t, picture(40, 20))), PNG, true, false},
		"a GIF":                   {anim.Bytes(), PNG, true, false},
		"a WebP":                  {webp, PNG, true, false},
		"a PDF":                   {pdf, PDF, false, true},
		"plain text":              {text, Text, false, true},
	} {
		f, err := Prepare(tt.data, "a.bin", Policy{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f.Type != tt.typ || (f.Thumb != nil) != tt.thumb || bytes.Equal(f.Data, tt.data) != tt.same || bytes.Contains(f.Data, []byte("31.2304N")) {
			t.Errorf("%s: type %s, thumbnail %v, kept as is %v", name, f.Type, f.Thumb != nil, bytes.Equal(f.Data, tt.data))
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":                "passwd",
		`..\..\windows\system.ini`:        "system.ini",
		"invoice\u202Egpj.exe":            "invoicegpj.exe",
		"a\x00b\nc\td.txt":                "abcd.txt",
		"  截图 2026-12-01.png  ":           "截图 2026-12-01.png",
		"..":                              "file",
		"":                                "file",
		strings.Repeat("长", 100) + ".png": strings.Repeat("长", 66),
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A signed URL works for its file, conversation and site until it
// expires, and for nothing else.
func TestSigner(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	s := NewSigner([]byte("server-secret"), func() time.Time { return now })
	token, exp := s.Sign("demo", "conv1", "file1")
	if !exp.Equal(now.Add(URLLife)) || !s.Verify("demo", "conv1", "file1", token) {
		t.Fatalf("a fresh token %q (expires %v) is refused", token, exp)
	}
	for name, ok := range map[string]bool{
		"another conversation": s.Verify("demo", "conv2", "file1", token),
		"another site":         s.Verify("other", "conv1", "file1", token),
		"another file":         s.Verify("demo", "conv1", "file2", token),
		"another key":          NewSigner([]byte("other-secret"), func() time.Time { return now }).Verify("demo", "conv1", "file1", token),
		"a changed expiry":     s.Verify("demo", "conv1", "file1", "zzzzzz"+token[strings.Index(token, "."):]),
		"garbage":              s.Verify("demo", "conv1", "file1", "not-a-token"),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
	now = now.Add(URLLife)
	if s.Verify("demo", "conv1", "file1", token) {
		t.Error("an expired token is accepted")
	}
}
