// Package compliance checks health-article content against medical-advertising
// rules before a doctor signs it off.
//
// It owns the rule engine only: rule packs (a neutral "general" pack and
// "sg-healthcare-ads", derived from Singapore's Healthcare Services
// (Advertisement) Regulations 2021 and the Singapore Medical Council's Ethical
// Code and Ethical Guidelines), the matcher, and the per-country registration
// number formats. It is pure standard-library Go with no storage or HTTP.
//
// How matching works: each text part (title, summary, body, FAQ question or
// answer, image alt text, caption or file name) is scanned for Markdown
// structure first, so that code spans, fenced code, link destinations,
// autolinks, bare URLs and HTML tags are masked out. The rest is turned into a
// normalised token stream (lower case, curly quotes folded, zero-width
// characters dropped, spaced or dotted single letters such as
// "g.u.a.r.a.n.t.e.e.d" joined, "1OO" read as "100") in which every token keeps
// its byte offsets in the raw text. Rule patterns are precompiled at package
// init and indexed by their first token; a match is dropped when a negation or
// hedge ("not", "cannot", "no treatment can", "beware of", "so-called", ...)
// appears in the same clause shortly before it, or a copular negation ("are
// not", "isn't") shortly after it. Findings carry byte offsets, 1-based line
// and column (in characters) into the raw text of the field they were found in.
//
// Links: the "external-link" rule is on in both packs. A link is outbound
// unless its host is one of Config.OwnHostnames (the clinic's own sites), a
// DefaultLinkAllowlist public health authority, a Config.LinkAllowlist
// domain, or a subdomain of one. Relative, fragment, mailto: and tel: links
// are never flagged.
package compliance
