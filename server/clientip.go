package server

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxies are the reverse proxies whose X-Forwarded-For kefu believes.
type proxies []netip.Prefix

// parseProxies reads IPs and CIDRs, as config.Validate has checked them.
func parseProxies(list []string) (proxies, error) {
	var out proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("server: trusted proxy %q is neither an IP nor a CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (p proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is who sent the request, for rate limits and logs. From a
// trusted proxy it is the rightmost address of X-Forwarded-For that is
// not a trusted proxy: each proxy appends the address it got the request
// from, so everything left of that is whatever the client chose to write.
// The result is a copy, safe to keep.
func (s *Server) clientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return strings.Clone(c.IP())
	}
	remote = remote.Unmap()
	if !s.proxies.trusts(remote) {
		return remote.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: nothing left of it can be believed
		}
		if !s.proxies.trusts(a) {
			return a.Unmap().String()
		}
		remote = a.Unmap()
	}
	return remote.String()
}
