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
	// Every exported field of ObjectMeta is compared: each is changed in turn (a nil list
	// to an empty one too, which reflect.DeepEqual tells apart), and the others are derived.
	mt := reflect.TypeFor[ObjectMeta]()
	for i := range mt.NumField() {
		f := mt.Field(i)
		if !f.IsExported() {
			if !derivedField(f.Name) {
				t.Errorf("ObjectMeta.%s is neither exported nor a derived value", f.Name)
			}
			continue
		}
		changes := map[string]func(v reflect.Value){}
		switch f.Type.Kind() {
		case reflect.String:
			changes["to another string"] = func(v reflect.Value) { v.SetString(v.String() + "x") }
		case reflect.Int64, reflect.Uint64:
			changes["to another number"] = func(v reflect.Value) {
				if v.CanInt() {
					v.SetInt(v.Int() + 1)
				} else {
					v.SetUint(v.Uint() + 1)
				}
			}
		case reflect.Slice:
			changes["to one more element"] = func(v reflect.Value) { v.Set(reflect.Append(v, reflect.New(f.Type.Elem()).Elem())) }
			changes["from nil to empty"] = func(v reflect.Value) { v.Set(reflect.MakeSlice(f.Type, 0, 0)) }
		default:
			t.Errorf("ObjectMeta.%s: a field of kind %s that this test cannot change", f.Name, f.Type.Kind())
		}
		for how, change := range changes {
			b, c := pod(), pod()
			if f.Type.Kind() == reflect.Slice {
				reflect.ValueOf(&b.ObjectMeta).Elem().Field(i).SetZero()
				reflect.ValueOf(&c.ObjectMeta).Elem().Field(i).SetZero()
			}
			change(reflect.ValueOf(&c.ObjectMeta).Elem().Field(i))
			if EqualContent(b, c) || EqualContent(c, b) {
				t.Errorf("pods whose ObjectMeta.%s differs (%s) are equal", f.Name, how)
			}
		}
	}
}

// derivedField says whether ObjectMeta's field name holds derived values (ObjectMemo), which
// EqualContent leaves out.
func derivedField(name string) bool { return name == "memo" || name == "memoOK" }
