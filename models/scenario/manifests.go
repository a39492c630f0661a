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

// IsScenario reports whether data is a scenario file (its first document that is not empty is
// of kind Scenario) rather than plain Kubernetes manifests.
func IsScenario(data []byte) bool {
	var head struct {
		Kind string `json:"kind"`
	}
	docs := documents(data)
	return len(docs) > 0 && docs[0].Decode(&head) == nil && head.Kind == Kind
}

// ParseManifests reads plain Kubernetes manifests (YAML documents separated by ---, as kubectl
// apply takes them, or a List of them, as kubectl get -o yaml prints) as the initial cluster of
// a scenario named name, with default settings. Node objects, if any, are the scenario's nodes. Fields and kinds the model does not use are
// returned as warnings ("line 12: Deployment/web.spec.progressDeadlineSeconds: not modelled,
// ignored"), never silently dropped; wrong values of the fields it uses are errors.
func ParseManifests(data []byte, name string) (*Scenario, []string, error) {
	s := &Scenario{Name: name, Description: "Kubernetes manifests from " + name, Settings: DefaultSettings()}
	var errs, warns []string
	// add decodes one manifest (a document, or an item of a List) whose line numbers are doc's.
	var add func(n *yaml3.Node, root string)
	add = func(n *yaml3.Node, root string) {
		text, err := yaml3.Marshal(n)
		if err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %s: %v", n.Line, root, err))
			return
		}
		var v any
		if err := yaml.Unmarshal(text, &v); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %s: %v", n.Line, root, err))
			return
		}
		m, _ := v.(map[string]any)
		kind, _ := m["kind"].(string)
		meta, _ := m["metadata"].(map[string]any)
		objName, _ := meta["name"].(string)
		if kind != "" && objName != "" {
			root = kind + "/" + objName
		}
		if kind == "List" {
			for i, item := range listItems(n) {
				add(item, fmt.Sprintf("%s.items[%d]", root, i))
			}
			return
		}
		doc := &yaml3.Node{Kind: yaml3.DocumentNode, Content: []*yaml3.Node{n}}
		at := lines(doc)
		if _, ok := apiVersions[kind]; !ok {
			hint := ""
			switch {
			case kind == Kind:
				hint = " (a Scenario must be its file's one document)"
			case strings.Contains(strings.ToLower(kind), "scenario"):
				hint = fmt.Sprintf(" (a scenario file's kind is %s)", Kind)
			}
			warns = append(warns, fmt.Sprintf("line %d: %s: kind %q is not modelled, skipped%s", n.Line, root, kind, hint))
			return
		}
		d := &decoder{lenient: true}
		obj := decodeObject(node{d: d, path: root, v: v})
		errs = append(errs, withLines(d.errs, at, root+".")...)
		warns = append(warns, withLines(d.warns, at, root+".")...)
		if obj == nil {
			return
		}
		if nd, ok := obj.(*cluster.Node); ok {
			s.Nodes = append(s.Nodes, nd)
		} else {
			s.Objects = append(s.Objects, obj)
		}
	}
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
		if emptyDocument(&n) {
			continue
		}
		add(n.Content[0], fmt.Sprintf("document %d", doc))
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

// listItems returns the items of a List manifest (a mapping node).
func listItems(n *yaml3.Node) []*yaml3.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "items" && n.Content[i+1].Kind == yaml3.SequenceNode {
			return n.Content[i+1].Content
		}
	}
	return nil
}
