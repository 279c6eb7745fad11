package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.csv")
	require.NoError(t, os.WriteFile(path, []byte("older\n"), 0o644))

	f, err := Create(path)
	require.NoError(t, err)
	_, err = f.WriteString("half a trace")
	require.NoError(t, err)
	f.Abort()
	data, _ := os.ReadFile(path)
	assert.Equal(t, "older\n", string(data), "an aborted write leaves the older file alone")

	f, err = Create(path)
	require.NoError(t, err)
	_, err = f.WriteString("whole trace\n")
	require.NoError(t, err)
	partial, _ := os.ReadFile(path)
	assert.Equal(t, "older\n", string(partial), "nothing shows at the destination before Commit")
	require.NoError(t, f.Commit())
	f.Abort() // after Commit: a no-op
	data, _ = os.ReadFile(path)
	assert.Equal(t, "whole trace\n", string(data))

	require.NoError(t, Write(path, []byte("third\n")))
	data, _ = os.ReadFile(path)
	assert.Equal(t, "third\n", string(data))

	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary files left behind")

	err = Write(filepath.Join(dir, "missing", "x"), nil)
	require.Error(t, err)
	assert.Equal(t, filepath.Join(dir, "missing", "x")+": the folder "+filepath.Join(dir, "missing")+" does not exist", err.Error(),
		"the error names the destination, never the temporary file")
}

// TestModesFollowTheUmask: files are 0666 and folders 0777 less the umask,
// as os.Create and os.Mkdir make them (they were 0600 whatever the umask).
func TestModesFollowTheUmask(t *testing.T) {
	for _, mask := range []int{0o022, 0o077, 0o002} {
		t.Run(fmt.Sprintf("umask %03o", mask), func(t *testing.T) {
			old := syscall.Umask(mask)
			defer syscall.Umask(old)
			dir := t.TempDir()
			require.NoError(t, Write(filepath.Join(dir, "f"), []byte("x")))
			d, err := CreateDir(filepath.Join(dir, "report"))
			require.NoError(t, err)
			require.NoError(t, d.Write("a.csv", []byte("a\n")))
			require.NoError(t, d.Commit())
			for name, want := range map[string]fs.FileMode{"f": 0o666, "report": 0o777 | fs.ModeDir, "report/a.csv": 0o666} {
				info, err := os.Stat(filepath.Join(dir, name))
				require.NoError(t, err)
				assert.Equal(t, want&^fs.FileMode(mask), info.Mode(), name)
			}
		})
	}
}

// TestDirIsWholeOrNothing: a folder is replaced whole (no stale file of an
// older report stays), an aborted one leaves the older folder as it was, a
// folder runsim did not write is never replaced, and AbortAll removes what
// is being written.
func TestDirIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "report")
	write := func(files ...string) error {
		d, err := CreateDir(dest)
		if err != nil {
			return err
		}
		defer d.Abort()
		for _, f := range files {
			if err := d.Write(f, []byte(f)); err != nil {
				return err
			}
		}
		return d.Commit()
	}
	names := func(p string) []string {
		entries, err := os.ReadDir(p)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	require.NoError(t, write("old.csv", "report.html"))
	require.NoError(t, write("report.html"))
	assert.Equal(t, []string{Marker, "report.html"}, names(dest), "the stale old.csv is gone")

	d, err := CreateDir(dest)
	require.NoError(t, err)
	require.NoError(t, d.Write("half.csv", nil))
	d.Abort()
	assert.Equal(t, []string{Marker, "report.html"}, names(dest), "an aborted folder leaves the older one")
	assert.Equal(t, []string{"report"}, names(dir), "no temporary folder left behind")

	mine := filepath.Join(dir, "mine")
	require.NoError(t, os.Mkdir(mine, 0o777))
	require.NoError(t, os.WriteFile(filepath.Join(mine, "notes.txt"), nil, 0o666))
	_, err = CreateDir(mine)
	require.ErrorContains(t, err, "holds files runsim did not write")

	f, err := Create(filepath.Join(dir, "trace.csv"))
	require.NoError(t, err)
	d, err = CreateDir(filepath.Join(dir, "other"))
	require.NoError(t, err)
	AbortAll()
	assert.NoFileExists(t, f.Name())
	assert.NoDirExists(t, d.Path)
	assert.Equal(t, []string{"mine", "report"}, names(dir))
}

func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "atomicfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "summary.json")
	if err := Write(path, []byte("{}\n")); err != nil {
		panic(err)
	}
	data, _ := os.ReadFile(path)
	os.Stdout.Write(data)
	// Output: {}
}
