package cluster

import (
	"reflect"
	"testing"
)

// TestEqualContent: objects are equal in content whatever values are derived from them; one
// field of any part (metadata, spec, status) or the kind tells them apart; nothing is written.
func TestEqualContent(t *testing.T) {
	pod := func() *Pod {
		return &Pod{ObjectMeta: ObjectMeta{Name: "web-0", UID: 3, Labels: Labels{{Key: "app", Value: "web"}}, ResourceVersion: 4},
			Spec: PodSpec{NodeName: "a", Image: "web:1"}, Status: PodStatus{Phase: PodRunning}}
	}
	a, b := pod(), pod()
	type derived struct{ n int }
	ObjectMemo(&a.ObjectMeta, func() *derived { return &derived{1} })
	before := *a
	if !EqualContent(a, b) || !EqualContent(b, a) {
		t.Fatal("equal pods, one with a derived value, differ")
	}
	if before.memo != a.memo || before.memoOK != a.memoOK {
		t.Fatal("EqualContent wrote to an object")
	}
	for name, change := range map[string]func(*Pod){
		"a label":          func(p *Pod) { p.Labels = Labels{{Key: "app", Value: "db"}} },
		"resourceVersion":  func(p *Pod) { p.ResourceVersion = 5 },
		"the spec's image": func(p *Pod) { p.Spec.Image = "web:2" },
		"the status":       func(p *Pod) { p.Status.Reason = "OutOfcpu" },
		"a finalizer":      func(p *Pod) { p.Finalizers = []string{"f"} },
	} {
		c := pod()
		change(c)
		if EqualContent(a, c) {
			t.Errorf("pods that differ in %s are equal", name)
		}
	}
	if EqualContent(a, &Node{ObjectMeta: a.ObjectMeta}) {
		t.Error("a pod and a node are equal")
	}
	// Every object kind compares with itself, and ObjectMeta's unexported fields are the
	// derived values EqualContent leaves out (it would panic on another).
	for _, o := range []Object{&Node{}, &Pod{}, &ReplicaSet{}, &Deployment{}, &StatefulSet{}, &ControllerRevision{}, &PersistentVolumeClaim{}, &Job{}} {
		if !EqualContent(o, o) {
			t.Errorf("%T differs from itself", o)
		}
	}
	mt := reflect.TypeFor[ObjectMeta]()
	for i := range mt.NumField() {
		if f := mt.Field(i); !f.IsExported() && !derivedField(f.Name) {
			t.Errorf("ObjectMeta.%s is neither exported nor a derived value", f.Name)
		}
	}
}
