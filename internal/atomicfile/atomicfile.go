// Package atomicfile writes files and folders whole or not at all: a File
// is written beside its destination and renamed over it only when
// complete, and a Dir is a folder of files written beside its destination
// and moved into place as one, so a failed or interrupted write never
// leaves a partial file, spoils an older one, or mixes old and new files.
//
// Files are created with mode 0666 and folders with 0777, less the umask,
// as os.Create and os.Mkdir do. Every file and folder still being written
// is known to the package, so that a signal handler can remove them all
// with AbortAll before the process exits.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
)

// pending are the temporary files and folders not yet committed or
// aborted.
var pending = struct {
	sync.Mutex
	paths map[string]bool
}{paths: map[string]bool{}}

func track(path string) {
	pending.Lock()
	pending.paths[path] = true
	pending.Unlock()
}

func untrack(path string) {
	pending.Lock()
	delete(pending.paths, path)
	pending.Unlock()
}

// AbortAll removes every file and folder still being written, for a
// process that is about to exit on a signal.
func AbortAll() {
	pending.Lock()
	defer pending.Unlock()
	for p := range pending.paths {
		os.RemoveAll(p)
		delete(pending.paths, p)
	}
}

// tempBeside creates a new file or folder beside dest, named
// ".BASE.RANDOM.tmp", with the usual permissions less the umask.
func tempBeside(dest string, dir bool) (string, *os.File, error) {
	for range 100 {
		name := filepath.Join(filepath.Dir(dest), fmt.Sprintf(".%s.%d.tmp", filepath.Base(dest), rand.Uint32()))
		var err error
		var f *os.File
		if dir {
			err = os.Mkdir(name, 0o777)
		} else {
			f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", nil, placeError(dest, err)
		}
		track(name)
		return name, f, nil
	}
	return "", nil, fmt.Errorf("%s: no free temporary name beside it", dest)
}

// placeError says what is wrong with where dest would go, without the
// temporary name.
func placeError(dest string, err error) error {
	dir := filepath.Dir(dest)
	if info, statErr := os.Stat(dir); statErr != nil {
		return fmt.Errorf("%s: the folder %s does not exist", dest, dir)
	} else if !info.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", dest, dir)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", dest, pe.Err)
	}
	return fmt.Errorf("%s: %v", dest, err)
}

// File is a file being written in place of Dest.
type File struct {
	*os.File
	Dest string
	done bool
}

// Create starts writing a file that will replace dest on Commit.
func Create(dest string) (*File, error) {
	_, f, err := tempBeside(dest, false)
	if err != nil {
		return nil, err
	}
	return &File{File: f, Dest: dest}, nil
}

// Commit closes the file and renames it over its destination.
func (f *File) Commit() error {
	defer untrack(f.Name())
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("%s: %w", f.Dest, err)
	}
	if err := os.Rename(f.Name(), f.Dest); err != nil {
		os.Remove(f.Name())
		return placeError(f.Dest, err)
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
		untrack(f.Name())
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
		return fmt.Errorf("%s: %w", dest, err)
	}
	return f.Commit()
}

// Marker is the file a Dir leaves in every folder it writes, so that a
// later Dir may replace that folder: a folder without it, and not empty,
// holds files runsim did not write and is never replaced.
const Marker = ".runsim"

// Dir is a folder being written in place of Dest: files go into Path, a
// temporary folder beside Dest, and Commit moves it into place, replacing
// an older folder written the same way.
type Dir struct {
	Path, Dest string
	done       bool
}

// CreateDir starts writing a folder that will replace dest on Commit. It
// refuses at once a dest that is a file, or a folder that is neither empty
// nor written by a Dir.
func CreateDir(dest string) (*Dir, error) {
	if err := replaceable(dest); err != nil {
		return nil, err
	}
	path, _, err := tempBeside(dest, true)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(path, Marker), []byte("written by runsim; the folder is replaced whole\n"), 0o666); err != nil {
		os.RemoveAll(path)
		untrack(path)
		return nil, fmt.Errorf("%s: %w", dest, err)
	}
	return &Dir{Path: path, Dest: dest}, nil
}

func replaceable(dest string) error {
	info, err := os.Stat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dest, err)
	case !info.IsDir():
		return fmt.Errorf("%s: is a file, not a folder", dest)
	}
	entries, err := os.ReadDir(dest)
	if err != nil {
		return fmt.Errorf("%s: %w", dest, err)
	}
	for _, e := range entries {
		if e.Name() == Marker {
			return nil
		}
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s: the folder holds files runsim did not write; give a new or empty folder", dest)
	}
	return nil
}

// Write writes one file of the folder.
func (d *Dir) Write(name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(d.Path, name), data, 0o666); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(d.Dest, name), err)
	}
	return nil
}

// Commit moves the folder into place: an older folder at Dest is moved
// aside first and removed once the new one stands.
func (d *Dir) Commit() error {
	defer untrack(d.Path)
	if err := replaceable(d.Dest); err != nil {
		os.RemoveAll(d.Path)
		return err
	}
	var old string
	if _, err := os.Stat(d.Dest); err == nil {
		old = d.Path + ".old"
		if err := os.Rename(d.Dest, old); err != nil {
			os.RemoveAll(d.Path)
			return placeError(d.Dest, err)
		}
	}
	if err := os.Rename(d.Path, d.Dest); err != nil {
		if old != "" {
			os.Rename(old, d.Dest)
		}
		os.RemoveAll(d.Path)
		return placeError(d.Dest, err)
	}
	d.done = true
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort drops the folder, leaving Dest as it was; after Commit it does
// nothing, so it can be deferred.
func (d *Dir) Abort() {
	if !d.done {
		os.RemoveAll(d.Path)
		untrack(d.Path)
	}
}
