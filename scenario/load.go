package scenario

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

// Scenario is a loaded, valid scenario file.
type Scenario struct {
	Path string // the file it came from
	File File

	root  *node      // the document with its overrides, for deriving variants
	files fileSource // where the files it names are read from
}

// Parse validates a scenario given as bytes; name is used in errors, and
// files the scenario names are read relative to name's folder.
func Parse(name string, data []byte, overrides ...string) (*Scenario, error) {
	return parse(name, data, fileSource{dir: filepath.Dir(name)}, overrides)
}

func parse(name string, data []byte, files fileSource, overrides []string) (*Scenario, error) {
	root, err := parseYAML(data)
	if se, ok := err.(*syntaxError); ok {
		return nil, &Error{File: name, Line: se.line, Col: se.col, Msg: se.msg}
	}
	if root == nil {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: "the file is empty"}
	}
	d := &decoder{file: name, files: files}
	if root.kind != mappingNode {
		return nil, d.errorf(root, "", "a scenario must be a mapping of fields (name, start, horizon, service, clients, ...)")
	}
	for _, o := range overrides {
		if err := d.override(root, o); err != nil {
			return nil, err
		}
	}
	s, err := d.scenario(name, root)
	if err != nil {
		return nil, err
	}
	if err := s.checkVariants(); err != nil {
		return nil, err
	}
	return s, nil
}

func (d *decoder) scenario(name string, root *node) (*Scenario, error) {
	f := Default()
	if err := d.decode(clone(root), reflect.ValueOf(&f).Elem(), ""); err != nil {
		return nil, err
	}
	if f.Name == "" {
		f.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	s := &Scenario{Path: name, File: f, root: root, files: d.files}
	if err := d.builds(s, root); err != nil {
		return nil, err
	}
	return s, nil
}

// builds checks that a decoded scenario builds what runsim run builds: the
// engine configuration, its throttle, and the engine's own check of them.
// The same code as a run, so that a scenario valid to runsim validate is
// one runsim run can start. Every check of the tables comes first and is
// placed at its value; a refusal here, past all of them, is placed at the
// service section (or the start of the file).
func (d *decoder) builds(s *Scenario, root *node) error {
	cfg, err := s.config()
	if err == nil && cfg.NewThrottle != nil {
		_, err = cfg.NewThrottle()
	}
	if err == nil {
		err = cfg.Validate()
	}
	if err == nil {
		return nil
	}
	msg := err.Error()
	if fe, ok := err.(*fieldError); ok {
		msg = fe.msg
	}
	for _, prefix := range []string{"sim: ", "policy: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	at := lookup(root, "service")
	if at == nil || (at.line == 0 && at.origin == "") {
		at = root
	}
	return d.errorf(at, "", "the engine cannot be built: %s", msg)
}

// checkVariants loads each variant of a freshly parsed scenario, so that a
// bad one is refused with the file.
func (s *Scenario) checkVariants() error {
	seen := map[string]bool{}
	for i, v := range s.File.Variants {
		if seen[v.Name] {
			field := fmt.Sprintf("variants.%d.name", i)
			d := &decoder{file: s.Path}
			return d.errorf(lookup(s.root, field), field, "two variants are named %q", v.Name)
		}
		seen[v.Name] = true
		if _, err := s.WithVariant(v.Name); err != nil {
			return err
		}
	}
	return nil
}

// clone copies a node tree, keeping shared nodes (aliases) shared.
func clone(n *node) *node {
	seen := map[*node]*node{}
	var c func(*node) *node
	c = func(n *node) *node {
		if out, ok := seen[n]; ok {
			return out
		}
		out := *n
		seen[n] = &out
		out.content = make([]*node, len(n.content))
		for i, k := range n.content {
			out.content[i] = c(k)
		}
		return &out
	}
	return c(n)
}

// With returns the scenario with more overrides ("path=value", as Load
// takes them), checked as strictly.
func (s *Scenario) With(overrides ...string) (*Scenario, error) {
	if s.root == nil {
		return nil, fmt.Errorf("scenarios: %s was not loaded from YAML", s.Path)
	}
	d := &decoder{file: s.Path, files: s.files}
	root := clone(s.root)
	for _, o := range overrides {
		if err := d.override(root, o); err != nil {
			return nil, err
		}
	}
	return d.scenario(s.Path, root)
}

// WithVariant returns the scenario as its variants: section names it.
func (s *Scenario) WithVariant(name string) (*Scenario, error) {
	for _, v := range s.File.Variants {
		if v.Name != name {
			continue
		}
		d := &decoder{file: s.Path, files: s.files}
		root := clone(s.root)
		for _, path := range v.Set.paths {
			if err := d.setNode(root, path, clone(v.Set.values[path]), "variant "+name+": "+path); err != nil {
				return nil, err
			}
		}
		return d.scenario(s.Path, root)
	}
	return nil, fmt.Errorf("scenarios: %s has no variant %q", s.Path, name)
}

// override sets the node at a dotted path to a YAML value, creating
// mappings on the way.
func (d *decoder) override(root *node, arg string) error {
	label := "--set " + arg
	path, value, ok := strings.Cut(arg, "=")
	if !ok || path == "" {
		return &Error{File: d.file, Set: label, Msg: "want path=value, e.g. service.throttle.limit=6"}
	}
	val, err := parseYAML([]byte(value))
	if err != nil {
		return &Error{File: d.file, Set: label, Msg: "bad value: " + err.Error()}
	}
	if val == nil {
		val = &node{kind: scalarNode, tag: "!!null"}
	}
	var mark func(n *node)
	mark = func(n *node) {
		n.origin = label
		for _, c := range n.content {
			mark(c)
		}
	}
	mark(val)
	return d.setNode(root, path, val, label)
}

// setNode puts val at a dotted path, creating mappings on the way; errors
// and the nodes it creates are labelled with label.
func (d *decoder) setNode(root *node, path string, val *node, label string) error {
	parts := strings.Split(path, ".")
	n := root
	for i, part := range parts {
		last := i == len(parts)-1
		switch n.kind {
		case mappingNode:
			j := 0
			for j < len(n.content) && n.content[j].value != part {
				j += 2
			}
			if j >= len(n.content) {
				key := &node{kind: scalarNode, tag: "!!str", value: part}
				child := &node{kind: mappingNode}
				key.origin, child.origin = label, label
				n.content = append(n.content, key, child)
			}
			if last {
				n.content[j+1] = val
				return nil
			}
			n = n.content[j+1]
		case sequenceNode:
			idx := -1
			if k, err := strconv.Atoi(part); err == nil {
				idx = k
			} else {
				for k, item := range n.content {
					if name := lookup(item, "name"); name != item && name.value == part {
						idx = k
					}
				}
			}
			if idx < 0 || idx >= len(n.content) {
				return &Error{File: d.file, Set: label, Msg: fmt.Sprintf("%s: no item %q in the list (give an index from 0 to %d, or a name)",
					strings.Join(parts[:i], "."), part, len(n.content)-1)}
			}
			if last {
				n.content[idx] = val
				return nil
			}
			n = n.content[idx]
		default:
			return &Error{File: d.file, Set: label, Msg: fmt.Sprintf("%s is a single value, it has no field %q", strings.Join(parts[:i], "."), part)}
		}
	}
	return nil
}
