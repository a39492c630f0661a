package cluster

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestStatusDiffers checks StatusDiffers against reflect.DeepEqual on every kind: random
// statuses drawn from a few values each (so that pairs are often equal), lists nil, empty or
// not. It must never report a difference DeepEqual does not see (the API server would then
// store a write that changes nothing), and must report every difference but a nil list
// against an empty one.
func TestStatusDiffers(t *testing.T) {
	objs := []Object{&Node{}, &Pod{}, &ReplicaSet{}, &Deployment{}, &StatefulSet{}, &ControllerRevision{}, &PersistentVolumeClaim{}, &Job{}}
	kinds := map[Kind]bool{}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, o := range objs {
		kinds[o.Kind()] = true
		differs, same := 0, 0
		for trial := 0; trial < 3000; trial++ {
			a, b := o.DeepCopy(), o.DeepCopy()
			sa, sb := status(a), status(b)
			randomize(rng, sa)
			if rng.IntN(3) == 0 {
				sb.Set(sa) // often equal
				switch {
				case rng.IntN(2) == 0:
				case sb.Kind() != reflect.Struct:
					randomize(rng, sb)
				case sb.NumField() > 0:
					randomize(rng, sb.Field(rng.IntN(sb.NumField()))) // one field redrawn
				}
			} else {
				randomize(rng, sb)
			}
			got, deep := a.StatusDiffers(b), !reflect.DeepEqual(sa.Interface(), sb.Interface())
			if got && !deep {
				t.Fatalf("%s: StatusDiffers(%+v, %+v), which DeepEqual finds equal", o.Kind(), sa, sb)
			}
			if !got && deep && !nilAgainstEmpty(sa, sb) {
				t.Fatalf("%s: StatusDiffers missed the difference of %+v and %+v", o.Kind(), sa, sb)
			}
			if got {
				differs++
			} else {
				same++
			}
		}
		if o.Kind() != KindControllerRevision && (differs == 0 || same == 0) {
			t.Errorf("%s: %d pairs differ and %d do not: the test draws too few of one", o.Kind(), differs, same)
		}
	}
	for k := Kind(0); k.String() != fmt.Sprintf("Kind(%d)", uint8(k)); k++ {
		if !kinds[k] {
			t.Errorf("no object of kind %s in the test", k)
		}
	}
}

// status is an object's status (a PersistentVolumeClaim's Bound; nothing for a
// ControllerRevision, which has none), settable.
func status(o Object) reflect.Value {
	v := reflect.ValueOf(o).Elem()
	if f := v.FieldByName("Status"); f.IsValid() {
		return f
	}
	if f := v.FieldByName("Bound"); f.IsValid() {
		return f
	}
	return reflect.New(reflect.TypeFor[struct{}]()).Elem()
}

// randomize sets v to one of a few values of its type.
func randomize(rng *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() { // not the memo
				randomize(rng, v.Field(i))
			}
		}
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int64, reflect.Int:
		v.SetInt(int64(rng.IntN(2)))
	case reflect.Uint64, reflect.Uint8:
		v.SetUint(uint64(rng.IntN(2)))
	case reflect.String:
		v.SetString([]string{"", "a"}[rng.IntN(2)])
	case reflect.Slice:
		switch rng.IntN(4) {
		case 0:
			v.Set(reflect.Zero(v.Type()))
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			randomize(rng, v.Index(0))
		}
	default:
		panic(fmt.Sprintf("randomize: a %s field: extend the test", v.Kind()))
	}
}

// nilAgainstEmpty reports whether a and b differ only in lists that are nil in one and empty
// in the other.
func nilAgainstEmpty(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !nilAgainstEmpty(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() == 0 && b.Len() == 0 {
			return true
		}
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// TestShallowCopy checks, on every kind with every field drawn at random, that a shallow copy
// has the object's content (compared field by field, lists included), a memo of its own
// (ObjectMemo derives the copy's value anew, and the object's stays), and that the writes the
// API server makes on it (scalars, a whole status) leave the object as it was.
func TestShallowCopy(t *testing.T) {
	objs := []Object{&Node{}, &Pod{}, &ReplicaSet{}, &Deployment{}, &StatefulSet{}, &ControllerRevision{}, &PersistentVolumeClaim{}, &Job{}}
	rng := rand.New(rand.NewPCG(5, 6))
	type fact struct{ of string }
	for _, kind := range objs {
		for trial := 0; trial < 200; trial++ {
			o := reflect.New(reflect.TypeOf(kind).Elem()).Interface().(Object)
			randomize(rng, reflect.ValueOf(o).Elem())
			o = o.DeepCopy() // as in a Cluster: its lists nil or not empty, a memo
			before := o.DeepCopy()
			mine := ObjectMemo(o.Meta(), func() *fact { return &fact{"original"} })
			c := o.ShallowCopy()
			if !reflect.DeepEqual(plain(c), plain(o)) {
				t.Fatalf("%s: the shallow copy %+v differs from %+v", o.Kind(), c, o)
			}
			if !c.Meta().memoOK {
				t.Fatalf("%s: the shallow copy keeps no memo", o.Kind())
			}
			if got := ObjectMemo(c.Meta(), func() *fact { return &fact{"copy"} }); got.of != "copy" {
				t.Fatalf("%s: the copy's memo is the original's", o.Kind())
			}
			if got := ObjectMemo(o.Meta(), func() *fact { return &fact{"again"} }); got != mine {
				t.Fatalf("%s: the original's memo changed", o.Kind())
			}
			m := c.Meta()
			m.ResourceVersion, m.DeletionTimestamp, m.Generation = 9, 9, 9
			if p, ok := c.(*Pod); ok {
				p.Spec.NodeName = "node-9"
			}
			from := reflect.New(reflect.TypeOf(kind).Elem()).Interface().(Object)
			randomize(rng, status(from))
			c.CopyStatus(from)
			if !reflect.DeepEqual(plain(o), plain(before)) {
				t.Fatalf("%s: writing the shallow copy changed the object: %+v, was %+v", o.Kind(), o, before)
			}
		}
	}
}

// plain is a copy of o made field by field (its lists shared), without o's memo, for comparing
// contents.
func plain(o Object) Object {
	v := reflect.New(reflect.TypeOf(o).Elem())
	v.Elem().Set(reflect.ValueOf(o).Elem())
	c := v.Interface().(Object)
	c.Meta().memo, c.Meta().memoOK = nil, false
	return c
}
