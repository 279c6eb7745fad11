package experiment

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRendersNothing: experiment and check measure and decide; they link
// neither package reports nor gonum/plot.
func TestRendersNothing(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "runsim/experiment", "runsim/check").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	assert.Contains(t, deps, "runsim/metrics")
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "gonum.org/v1/plot"), "links %s", d)
		assert.NotEqual(t, "runsim/reports", d)
	}
}
