package scenario

import (
	"bytes"

	"go.yaml.in/yaml/v4"
)

// EffectiveYAML is the scenario as it runs: the document with its
// overrides (--set, --seed) applied, as YAML. A value an override set
// carries a comment naming it ("# --set seed=7"). Comments of the file as
// written are not kept.
func (s *Scenario) EffectiveYAML() ([]byte, error) {
	if s.root == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(toYAML(s.root)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// toYAML converts a node tree back to yaml.Node; a mapping's value whose
// origin differs from the mapping's is commented with it, on its key.
func toYAML(n *node) *yaml.Node {
	out := &yaml.Node{Value: n.value}
	switch n.kind {
	case mappingNode:
		out.Kind, out.Tag = yaml.MappingNode, "!!map"
	case sequenceNode:
		out.Kind, out.Tag = yaml.SequenceNode, "!!seq"
	default:
		out.Kind, out.Tag = yaml.ScalarNode, n.tag
	}
	for i, c := range n.content {
		if n.kind == mappingNode && i%2 == 1 && c.origin != "" && c.origin != n.origin {
			// On the key, where YAML shows it whatever the value.
			out.Content[i-1].LineComment = c.origin
		}
		out.Content = append(out.Content, toYAML(c))
	}
	return out
}
