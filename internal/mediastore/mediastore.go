// Package mediastore keeps the media library's blobs: a local directory by
// default and S3-compatible object storage (minio-go) as the scale-out
// option. It knows nothing about clinics, rows or images: it stores opaque
// bytes under validated keys. The media package decides the keys.
package mediastore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// ErrNotExist answers Open for a key that holds nothing.
var ErrNotExist = errors.New("mediastore: object does not exist")

// Store is what every backend offers. Keys are relative slash-separated
// paths checked by ValidKey.
type Store interface {
	// Put stores size bytes read from r under key, replacing any object
	// there; a reader of the key sees the old bytes or the new, never a
	// part. size -1 means unknown.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the bytes under key, or ErrNotExist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Exists reports whether key holds an object.
	Exists(ctx context.Context, key string) (bool, error)
}

// MaxKeyLen bounds a key's length in bytes.
const MaxKeyLen = 512

// ValidKey refuses anything but a relative path of non-empty segments made
// of [a-z0-9._-], none starting with a dot: no "..", no absolute paths, no
// backslashes, no hidden files (the local store's temporary files start
// with a dot, so they can never collide with a key).
func ValidKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("mediastore: key must be 1 to %d bytes", MaxKeyLen)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" {
			return fmt.Errorf("mediastore: key %q has an empty segment", key)
		}
		if seg[0] == '.' {
			return fmt.Errorf("mediastore: key %q has a segment starting with a dot", key)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("mediastore: key %q has a character outside [a-z0-9._-/]", key)
			}
		}
	}
	return nil
}

// Open opens the store a storage URL names:
//
//	file:///var/lib/clinicpress/media    a local directory (created if missing)
//	s3://KEY:SECRET@host:port/bucket[/prefix]?secure=false&region=us-east-1
//
// An s3 URL without KEY:SECRET takes the credentials from the environment
// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or MINIO_ACCESS_KEY/
// MINIO_SECRET_KEY). secure defaults to true (HTTPS); addressing is
// path-style unless lookup=dns.
func Open(ctx context.Context, storageURL string) (Store, error) {
	cfg, err := ParseStorageURL(storageURL)
	if err != nil {
		return nil, err
	}
	return cfg.Open(ctx)
}

// Config is a parsed storage URL.
type Config struct {
	Kind string // "file" or "s3"
	// Dir is the local directory (file).
	Dir string
	// S3 settings.
	Endpoint  string // host:port
	Bucket    string
	Prefix    string // key prefix inside the bucket, no leading or trailing slash
	AccessKey string
	SecretKey string
	Region    string
	Secure    bool
	DNSLookup bool // virtual-host-style addressing instead of path-style
}

// String describes the configuration without the secret, for logs.
func (c Config) String() string {
	if c.Kind == "file" {
		return "file://" + c.Dir
	}
	u := url.URL{Scheme: "s3", Host: c.Endpoint, Path: "/" + c.Bucket}
	if c.Prefix != "" {
		u.Path += "/" + c.Prefix
	}
	if c.AccessKey != "" {
		u.User = url.User(c.AccessKey)
	}
	q := url.Values{}
	q.Set("secure", fmt.Sprint(c.Secure))
	if c.Region != "" {
		q.Set("region", c.Region)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ParseStorageURL reads a storage URL (see Open) without connecting.
func ParseStorageURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Config{}, errors.New("mediastore: storage URL is not a URL")
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return Config{}, errors.New("mediastore: file URL must be file:///absolute/path")
		}
		if u.Path == "" || !strings.HasPrefix(u.Path, "/") {
			return Config{}, errors.New("mediastore: file URL must be file:///absolute/path")
		}
		return Config{Kind: "file", Dir: u.Path}, nil
	case "s3":
		c := Config{Kind: "s3", Endpoint: u.Host, Secure: true}
		if c.Endpoint == "" {
			return Config{}, errors.New("mediastore: s3 URL needs a host[:port]")
		}
		path := strings.Trim(u.Path, "/")
		bucket, prefix, _ := strings.Cut(path, "/")
		if bucket == "" {
			return Config{}, errors.New("mediastore: s3 URL needs a bucket: s3://host/bucket")
		}
		c.Bucket, c.Prefix = bucket, strings.Trim(prefix, "/")
		if c.Prefix != "" {
			if err := ValidKey(c.Prefix); err != nil {
				return Config{}, errors.New("mediastore: s3 key prefix must use [a-z0-9._-/]")
			}
		}
		if u.User != nil {
			c.AccessKey = u.User.Username()
			c.SecretKey, _ = u.User.Password()
		}
		q := u.Query()
		for k := range q {
			switch k {
			case "secure", "region", "lookup":
			default:
				return Config{}, fmt.Errorf("mediastore: unknown s3 URL parameter %q", k)
			}
		}
		switch q.Get("secure") {
		case "", "true", "1":
		case "false", "0":
			c.Secure = false
		default:
			return Config{}, errors.New("mediastore: secure must be true or false")
		}
		c.Region = q.Get("region")
		switch q.Get("lookup") {
		case "", "path":
		case "dns":
			c.DNSLookup = true
		default:
			return Config{}, errors.New("mediastore: lookup must be path or dns")
		}
		return c, nil
	}
	return Config{}, errors.New("mediastore: storage URL must start with file:// or s3://")
}

// Open connects the configured store.
func (c Config) Open(ctx context.Context) (Store, error) {
	switch c.Kind {
	case "file":
		return NewLocal(c.Dir)
	case "s3":
		return NewS3(ctx, c)
	}
	return nil, fmt.Errorf("mediastore: unknown kind %q", c.Kind)
}
