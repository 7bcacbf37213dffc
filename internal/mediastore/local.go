package mediastore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// Local keeps objects as files under one directory. Every access goes
// through an os.Root, so even a key that slipped past ValidKey, or a
// symbolic link planted in the directory, cannot reach outside it.
type Local struct {
	root *os.Root
	dir  string
}

var _ Store = (*Local)(nil)

// NewLocal opens (creating it if needed) the directory dir.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mediastore: create %s: %w", dir, err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("mediastore: open %s: %w", dir, err)
	}
	return &Local{root: r, dir: dir}, nil
}

// Close releases the directory handle.
func (l *Local) Close() error { return l.root.Close() }

// Put writes r to a temporary file beside the key, syncs it and renames it
// into place, so a reader never sees a partial object.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	dir := path.Dir(key)
	if dir != "." {
		if err := l.root.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("mediastore: mkdir: %w", err)
		}
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("mediastore: create: %w", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			l.root.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err != nil {
		return fmt.Errorf("mediastore: write: %w", err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("mediastore: wrote %d bytes, expected %d", n, size)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("mediastore: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mediastore: close: %w", err)
	}
	done = true
	if err := l.root.Rename(tmp, key); err != nil {
		l.root.Remove(tmp)
		return fmt.Errorf("mediastore: rename: %w", err)
	}
	return nil
}

// Open opens the file under key.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	f, err := l.root.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("mediastore: open: %w", err)
	}
	return f, nil
}

// Delete removes the file under key.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	err := l.root.Remove(key)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("mediastore: delete: %w", err)
	}
	return nil
}

// Exists reports whether a regular file is stored under key.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if err := ValidKey(key); err != nil {
		return false, err
	}
	st, err := l.root.Stat(key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mediastore: stat: %w", err)
	}
	return st.Mode().IsRegular(), nil
}

// ctxReader stops a copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
