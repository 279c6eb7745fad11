package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const boundedBase = "name: b\nstart: 2025-01-06T00:00:00Z\nhorizon: 2d\n"

// TestFilesAreBounded: scenario, replay and sample files are read only
// from regular files inside the scenario's folder, up to a size cap, and an
// error never quotes a file that is not in the expected format.
func TestFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(d, name, text string) string {
		p := filepath.Join(d, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	secret := write(outside, "secret.csv", "root:$6$hash:19000:0:99999:7:::\n")
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.csv")))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.csv")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644))
	write(dir, "big.csv", "time\n"+strings.Repeat("2025-01-06T01:00:00Z\n", 1000))
	write(dir, "notalog.csv", "root:$6$hash:19000:0:99999:7:::\n")

	n := 0
	replay := func(file string) string { // a scenario of its own for each case
		n++
		return write(dir, "s"+strings.Repeat("x", n)+".yaml", boundedBase+"clients: [{name: c, arrivals: {replay: {file: "+file+"}}}]\n")
	}
	tests := []struct {
		name, path string
		opts       LoadOptions
		want       string
	}{
		{"scenario is /dev/zero through a symlink", filepath.Join(dir, "zero.yaml"), LoadOptions{}, "zero.yaml: not a regular file (a device)"},
		{"scenario is a FIFO", filepath.Join(dir, "fifo.yaml"), LoadOptions{}, "fifo.yaml: not a regular file (a named pipe)"},
		{"replay of /dev/zero through a symlink", replay("zero.csv"), LoadOptions{}, "zero.csv: leads outside " + dir},
		{"replay outside the folder, absolute", replay(secret), LoadOptions{}, "outside " + dir},
		{"replay outside the folder, relative", replay("../" + filepath.Base(outside) + "/secret.csv"), LoadOptions{}, "outside " + dir},
		{"replay through a symlink that leaves the folder", replay("link.csv"), LoadOptions{}, "link.csv: leads outside " + dir},
		{"replay over the size cap", replay("big.csv"), LoadOptions{MaxFileBytes: 1000}, "over the limit of 1000 (raise it with --max-file-size)"},
		{"a file that is not a log is not quoted", replay("notalog.csv"), LoadOptions{}, "no time column in the header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWith(tc.path, tc.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "root:", "an error never quotes the file")
		})
	}

	t.Run("a wider folder allowed by the user", func(t *testing.T) {
		write(outside, "log.csv", "time\n2025-01-06T01:00:00Z\n")
		s, err := LoadWith(replay(filepath.Join(outside, "log.csv")), LoadOptions{AllowFiles: filepath.Dir(outside)})
		if filepath.Dir(outside) != filepath.Dir(dir) {
			t.Fatalf("temporary folders in different places: %s, %s", outside, dir)
		}
		require.NoError(t, err)
		assert.Len(t, s.File.Clients, 1)
	})
}

// TestManySettingsRefusedQuickly: a variant that sets more fields than the
// bound is refused at its position, before any of them is applied (200 000
// keys took minutes: each was applied by a linear search of the document).
func TestManySettingsRefusedQuickly(t *testing.T) {
	var b strings.Builder
	b.WriteString(boundedBase + "variants:\n  - name: v\n    set:\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "      k%d: %d\n", i, i)
	}
	_, err := Parse("many.yaml", []byte(b.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "many.yaml:7:")
	assert.Contains(t, err.Error(), "200000 fields set; a variant sets at most 1000")
}
