// Package apply puts a scenario's objects (or a file of manifests) on a real cluster, so that
// a built-in scenario can be run for real: each object is applied server-side, as kubectl
// apply --server-side does, under the field manager "themelios".
package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"

	"github.com/themelios/themelios/models/scenario"
)

// FieldManager is the field manager of the applied objects.
const FieldManager = "themelios"

// Source returns the file a target names: a built-in scenario's ("replicaset/spec-replicas-change")
// or, failing that, the file at that path, read with read.
func Source(target string, read func(string) ([]byte, error)) ([]byte, error) {
	for _, b := range scenario.Builtins() {
		if b.Name == target {
			return b.Source, nil
		}
	}
	data, err := read(target)
	if err != nil {
		return nil, fmt.Errorf("%s is neither a built-in scenario (see themelios list) nor a file: %v", target, err)
	}
	return data, nil
}

// Objects reads the objects to apply from data: a scenario's spec.objects, or the documents of
// a file of manifests (YAML or JSON, separated by ---), in order. Empty documents are skipped;
// a document without apiVersion, kind or metadata.name is an error that says which.
func Objects(data []byte) ([]*unstructured.Unstructured, error) {
	var docs []map[string]any
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", len(docs)+1, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	var out []*unstructured.Unstructured
	for i, doc := range docs {
		if doc["kind"] == "Scenario" {
			spec, _ := doc["spec"].(map[string]any)
			objs, _ := spec["objects"].([]any)
			for j, o := range objs {
				m, ok := o.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("scenario object %d is not a mapping", j+1)
				}
				u, err := object(m, fmt.Sprintf("scenario object %d", j+1))
				if err != nil {
					return nil, err
				}
				out = append(out, u)
			}
			continue
		}
		u, err := object(doc, fmt.Sprintf("document %d", i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no objects to apply")
	}
	return out, nil
}

func object(m map[string]any, where string) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{Object: m}
	switch {
	case u.GetAPIVersion() == "":
		return nil, fmt.Errorf("%s has no apiVersion", where)
	case u.GetKind() == "":
		return nil, fmt.Errorf("%s has no kind", where)
	case u.GetName() == "":
		return nil, fmt.Errorf("%s (%s) has no metadata.name", where, u.GetKind())
	}
	return u, nil
}

// Apply applies each object, in order, in namespace ns (for namespaced kinds; an object's own
// namespace wins), resolving kinds with mapper. It returns a line per object applied
// ("replicaset.apps/web applied") and stops at the first error.
func Apply(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, ns string, objs []*unstructured.Unstructured) ([]string, error) {
	var lines []string
	for _, u := range objs {
		gvk := u.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return lines, fmt.Errorf("%s %s: %v", u.GetKind(), u.GetName(), err)
		}
		var res dynamic.ResourceInterface = dyn.Resource(mapping.Resource)
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			if u.GetNamespace() == "" {
				u.SetNamespace(ns)
			}
			res = dyn.Resource(mapping.Resource).Namespace(u.GetNamespace())
		}
		body, err := u.MarshalJSON()
		if err != nil {
			return lines, err
		}
		if _, err := res.Patch(ctx, u.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: FieldManager, Force: new(true)}); err != nil {
			return lines, fmt.Errorf("%s %s: %v", u.GetKind(), u.GetName(), err)
		}
		name := strings.ToLower(gvk.Kind)
		if g := gvk.Group; g != "" {
			name += "." + g
		}
		lines = append(lines, name+"/"+u.GetName()+" applied")
	}
	return lines, nil
}
