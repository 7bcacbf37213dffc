// Package render turns article Markdown into safe HTML for the public sites
// and builds the schema.org JSON-LD that goes with it.
//
// It owns three things and nothing else (no database, no HTTP):
//
//   - Markdown to HTML: CommonMark plus the GFM table, strikethrough,
//     autolink and task-list extensions, rendered by goldmark and then
//     sanitised by one bluemonday policy built once per Renderer.
//   - Structure pulled from the same parse: heading anchors (h2-h4, stable
//     and deduplicated), an FAQ section turned into question/answer pairs,
//     plain text and a word count for search and meta descriptions.
//   - JSON-LD builders (MedicalWebPage, FAQPage) whose output is safe to place
//     inside <script type="application/ld+json">.
//
// Raw HTML inside Markdown is never rendered: goldmark runs in its default
// safe mode, which drops raw HTML blocks and inline tags, and the bluemonday
// pass then removes anything that still is not on the allow-list. Health
// articles need no hand-written HTML, and a pipeline that never emits an
// author's tags has far less surface than one that emits them and hopes the
// sanitiser catches every trick. The sanitiser is kept as a second, independent
// wall, not as the only one.
//
// Other decisions, all made on the parsed tree before rendering:
//
//   - Links whose URL a browser would read as anything but http, https,
//     mailto, tel or relative (after entity decoding, case folding and
//     removing tabs and newlines) are replaced by their text; such images
//     by their alt text. Images may only be http(s) or relative.
//   - Links that leave the site (http, https or "//host") get
//     rel="noopener nofollow" and no target; relative links get no rel.
//   - The page template owns the only h1: if the source uses "#", every
//     heading moves down one level, so the outline keeps its shape.
//   - GFM task boxes render as the characters U+2611 and U+2610, so no
//     <input> element is ever emitted.
package render
