// Package compliance checks health-article content against medical-advertising
// rules before a doctor signs it off.
//
// It owns the rule engine only: rule packs (a neutral "general" pack and
// "sg-healthcare-ads", derived from Singapore's Healthcare Services
// (Advertisement) Regulations 2021 and the Singapore Medical Council's Ethical
// Code and Ethical Guidelines), the matcher, and the per-country registration
// number formats. It has no storage or HTTP; its only dependency is goldmark.
//
// How matching works: Markdown parts (title, summary, body, FAQ answers) are
// parsed with goldmark, configured like internal/render, and the checker
// walks the AST: every rendered text node is checked, code spans and code
// blocks included (they are shown on the page), link destinations and bare
// URLs are links, not prose, and raw HTML is checked for its text (a
// <figcaption>) and its <img>/<a> attributes. The text is turned into a
// normalised token stream (lower case, curly quotes folded, zero-width
// characters dropped, spaced or dotted letters such as "g.u.a.r.a.n.t.e.e.d"
// joined, "1OO" read as "100") in which every token keeps its byte offsets in
// the source. Findings carry byte offsets, 1-based line and column (in
// characters) into the raw text of the field they were found in.
//
// Claims are constructions (claims.go): targets (the provider, its staff,
// its results, other kinds of providers, the reader's social world) times
// claim kinds (ranking, certainty, social proof, comparison, fear and shame,
// endorsement, credential), written as class-based patterns plus two
// sentence constructions (who is speaking; which providers a sentence sets
// the clinic against). Scope is decided once for every rule: negation (also
// over a list), hedges for certainty claims, reader questions, sentences
// about the rules themselves, street and proper names, everyday phrases. A
// small per-rule logistic model over word n-grams (model.go, model.tsv)
// adds a "possible ..." warning where no rule of that id fired; it names
// the words that weighed most.
//
// Credentials: "MOH-accredited doctors" and specialist titles that are not
// registered specialties block in every pack (MOH licenses clinics, the SMC
// registers doctors and specialists); unnamed or non-statutory bodies,
// trainer and prestige-of-training claims warn unless the sentence names a
// recognised body (SMC, SAB, Academy of Medicine, a university, ...).
//
// The measured accuracy, including on text the engine was never tuned on,
// is in testdata/compliance (README.md, learning-curve.md).
//
// Links: the "external-link" rule is on in both packs. A link is outbound
// unless its host is one of Config.OwnHostnames (the clinic's own sites), a
// DefaultLinkAllowlist public health authority, a Config.LinkAllowlist
// domain, or a subdomain of one. Relative, fragment, mailto: and tel: links
// are never flagged.
package compliance
