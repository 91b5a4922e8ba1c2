package attach

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

// An uploaded logo is stored as a PNG of at most LogoSize pixels on its
// longer side, keeping its shape; a small one keeps its size. What is not
// a PNG, JPEG or GIF, what claims huge dimensions, and what is too big are
// refused, and a JPEG's metadata is not kept.
func TestLogo(t *testing.T) {
	var wide bytes.Buffer
	if err := png.Encode(&wide, picture(300, 150)); err != nil {
		t.Fatal(err)
	}
	out, err := Logo(wide.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
	if err != nil || format != "png" || cfg.Width != LogoSize || cfg.Height != LogoSize/2 {
		t.Errorf("a 300×150 logo became %s %d×%d (%v); want png %d×%d", format, cfg.Width, cfg.Height, err, LogoSize, LogoSize/2)
	}

	// A JPEG with GPS coordinates in its Exif segment: only pixels stay.
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, picture(40, 30), nil); err != nil {
		t.Fatal(err)
	}
	exif := append([]byte("Exif\x00\x00GPSLatitude 31.2304N"), make([]byte, 16)...)
	seg := append([]byte{0xFF, 0xE1, 0, 0}, exif...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	withExif := append(append([]byte{0xFF, 0xD8}, seg...), photo.Bytes()[2:]...)
	out, err = Logo(withExif)
	if err != nil {
		t.Fatalf("a JPEG with Exif: %v", err)
	}
	if bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte("Exif")) {
		t.Error("the stored logo kept the JPEG's Exif data")
	}
	if cfg, _, _ := image.DecodeConfig(bytes.NewReader(out)); cfg.Width != 40 || cfg.Height != 30 {
		t.Errorf("a 40×30 logo became %d×%d; a small logo keeps its size", cfg.Width, cfg.Height)
	}

	// A PNG that claims 20,000 × 20,000 pixels is refused from its header.
	var tiny bytes.Buffer
	if err := png.Encode(&tiny, picture(1, 1)); err != nil {
		t.Fatal(err)
	}
	bomb := bytes.Clone(tiny.Bytes())
	binary.BigEndian.PutUint32(bomb[16:], 20000) // IHDR width
	binary.BigEndian.PutUint32(bomb[20:], 20000) // IHDR height
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))

	for name, tt := range map[string]struct {
		data []byte
		code chat.Code
		want string
	}{
		"huge dimensions": {bomb, chat.CodeInvalid, "20000×20000"},
		"an executable":   {append([]byte("MZ\x90\x00"), make([]byte, 200)...), chat.CodeInvalid, "PNG, JPEG or GIF"},
		"an SVG":          {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), chat.CodeInvalid, "PNG, JPEG or GIF"},
		"a WebP":          {mustRead(t, "testdata/gradient.webp"), chat.CodeInvalid, "PNG, JPEG or GIF"},
		"too big":         {make([]byte, MaxLogoUpload+1), chat.CodeTooLarge, "at most"},
	} {
		_, err := Logo(tt.data)
		if chat.ErrorCode(err) != tt.code || !strings.Contains(chat.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v; want %s saying %q", name, err, tt.code, tt.want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
