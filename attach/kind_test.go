package attach

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

// zipFile is a real ZIP archive with one file in it, as a .docx is.
func zipFile(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wav is a WAV file of n silent 16-bit mono samples at 8 kHz.
func wav(n int) []byte {
	le := binary.LittleEndian
	b := []byte("RIFF")
	b = le.AppendUint32(b, uint32(36+2*n))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1) // PCM
	b = le.AppendUint16(b, 1) // mono
	b = le.AppendUint32(b, 8000)
	b = le.AppendUint32(b, 16000)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(2*n))
	return append(b, make([]byte, 2*n)...)
}

// ftyp is the first box of an ISO media file of the given brand.
func ftyp(brand string) []byte {
	return append([]byte("\x00\x00\x00\x18ftyp"+brand+"\x00\x00\x02\x00"+brand+"mp41"), make([]byte, 32)...)
}

// Each extra type is told by its content, whatever its name; look-alikes
// are not taken for them.
func TestSniffExtraTypes(t *testing.T) {
	frame := append([]byte{0xff, 0xfb, 0x90, 0x64}, make([]byte, 413)...) // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
	for name, tt := range map[string]struct {
		data []byte
		want Type
	}{
		"a ZIP":                       {zipFile(t, "notes.txt", "hello"), ZIP},
		"a .docx (a ZIP)":             {zipFile(t, "[Content_Types].xml", `<?xml version="1.0"?><Types/>`), ZIP},
		"an empty ZIP":                {[]byte("PK\x05\x06" + strings.Repeat("\x00", 18)), ZIP},
		"an MP3 with an ID3 tag":      {append([]byte("ID3\x03\x00\x00\x00\x00\x00\x0a"), append(make([]byte, 10), frame...)...), MP3},
		"an MP3 without a tag":        {frame, MP3},
		"a WAV":                       {wav(100), WAV},
		"an Ogg":                      {append([]byte("OggS\x00\x02"), make([]byte, 40)...), Ogg},
		"an M4A":                      {ftyp("M4A "), M4A},
		"an MP4":                      {ftyp("isom"), MP4},
		"a MOV":                       {ftyp("qt  "), MOV},
		"a WebM":                      {[]byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87\x81\x04"), WebM},
		"a HEIC photo (not a video)":  {ftyp("heic"), ""},
		"a Matroska file (not WebM)":  {[]byte("\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska"), ""},
		"AAC in ADTS (not an MP3)":    {append([]byte{0xff, 0xf1, 0x50, 0x80}, make([]byte, 40)...), ""},
		"an MP3 header, bad bit rate": {append([]byte{0xff, 0xfb, 0xf0, 0x64}, make([]byte, 40)...), ""},
		"text that starts with OggS":  {[]byte("OggS is how an Ogg page starts.\n"), Text},
	} {
		if got := Sniff(tt.data); got != tt.want {
			t.Errorf("%s: %q, want %q", name, got, tt.want)
		}
	}
}

// A site takes its extra kinds and no others; markup stays refused
// whatever it takes; the extra types are kept as they came.
func TestPolicyOf(t *testing.T) {
	all := PolicyOf(chat.FilePolicy{Extra: chat.ExtraFileKinds()})
	for name, tt := range map[string]struct {
		data []byte
		p    Policy
		code chat.Code
	}{
		"a ZIP by default":               {zipFile(t, "a.txt", "a"), PolicyOf(chat.FilePolicy{}), chat.CodeUnsupportedType},
		"a ZIP where only audio goes":    {zipFile(t, "a.txt", "a"), PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesAudio}}), chat.CodeUnsupportedType},
		"a ZIP where ZIPs go":            {zipFile(t, "a.txt", "a"), PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesZip}}), ""},
		"a WAV where audio goes":         {wav(10), PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesAudio}}), ""},
		"an MP4 where audio goes":        {ftyp("mp42"), PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesAudio}}), chat.CodeUnsupportedType},
		"an MP4 where video goes":        {ftyp("mp42"), PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesVideo}}), ""},
		"an SVG where everything goes":   {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), all, chat.CodeUnsupportedType},
		"HTML where everything goes":     {[]byte("<!doctype html><script>steal()</script>"), all, chat.CodeUnsupportedType},
		"an executable, everything goes": {append([]byte("MZ\x90\x00"), make([]byte, 64)...), all, chat.CodeUnsupportedType},
		"a 3 MB WAV, the limit 2 MB":     {wav(3 << 19), PolicyOf(chat.FilePolicy{MaxMB: 2, Extra: []string{chat.FilesAudio}}), chat.CodeTooLarge},
	} {
		f, err := Prepare(tt.data, "x.bin", tt.p)
		if chat.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %q", name, err, tt.code)
		}
		if err == nil && (!bytes.Equal(f.Data, tt.data) || f.Thumb != nil) {
			t.Errorf("%s: not kept as it came", name)
		}
	}
	if err := func() error { _, err := Prepare(zipFile(t, "a", "a"), "a.zip", Policy{}); return err }(); !strings.Contains(chat.ErrorMessage(err), "allowed: PNG, JPEG, GIF, WebP, PDF, plain text") {
		t.Errorf("the refusal says %q; want what is allowed", chat.ErrorMessage(err))
	}
	for _, k := range chat.ExtraFileKinds() {
		if len(KindTypes(k)) == 0 {
			t.Errorf("the kind %q has no types", k)
		}
	}
}

// The file picker offers what the site takes.
func TestAccept(t *testing.T) {
	def := PolicyOf(chat.FilePolicy{}).Accept()
	if want := "image/png,.png,image/jpeg,.jpg,.jpeg,image/gif,.gif,image/webp,.webp,application/pdf,.pdf,text/plain,.txt,.csv,.log"; def != want {
		t.Errorf("the default accept is\n%s, want\n%s", def, want)
	}
	got := PolicyOf(chat.FilePolicy{Extra: []string{chat.FilesZip, chat.FilesAudio}}).Accept()
	for _, want := range []string{def + ",", "application/zip,.zip,.docx", "audio/mpeg,.mp3", "audio/wav,.wav", "audio/ogg,.ogg"} {
		if !strings.Contains(got, want) {
			t.Errorf("with zip and audio, accept is %s; want %s in it", got, want)
		}
	}
	if strings.Contains(got, "video") {
		t.Errorf("without video, accept is %s", got)
	}
}
