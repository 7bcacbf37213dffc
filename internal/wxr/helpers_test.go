package wxr

import "io/fs"

func fsReadFile(u *Uploads, name string) ([]byte, error) { return fs.ReadFile(u.FS(), name) }
