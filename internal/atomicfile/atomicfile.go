// Package atomicfile writes files whole or not at all: a File is written
// beside its destination and renamed over it only when complete, so a
// failed write never leaves a partial file or spoils an older one.
package atomicfile

import (
	"os"
	"path/filepath"
)

// File is a file being written in place of Dest.
type File struct {
	*os.File
	Dest string
	done bool
}

// Create starts writing a file that will replace dest on Commit.
func Create(dest string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{File: f, Dest: dest}, nil
}

// Commit closes the file and renames it over its destination.
func (f *File) Commit() error {
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), f.Dest); err != nil {
		os.Remove(f.Name())
		return err
	}
	f.done = true
	return nil
}

// Abort drops the file, leaving the destination as it was; after Commit it
// does nothing, so it can be deferred.
func (f *File) Abort() {
	if !f.done {
		f.Close()
		os.Remove(f.Name())
	}
}

// Write replaces dest with data.
func Write(dest string, data []byte) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}
