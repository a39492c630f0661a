package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/themelios/themelios/models/cluster"
)

// lineOf is the line a "line N: ..." message names (0 if none).
func lineOf(msg string) int {
	var n int
	fmt.Sscanf(msg, "line %d:", &n)
	return n
}

// IsScenario reports whether data is a scenario file (its first document is of kind
// Scenario) rather than plain Kubernetes manifests.
func IsScenario(data []byte) bool {
	var head struct {
		Kind string `json:"kind"`
	}
	dec := yaml3.NewDecoder(bytes.NewReader(data))
	return dec.Decode(&head) == nil && head.Kind == Kind
}

// ParseManifests reads plain Kubernetes manifests (YAML documents separated by ---, as kubectl
// apply takes them) as the initial cluster of a scenario named name, with default settings.
// Node objects, if any, are the scenario's nodes. Fields and kinds the model does not use are
// returned as warnings ("line 12: Deployment/web.spec.progressDeadlineSeconds: not modelled,
// ignored"), never silently dropped; wrong values of the fields it uses are errors.
func ParseManifests(data []byte, name string) (*Scenario, []string, error) {
	s := &Scenario{Name: name, Description: "Kubernetes manifests from " + name, Settings: DefaultSettings()}
	var errs, warns []string
	dec := yaml3.NewDecoder(bytes.NewReader(data))
	for doc := 1; ; doc++ {
		var n yaml3.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("document %d is not YAML: %v", doc, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind == yaml3.ScalarNode && n.Content[0].Tag == "!!null" {
			continue // an empty document
		}
		text, err := yaml3.Marshal(&n)
		if err != nil {
			return nil, nil, fmt.Errorf("document %d: %v", doc, err)
		}
		var v any
		if err := yaml.Unmarshal(text, &v); err != nil {
			return nil, nil, fmt.Errorf("document %d: %v", doc, err)
		}
		m, _ := v.(map[string]any)
		kind, _ := m["kind"].(string)
		meta, _ := m["metadata"].(map[string]any)
		objName, _ := meta["name"].(string)
		root := fmt.Sprintf("document %d", doc)
		if kind != "" && objName != "" {
			root = kind + "/" + objName
		}
		at := lines(&n)
		if _, ok := apiVersions[kind]; !ok {
			warns = append(warns, fmt.Sprintf("line %d: %s: kind %q is not modelled, skipped", n.Content[0].Line, root, kind))
			continue
		}
		d := &decoder{lenient: true}
		obj := decodeObject(node{d: d, path: root, v: v})
		errs = append(errs, withLines(d.errs, at, root+".")...)
		warns = append(warns, withLines(d.warns, at, root+".")...)
		if obj == nil {
			continue
		}
		if nd, ok := obj.(*cluster.Node); ok {
			s.Nodes = append(s.Nodes, nd)
		} else {
			s.Objects = append(s.Objects, obj)
		}
	}
	sort.SliceStable(warns, func(i, j int) bool { return lineOf(warns[i]) < lineOf(warns[j]) })
	if len(errs) > 0 {
		return nil, warns, errors.New(strings.Join(errs, "\n"))
	}
	if len(s.Objects)+len(s.Nodes) == 0 {
		return nil, warns, errors.New("no object the model uses (Node, Pod, PersistentVolumeClaim, ReplicaSet, Deployment, StatefulSet, Job)")
	}
	if len(s.Nodes) > 0 {
		s.Settings.Nodes = len(s.Nodes)
	}
	if _, err := s.Config(s.Settings); err != nil {
		return nil, warns, err
	}
	return s, warns, nil
}
