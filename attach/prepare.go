package attach

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder

	"github.com/kefu/kefu/chat"
)

// Limits on what is accepted, whatever the site allows.
const (
	// DefaultMaxBytes is a file's size limit unless the site sets
	// another, and the most a site may set.
	DefaultMaxBytes = chat.MaxFileMB << 20
	// maxSide, maxPixels and maxDecoded bound an image, read from its
	// header before any pixel is decoded: a few KB of PNG can claim
	// 20,000 × 20,000 pixels, 1.6 GB once decoded. 16 million pixels is
	// more than a phone's camera takes; 64 MB decoded is 16 million at 8
	// bits a channel, or 8 million at 16.
	maxSide    = 10000
	maxPixels  = 16_000_000
	maxDecoded = 64 << 20
	// ThumbSize is the longer side of a thumbnail, in pixels.
	ThumbSize = 320
	// jpegQuality is the quality re-encoded photos and thumbnails get.
	jpegQuality = 85
)

// File is an upload made safe: the bytes to store, their type, the name to
// show, and for images a thumbnail and the dimensions.
type File struct {
	Data          []byte
	Type          Type
	Name          string
	Thumb         []byte // nil for a file that is not an image
	ThumbType     Type
	Width, Height int
}

// Prepare checks an upload against the policy and makes it safe: its
// type from its content, allowed by the site; its size; for an image, its
// dimensions before decoding, then the decoded pixels re-encoded (a GIF
// keeps its first frame, a WebP becomes a PNG) and a thumbnail. Errors
// are chat errors: too_large for size, unsupported_type for a type the
// site does not take, invalid for the rest, each saying what is wrong.
func Prepare(data []byte, name string, p Policy) (*File, error) {
	limit := p.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if int64(len(data)) > limit {
		return nil, chat.Errorf(chat.CodeTooLarge, "the file is %s; the limit is %s", size(int64(len(data))), size(limit))
	}
	if len(data) == 0 {
		return nil, chat.Invalid("the file is empty")
	}
	typ := Sniff(data)
	if allowed := p.types(); typ == "" || !slices.Contains(allowed, typ) {
		return nil, chat.Errorf(chat.CodeUnsupportedType, "this kind of file cannot be sent here; allowed: %s", names(allowed))
	}
	f := &File{Data: data, Type: typ, Name: CleanName(name)}
	if typ.Image() {
		if err := f.reencode(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// reencode replaces an image's bytes with a new encoding of its pixels,
// and makes its thumbnail.
func (f *File) reencode() error {
	img, err := decode(f.Data, f.Type)
	if err != nil {
		return err
	}
	f.Width, f.Height = img.Bounds().Dx(), img.Bounds().Dy()
	var out bytes.Buffer
	if f.Type == JPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality})
	} else {
		f.Type = PNG
		err = png.Encode(&out, img)
	}
	if err != nil {
		return chat.Wrap(chat.CodeInternal, err, "re-encode the image")
	}
	f.Data = out.Bytes()
	thumb, typ, err := thumbnail(img, f.Type)
	if err != nil {
		return chat.Wrap(chat.CodeInternal, err, "make the thumbnail")
	}
	f.Thumb, f.ThumbType = thumb, typ
	return nil
}

// decode decodes an image of type typ, after checking from its header
// that its pixels fit the bounds: a bomb is refused before it is decoded.
// A GIF gives its first frame.
func decode(data []byte, typ Type) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, chat.Invalid("the image cannot be read")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxSide || cfg.Height > maxSide || cfg.Width*cfg.Height > maxPixels ||
		cfg.Width*cfg.Height*bytesPerPixel(cfg.ColorModel) > maxDecoded {
		return nil, chat.Invalid("the image is %d×%d pixels; at most %d on a side and %d million in all (8 million with 16-bit colour)",
			cfg.Width, cfg.Height, maxSide, maxPixels/1_000_000)
	}
	var img image.Image
	if typ == GIF {
		img, err = gif.Decode(bytes.NewReader(data))
	} else {
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, chat.Invalid("the image cannot be read")
	}
	return img, nil
}

// scaled returns img with size pixels on its longer side at most; a
// smaller image keeps its size.
func scaled(img image.Image, size int) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > size || h > size {
		if w >= h {
			w, h = size, max(1, h*size/w)
		} else {
			w, h = max(1, w*size/h), size
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// thumbnail scales img to ThumbSize pixels on its longer side at most, in
// the image's own format (PNG keeps transparency).
func thumbnail(img image.Image, typ Type) ([]byte, Type, error) {
	dst := scaled(img, ThumbSize)
	var out bytes.Buffer
	var err error
	if typ == JPEG {
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: jpegQuality})
	} else {
		typ, err = PNG, png.Encode(&out, dst)
	}
	return out.Bytes(), typ, err
}

// bytesPerPixel is what one pixel of an image with model m takes decoded.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	}
	return 4
}
