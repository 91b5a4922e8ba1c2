package attach

import (
	"bytes"
	"image/png"
	"slices"

	"github.com/kefu/kefu/chat"
)

// Limits on a site's logo.
const (
	// MaxLogoUpload is the largest logo file accepted, in bytes.
	MaxLogoUpload = 1 << 20
	// LogoSize is the most pixels a stored logo has on a side; the panel
	// shows it at 28 CSS pixels, so this is sharp on 4× screens.
	LogoSize = 128
)

// Logo makes an uploaded logo safe, as Prepare does a file: it must be a
// PNG, JPEG or GIF by its content, within the image bounds (checked before
// decoding), and it comes back as a new PNG of at most LogoSize pixels on
// its longer side, with nothing of the upload but its pixels.
func Logo(data []byte) ([]byte, error) {
	if len(data) > MaxLogoUpload {
		return nil, chat.Errorf(chat.CodeTooLarge, "a logo is at most %d KB", MaxLogoUpload>>10)
	}
	typ := Sniff(data)
	if !slices.Contains([]Type{PNG, JPEG, GIF}, typ) {
		return nil, chat.Invalid("the logo must be a PNG, JPEG or GIF image")
	}
	img, err := decode(data, typ)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := png.Encode(&out, scaled(img, LogoSize)); err != nil {
		return nil, chat.Wrap(chat.CodeInternal, err, "encode the logo")
	}
	return out.Bytes(), nil
}
