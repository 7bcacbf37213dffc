package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// entry is one cached response: the rendered bytes, their gzip and brotli
// variants and ETags, all computed once when the page is rendered. Entries
// are never changed after they are stored, so a hit hands the stored slices
// straight to the response.
type entry struct {
	key      string
	clinicID int64
	status   int
	ctype    []byte
	cc       []byte // Cache-Control
	hash     []byte // the quoted-less ETag stem shared by every variant
	etag     []byte // "hash"
	etagGz   []byte // "hash-gz"
	etagBr   []byte // "hash-br"
	plain    []byte
	gz       []byte // nil when not worth compressing
	br       []byte
	expires  int64 // unix seconds
	size     int64
	ref      atomic.Bool // CLOCK bit: used since the last eviction sweep
}

// minCompress is the smallest body worth compressing.
const minCompress = 512

var (
	gzPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, 6); return w }}
	brPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 5) }}
)

// newEntry builds an entry for body, compressing it when useful.
func newEntry(key string, clinicID int64, status int, ctype, cc string, body []byte, ttl time.Duration) *entry {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:10])
	e := &entry{key: key, clinicID: clinicID, status: status, ctype: []byte(ctype), cc: []byte(cc), hash: []byte(h),
		etag: []byte(`"` + h + `"`), etagGz: []byte(`"` + h + `-gz"`), etagBr: []byte(`"` + h + `-br"`),
		plain: body, expires: time.Now().Add(ttl).Unix()}
	if len(body) >= minCompress {
		var b bytes.Buffer
		zw := gzPool.Get().(*gzip.Writer)
		zw.Reset(&b)
		_, _ = zw.Write(body)
		if zw.Close() == nil && b.Len() < len(body) {
			e.gz = bytes.Clone(b.Bytes())
		}
		gzPool.Put(zw)
		b.Reset()
		bw := brPool.Get().(*brotli.Writer)
		bw.Reset(&b)
		_, _ = bw.Write(body)
		if bw.Close() == nil && b.Len() < len(body) {
			e.br = bytes.Clone(b.Bytes())
		}
		brPool.Put(bw)
	}
	e.size = int64(len(e.key) + len(e.plain) + len(e.gz) + len(e.br) + 256)
	return e
}

// pageCache holds rendered pages in memory per (scheme, host, request URI),
// grouped by clinic so that a clinic's change drops exactly its pages. It
// is bounded in bytes and entries; when full it evicts with the CLOCK
// algorithm (entries used since the last sweep get a second chance).
type pageCache struct {
	maxBytes   int64
	maxEntries int
	ttl        time.Duration

	mu       sync.RWMutex
	entries  map[string]*entry
	byClinic map[int64]map[*entry]struct{}
	gens     map[int64]uint64 // bumped on every invalidation of the clinic
	bytes    int64

	hits, misses, evictions atomic.Int64
}

func newPageCache(maxBytes int64, maxEntries int, ttl time.Duration) *pageCache {
	return &pageCache{maxBytes: maxBytes, maxEntries: maxEntries, ttl: ttl,
		entries: map[string]*entry{}, byClinic: map[int64]map[*entry]struct{}{}, gens: map[int64]uint64{}}
}

// get returns the live entry for key, or nil. It allocates nothing.
func (c *pageCache) get(key []byte) *entry {
	c.mu.RLock()
	e := c.entries[string(key)]
	c.mu.RUnlock()
	if e == nil {
		c.misses.Add(1)
		return nil
	}
	if e.expires < time.Now().Unix() {
		c.misses.Add(1)
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	c.hits.Add(1)
	return e
}

// gen returns the clinic's generation; pass it to put after rendering so
// that a page rendered from data older than an invalidation is not stored.
func (c *pageCache) gen(clinicID int64) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gens[clinicID]
}

// put stores e unless the clinic was invalidated since gen was taken.
func (c *pageCache) put(e *entry, gen uint64) {
	if e.size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gens[e.clinicID] != gen {
		return
	}
	if old := c.entries[e.key]; old != nil {
		c.removeLocked(old)
	}
	for (c.bytes+e.size > c.maxBytes || len(c.entries) >= c.maxEntries) && len(c.entries) > 0 {
		c.evictLocked()
	}
	c.entries[e.key] = e
	set := c.byClinic[e.clinicID]
	if set == nil {
		set = map[*entry]struct{}{}
		c.byClinic[e.clinicID] = set
	}
	set[e] = struct{}{}
	c.bytes += e.size
}

// evictLocked removes one entry not used since the last sweep (clearing
// the use bit of those it passes).
func (c *pageCache) evictLocked() {
	for i := 0; i < 2; i++ {
		n := 0
		for _, e := range c.entries {
			if e.ref.Load() && i == 0 && n < 64 {
				e.ref.Store(false)
				n++
				continue
			}
			c.removeLocked(e)
			c.evictions.Add(1)
			return
		}
	}
}

func (c *pageCache) removeLocked(e *entry) {
	delete(c.entries, e.key)
	if set := c.byClinic[e.clinicID]; set != nil {
		delete(set, e)
		if len(set) == 0 {
			delete(c.byClinic, e.clinicID)
		}
	}
	c.bytes -= e.size
}

// invalidate drops every page of the clinic.
func (c *pageCache) invalidate(clinicID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[clinicID]++
	for e := range c.byClinic[clinicID] {
		delete(c.entries, e.key)
		c.bytes -= e.size
	}
	delete(c.byClinic, clinicID)
}

// stats reports the cache's size and counters.
func (c *pageCache) stats() (entries int, size int64, hits, misses, evictions int64) {
	c.mu.RLock()
	entries, size = len(c.entries), c.bytes
	c.mu.RUnlock()
	return entries, size, c.hits.Load(), c.misses.Load(), c.evictions.Load()
}

// acceptsEncoding reports whether an Accept-Encoding value allows coding
// (a token of the list, without q=0).
func acceptsEncoding(ae []byte, coding string) bool {
	for len(ae) > 0 {
		var part []byte
		if i := bytes.IndexByte(ae, ','); i >= 0 {
			part, ae = ae[:i], ae[i+1:]
		} else {
			part, ae = ae, nil
		}
		part = bytes.TrimSpace(part)
		name, params, _ := bytes.Cut(part, []byte{';'})
		if !bytes.EqualFold(bytes.TrimSpace(name), []byte(coding)) {
			continue
		}
		if i := bytes.Index(params, []byte("q=")); i >= 0 {
			q := bytes.TrimSpace(params[i+2:])
			zero := len(q) > 0
			for _, ch := range q {
				if ch != '0' && ch != '.' {
					zero = false
					break
				}
			}
			return !zero
		}
		return true
	}
	return false
}

// etagMatches reports whether an If-None-Match value names any variant of
// the entry (the variants share the hash stem) or is "*".
func etagMatches(inm, hash []byte) bool {
	if len(inm) == 1 && inm[0] == '*' {
		return true
	}
	return bytes.Contains(inm, hash)
}
