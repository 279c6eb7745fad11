package fit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"runsim/scenario"
)

// WriteScenario returns the scenario src (YAML; nil: the documented
// defaults) with a reading's values set, and the settings fit took as
// given (Result.Settings), checked by loading it back. name is used in
// errors.
func WriteScenario(name string, src []byte, r Reading, settings []string) ([]byte, error) {
	if src == nil {
		src = []byte(defaultBase)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("fit: %s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("fit: %s: not a scenario mapping", name)
	}
	root := doc.Content[0]
	for _, o := range append(slicesClone(settings), r.Overrides()...) {
		path, value, ok := strings.Cut(o, "=")
		if !ok {
			return nil, fmt.Errorf("fit: bad setting %q", o)
		}
		var val yaml.Node
		if err := yaml.Unmarshal([]byte(value), &val); err != nil || len(val.Content) != 1 {
			return nil, fmt.Errorf("fit: bad value in %q", o)
		}
		if err := set(root, strings.Split(path, "."), val.Content[0]); err != nil {
			return nil, fmt.Errorf("fit: %s: %w", path, err)
		}
	}
	var b bytes.Buffer
	b.WriteString("# A reading consistent with what the service answered, found by runsim fit.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if _, err := scenario.Parse(name, b.Bytes()); err != nil {
		return nil, fmt.Errorf("fit: the written scenario does not load: %w", err)
	}
	return b.Bytes(), nil
}

// set puts val at path below the mapping n, making mappings on the way
// (a flow mapping is written as a block one once changed).
func set(n *yaml.Node, path []string, val *yaml.Node) error {
	for i, part := range path {
		if n.Kind != yaml.MappingNode {
			return errors.New(strings.Join(path[:i], ".") + " is not a mapping")
		}
		n.Style = 0
		j := 0
		for j < len(n.Content) && n.Content[j].Value != part {
			j += 2
		}
		if j >= len(n.Content) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part}, &yaml.Node{Kind: yaml.MappingNode})
		}
		if i == len(path)-1 {
			n.Content[j+1] = val
			return nil
		}
		n = n.Content[j+1]
	}
	return nil
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
