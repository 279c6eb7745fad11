// Package suggest finds the names nearest to a name that was not found, for
// "did you mean" hints: a command, a flag, a scenario of the library, a
// metric, a policy variant.
//
// Nearness is the optimal string alignment distance (insertions,
// deletions, substitutions and transpositions of neighbours each cost 1),
// ignoring case, and a name is near when the distance is at most a third
// of its length (at least 1, at most 3). Of several as near, the one the
// name is a shortening of is preferred ("sed": "seed" rather than "set").
// A name that is the start of
// exactly one known name is near it too ("thrott" → "throttled"). The
// functions are pure and safe for concurrent use.
package suggest

import "strings"

// Nearest returns the known names nearest to name, in the order of known:
// every one at the smallest distance, or the single name it begins, or nil
// when none is near enough. An exact match is not a suggestion: it returns
// nil.
func Nearest(name string, known []string) []string {
	if name == "" {
		return nil
	}
	lower := strings.ToLower(name)
	limit := min(max(1, len([]rune(name))/3), 3)
	best := limit + 1
	var out []string
	for _, k := range known {
		if k == name {
			return nil
		}
		d := distance(lower, strings.ToLower(k))
		switch {
		case d < best:
			best, out = d, []string{k}
		case d == best && !contains(out, k):
			out = append(out, k)
		}
	}
	if len(out) > 1 {
		// Of names as near, prefer the one the name is a shortening of:
		// a letter left out is the commonest slip ("sed": "seed", not "set").
		var omitted []string
		for _, k := range out {
			if subsequence(lower, strings.ToLower(k)) {
				omitted = append(omitted, k)
			}
		}
		if len(omitted) == 1 {
			return omitted
		}
	}
	if out != nil {
		return out
	}
	var prefixed []string
	for _, k := range known {
		if len(name) >= 2 && strings.HasPrefix(strings.ToLower(k), lower) && !contains(prefixed, k) {
			prefixed = append(prefixed, k)
		}
	}
	if len(prefixed) == 1 {
		return prefixed
	}
	return nil
}

// DidYouMean returns "did you mean X?" (or "X or Y?" when several are
// as near) with each suggestion written by quote, or "" when Nearest has
// none. quote nil writes names in double quotes.
func DidYouMean(name string, known []string, quote func(string) string) string {
	return Phrase(Nearest(name, known), quote)
}

// Phrase writes suggestions as DidYouMean does: "did you mean X?", "did
// you mean X or Y?", or "" for none.
func Phrase(near []string, quote func(string) string) string {
	if len(near) == 0 {
		return ""
	}
	if quote == nil {
		quote = func(s string) string { return `"` + s + `"` }
	}
	q := make([]string, len(near))
	for i, n := range near {
		q[i] = quote(n)
	}
	return "did you mean " + OrList(q) + "?"
}

// OrList writes "a", "a or b", "a, b or c"; "" for none.
func OrList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// subsequence reports whether a is b with letters left out.
func subsequence(a, b string) bool {
	r := []rune(a)
	for _, c := range b {
		if len(r) > 0 && r[0] == c {
			r = r[1:]
		}
	}
	return len(r) == 0
}

// distance is the optimal string alignment distance between a and b.
func distance(a, b string) int {
	r, s := []rune(a), []rune(b)
	// three rows: i-2, i-1, i
	prev2 := make([]int, len(s)+1)
	prev := make([]int, len(s)+1)
	cur := make([]int, len(s)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(r); i++ {
		cur[0] = i
		for j := 1; j <= len(s); j++ {
			cost := 1
			if r[i-1] == s[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && r[i-1] == s[j-2] && r[i-2] == s[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(s)]
}
