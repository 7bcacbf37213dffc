// Package wxr reads WordPress export files (WXR, the XML that Tools → Export
// writes) and converts their content to ClinicPress Markdown. It owns the
// file format and the conversion, nothing else: no database, no HTTP, no
// media storage. The importer that writes articles, pages, media and
// redirects calls it.
//
// Reading is streaming: Reader decodes one <item> at a time with an
// encoding/xml token loop, so memory is bounded by the largest item, not by
// the file. BuildIndex makes a first pass that keeps only small per-item
// facts (ids, slugs, links, attachment URLs, alt texts and captions), which
// the second pass needs to resolve [gallery] ids and internal links.
//
// Conversion (Converter) turns Gutenberg block markup and classic-editor HTML
// (with wpautop paragraphs and the [caption] and [gallery] shortcodes) into
// HTML that html-to-markdown then renders as Markdown. Images come out as
//
//	![alt](REF "caption")
//
// one image per paragraph, where REF is what Converter.ImageRef returns for
// the image's source URL and WordPress attachment id (0 when unknown); the
// caption title is left out when there is none. A gallery becomes its images
// in order, followed by the gallery caption as an emphasised paragraph. Links
// go through Converter.LinkRef. Whatever cannot be converted (unknown blocks,
// embeds, unknown shortcodes, iframes, scripts, forms, ...) is left out of the
// Markdown and listed in Result.Issues, never dropped silently.
//
// An FAQ section comes out in the shape internal/render recognises: a heading
// "Frequently Asked Questions", "FAQs" or "FAQ", then one deeper heading per
// question, each followed by its answer.
package wxr
