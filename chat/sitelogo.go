package chat

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // uploaded logos may be GIF
	_ "image/jpeg"
	"image/png"
	"net/url"
	"strings"
)

// Limits on a site's logo.
const (
	// MaxLogoUpload is the largest logo file accepted, in bytes.
	MaxLogoUpload = 1 << 20
	// maxLogoPixels bounds an upload's width and height, checked before
	// its pixels are decoded: a small file may claim a huge image.
	maxLogoPixels = 4096
	// LogoSize is the most pixels a stored logo has on a side; the panel
	// shows it at 28 CSS pixels, so this is sharp on 4× screens.
	LogoSize   = 128
	maxLogoURL = 500
)

// checkLogoURL returns a logo URL tidied, or "" to remove the logo. Only
// https URLs: the panel's page allows images from that origin only.
func checkLogoURL(in string) (string, error) {
	in = strings.TrimSpace(in)
	if in == "" {
		return "", nil
	}
	u, err := url.Parse(in)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(in) > maxLogoURL || strings.ContainsAny(in, " '\";") {
		return "", Invalid("logo must be an https:// URL of at most %d characters, or empty", maxLogoURL)
	}
	return u.String(), nil
}

// SetLogo stores an uploaded logo for the actor's site: upload is the file
// in base64, or a data: URL as a browser's FileReader makes it. The file
// must be a PNG, JPEG or GIF image (by its content, whatever its name); it is
// decoded, scaled down to LogoSize pixels on its longer side, and stored
// as a new PNG, so that nothing but pixels of the upload is kept (no
// metadata, no script).
func (s *SiteAdmin) SetLogo(ctx context.Context, a Actor, upload string) (*Site, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	if i := strings.Index(upload, ";base64,"); strings.HasPrefix(upload, "data:") && i > 0 {
		upload = upload[i+len(";base64,"):]
	}
	data, err := base64.StdEncoding.DecodeString(upload)
	if err != nil || len(data) == 0 {
		return nil, Invalid("image must be the file in base64, or a data: URL")
	}
	logo, err := makeLogo(data)
	if err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, err
	}
	site.Widget.Logo, site.Widget.LogoImage = "", logo
	site.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateSite(ctx, site); err != nil {
		return nil, err
	}
	return site, s.announce(ctx, site.Key)
}

// makeLogo turns an uploaded image into the stored PNG.
func makeLogo(data []byte) ([]byte, error) {
	if len(data) > MaxLogoUpload {
		return nil, Errorf(CodeTooLarge, "a logo is at most %d KB", MaxLogoUpload>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg" && format != "gif") {
		return nil, Invalid("the logo must be a PNG, JPEG or GIF image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
		return nil, Invalid("the logo is %d×%d pixels; at most %d on a side", cfg.Width, cfg.Height, maxLogoPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, Invalid("the %s image cannot be read: %v", format, err)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, shrink(img, LogoSize)); err != nil {
		return nil, Wrap(CodeInternal, err, "encode the logo")
	}
	return out.Bytes(), nil
}

// shrink scales img down so that its longer side is at most size pixels,
// averaging the source pixels that fall in each new one; a smaller image
// is only copied.
func shrink(img image.Image, size int) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= size && h <= size {
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	nw, nh := size, h*size/w
	if h > w {
		nw, nh = w*size/h, size
	}
	nw, nh = max(nw, 1), max(nh, 1)
	out := image.NewNRGBA(image.Rect(0, 0, nw, nh))
	for y := range nh {
		y0, y1 := b.Min.Y+y*h/nh, b.Min.Y+max((y+1)*h/nh, y*h/nh+1)
		for x := range nw {
			x0, x1 := b.Min.X+x*w/nw, b.Min.X+max((x+1)*w/nw, x*w/nw+1)
			var r, g, bl, al, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(img.At(sx, sy)).(color.NRGBA64)
					// Weight colour by alpha, so transparent pixels lend
					// no colour to the edge.
					r += uint64(c.R) * uint64(c.A)
					g += uint64(c.G) * uint64(c.A)
					bl += uint64(c.B) * uint64(c.A)
					al += uint64(c.A)
					n++
				}
			}
			px := color.NRGBA64{A: uint16(al / n)}
			if al > 0 {
				px.R, px.G, px.B = uint16(r/al), uint16(g/al), uint16(bl/al)
			}
			out.Set(x, y, px)
		}
	}
	return out
}
