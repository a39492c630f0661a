package apply

import (
	"context"
	"os"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/themelios/themelios/models/scenario"
)

// Every built-in scenario has objects to apply, each with apiVersion, kind and name.
func TestBuiltinScenarios(t *testing.T) {
	for _, b := range scenario.Builtins() {
		data, err := Source(b.Name, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := Objects(data)
		if err != nil {
			t.Errorf("%s: %v", b.Name, err)
			continue
		}
		if len(objs) == 0 || objs[0].GetKind() == "" {
			t.Errorf("%s: objects %v", b.Name, objs)
		}
	}
	objs, _ := Objects(mustSource(t, "deployment/rolling-update"))
	if len(objs) != 1 || objs[0].GetKind() != "Deployment" || objs[0].GetName() != "web" {
		t.Errorf("deployment/rolling-update applies %v", objs)
	}
}

func mustSource(t *testing.T, target string) []byte {
	t.Helper()
	data, err := Source(target, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A file of manifests gives its documents in order, empty ones skipped; a document without
// what an object needs is an error naming it.
func TestManifests(t *testing.T) {
	objs, err := Objects([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n# empty\n---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: b}\n"))
	if err != nil || len(objs) != 2 || objs[0].GetName() != "a" || objs[1].GetKind() != "ReplicaSet" {
		t.Fatalf("objects %v, %v", objs, err)
	}
	for doc, want := range map[string]string{
		"kind: Pod\nmetadata: {name: a}\n":                 "document 1 has no apiVersion",
		"apiVersion: v1\nmetadata: {name: a}\n":            "document 1 has no kind",
		"apiVersion: v1\nkind: Pod\n":                      "document 1 (Pod) has no metadata.name",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: [}\n": "document 1",
		"# nothing\n": "no objects to apply",
		"kind: Scenario\nspec:\n  objects:\n  - 3\n":           "scenario object 1 is not a mapping",
		"kind: Scenario\nspec:\n  objects:\n  - {kind: Pod}\n": "scenario object 1 has no apiVersion",
	} {
		if _, err := Objects([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", doc, err, want)
		}
	}
	if _, err := Source("no/such", os.ReadFile); err == nil || !strings.Contains(err.Error(), "neither a built-in scenario") {
		t.Errorf("an unknown target: %v", err)
	}
}

// Apply sends each object as a server-side apply patch, in the namespace given (nodes stay
// cluster-wide), with the field manager themelios, forced.
func TestApply(t *testing.T) {
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}, meta.RESTScopeNamespace)
	mapper.Add(schema.GroupVersionKind{Version: "v1", Kind: "Node"}, meta.RESTScopeRoot)
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		{Group: "apps", Version: "v1", Resource: "replicasets"}: "ReplicaSetList", {Version: "v1", Resource: "nodes"}: "NodeList"})
	var patches []k8stesting.PatchAction
	dyn.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		patches = append(patches, a.(k8stesting.PatchAction))
		return true, &unstructured.Unstructured{Object: map[string]any{}}, nil
	})
	objs, err := Objects([]byte("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := Apply(context.Background(), dyn, mapper, "demo", objs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lines, "; ") != "replicaset.apps/web applied; node/n1 applied" {
		t.Errorf("lines %q", lines)
	}
	if len(patches) != 2 || patches[0].GetNamespace() != "demo" || patches[1].GetNamespace() != "" || string(patches[0].GetPatchType()) != "application/apply-patch+yaml" {
		t.Fatalf("patches %+v", patches)
	}
	if !strings.Contains(string(patches[0].GetPatch()), `"namespace":"demo"`) {
		t.Errorf("patch %s", patches[0].GetPatch())
	}
	unknown, _ := Objects([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"))
	if _, err := Apply(context.Background(), dyn, mapper, "demo", unknown); err == nil || !strings.Contains(err.Error(), "Widget w") {
		t.Errorf("an unknown kind: %v", err)
	}
}
