package server

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientHeader is the request header the client address is handed to
// fiber in (fiber's ProxyHeader): clientAddr always overwrites or removes
// it, so a client's own value never counts.
const clientHeader = "X-Clinicpress-Client"

// proxies is the set of trusted proxy addresses and ranges.
type proxies []netip.Prefix

func parseProxies(list []string) proxies {
	var out proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

func (p proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// hop parses one X-Forwarded-For entry: an address, optionally with a port
// or in brackets.
func hop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// clientOf walks the X-Forwarded-For hops (all header lines, in order)
// from the right, skipping trusted proxies, as the reverse-proxy contract
// says: the first untrusted hop is the client; everything to its left was
// written by the client and proves nothing. An entry that is not an
// address stops the walk at the trusted hop that reported it. When every
// hop is trusted, the left-most one is the client.
func (p proxies) clientOf(peer netip.Addr, values [][]byte) netip.Addr {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := hop(hops[i])
		if !ok {
			return client
		}
		client = a
		if !p.trusted(a) {
			return a
		}
	}
	return client
}

// clientAddr sets the address fiber's c.IP() answers: the immediate peer,
// or, when the peer is a trusted proxy, the client found in
// X-Forwarded-For.
func (p proxies) clientAddr(c *fiber.Ctx) error {
	h := &c.Request().Header
	h.Del(clientHeader)
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if ok && p.trusted(peer) {
		h.Set(clientHeader, p.clientOf(peer.Unmap(), h.PeekAll(fiber.HeaderXForwardedFor)).String())
	}
	return c.Next()
}
