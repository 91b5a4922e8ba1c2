package chat

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
)

// maxLogoURL bounds a logo's URL.
const maxLogoURL = 500

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
// in base64, or a data: URL as a browser's FileReader makes it. The
// SiteAdmin's makeLogo (attach.Logo) makes it safe: a PNG, JPEG or GIF by
// its content, stored as a new small PNG of its pixels alone.
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
	logo, err := s.makeLogo(data)
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
