// Package enum names the small enums of runsim's packages (policy, sim)
// through their name tables, both ways: a value to its name, a name back
// to its value.
package enum

import (
	"fmt"
	"slices"
)

// Name is the name of v in names, or "typ(v)" for a value past the table.
func Name[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

// Parse is the value named s in names; false for a name not in it.
func Parse[T ~uint8](names []string, s string) (T, bool) {
	i := slices.Index(names, s)
	if i < 0 {
		return 0, false
	}
	return T(i), true
}
