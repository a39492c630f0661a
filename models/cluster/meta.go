package cluster

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sync/atomic"
	"unsafe"
)

// UID identifies an object across delete and re-create (the API server assigns it).
type UID uint64

// KV is a label or annotation.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Labels is a set of key/value pairs sorted by key (labels, annotations, selectors).
type Labels []KV

// Get returns the value for key.
func (l Labels) Get(key string) (string, bool) {
	for _, kv := range l {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// With returns a copy with key set to value, sorted.
func (l Labels) With(key, value string) Labels {
	out := make(Labels, 0, len(l)+1)
	done := false
	for _, kv := range l {
		switch {
		case done:
		case kv.Key == key:
			kv.Value, done = value, true
		case kv.Key > key:
			out, done = append(out, KV{key, value}), true
		}
		out = append(out, kv)
	}
	if !done {
		out = append(out, KV{key, value})
	}
	return out
}

// Without returns a copy without key.
func (l Labels) Without(key string) Labels {
	out := make(Labels, 0, len(l))
	for _, kv := range l {
		if kv.Key != key {
			out = append(out, kv)
		}
	}
	return out
}

// Matches reports whether every pair of the selector l is in labels (an empty selector
// matches nothing, as for a ReplicaSet).
func (l Labels) Matches(labels Labels) bool {
	if len(l) == 0 {
		return false
	}
	for _, kv := range l {
		if v, ok := labels.Get(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

// Equal compares two label sets.
func (l Labels) Equal(o Labels) bool {
	if len(l) != len(o) {
		return false
	}
	for i := range l {
		if l[i] != o[i] {
			return false
		}
	}
	return true
}

// OwnerReference points from a dependent to its owner.
type OwnerReference struct {
	Kind       Kind   `json:"kind"`
	Name       string `json:"name"`
	UID        UID    `json:"uid"`
	Controller bool   `json:"controller,omitempty"`
}

// ObjectMeta is the metadata every object carries.
type ObjectMeta struct {
	Name            string           `json:"name"`
	GenerateName    string           `json:"generateName,omitempty"`
	UID             UID              `json:"uid"`
	Labels          Labels           `json:"labels,omitempty"`
	Annotations     Labels           `json:"annotations,omitempty"`
	OwnerReferences []OwnerReference `json:"ownerReferences,omitempty"`
	Finalizers      []string         `json:"finalizers,omitempty"`
	Generation      int64            `json:"generation"`
	ResourceVersion int64            `json:"resourceVersion"`
	// CreationRevision is the revision of the create (our stand-in for creationTimestamp).
	CreationRevision int64 `json:"creationRevision"`
	// DeletionTimestamp is set (the revision of the delete request) once deletion is requested.
	DeletionTimestamp int64 `json:"deletionTimestamp,omitempty"`
	// memo holds what a user derived from the object (see ObjectMemo), set once; memoOK marks
	// the copies that keep it, those made by DeepCopy or ShallowCopy (through which every
	// object of a Cluster was made), each with an empty memo of its own.
	memo   unsafe.Pointer
	memoOK bool
}

// ObjectMemo returns the value derived from the object of meta m, computing it with derive
// the first time. Only for objects that no longer change (those of a Cluster), and for one
// kind of derived value (one T per program): derive must be a pure function of the object
// (its canonical encoding, say) and return non-nil, since every later call gets that value.
// Objects not made by DeepCopy or ShallowCopy (a literal) keep nothing: derive runs at every
// call. Safe for concurrent use: under contention derive may run more than once, and one
// result is kept.
func ObjectMemo[T any](m *ObjectMeta, derive func() *T) *T {
	if !m.memoOK {
		return derive()
	}
	if v := atomic.LoadPointer(&m.memo); v != nil {
		return (*T)(v)
	}
	v := derive()
	if atomic.CompareAndSwapPointer(&m.memo, nil, unsafe.Pointer(v)) {
		return v
	}
	return (*T)(atomic.LoadPointer(&m.memo))
}

// Terminating reports whether deletion was requested.
func (m *ObjectMeta) Terminating() bool { return m.DeletionTimestamp != 0 }

// ControllerRef returns the owner reference marked controller, if any.
func (m *ObjectMeta) ControllerRef() (OwnerReference, bool) {
	for _, r := range m.OwnerReferences {
		if r.Controller {
			return r, true
		}
	}
	return OwnerReference{}, false
}

// HasFinalizer reports whether f is among the finalizers.
func (m *ObjectMeta) HasFinalizer(f string) bool {
	for _, x := range m.Finalizers {
		if x == f {
			return true
		}
	}
	return false
}

// OnlyFinalizersRemoved reports whether a and b differ at most in their finalizers, and b's
// finalizers are a subset of a's (the only change a terminating object accepts).
func OnlyFinalizersRemoved(a, b *ObjectMeta) bool {
	x, y := *a, *b
	x.Finalizers, y.Finalizers = nil, nil
	if !metaEqual(&x, &y) {
		return false
	}
	for _, f := range b.Finalizers {
		if !a.HasFinalizer(f) {
			return false
		}
	}
	return true
}

func metaEqual(a, b *ObjectMeta) bool {
	if a.Name != b.Name || a.GenerateName != b.GenerateName || a.UID != b.UID || !a.Labels.Equal(b.Labels) ||
		!a.Annotations.Equal(b.Annotations) || a.Generation != b.Generation || a.ResourceVersion != b.ResourceVersion ||
		a.CreationRevision != b.CreationRevision || a.DeletionTimestamp != b.DeletionTimestamp ||
		len(a.OwnerReferences) != len(b.OwnerReferences) || len(a.Finalizers) != len(b.Finalizers) {
		return false
	}
	for i := range a.OwnerReferences {
		if a.OwnerReferences[i] != b.OwnerReferences[i] {
			return false
		}
	}
	for i := range a.Finalizers {
		if a.Finalizers[i] != b.Finalizers[i] {
			return false
		}
	}
	return true
}

// MarshalJSON writes labels as a mapping, as Kubernetes does, in key order.
func (l Labels) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.Key)
		v, _ := json.Marshal(kv.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// EqualContent reports whether a and b have the same content: the same kind and every field
// equal, but the values derived from them (ObjectMemo). Unlike SameContent it writes nothing,
// so that it may compare objects other goroutines read. Every field of an object is exported
// but ObjectMeta's derived values; an exported field added to an object is compared with no
// change here (an unexported one makes it panic), one added to ObjectMeta must be added to
// ObjectMeta.equal (TestEqualContent fails until it is).
func EqualContent(a, b Object) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	va, vb = va.Elem(), vb.Elem()
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Type() == metaType {
			if !a.Meta().equal(b.Meta()) {
				return false
			}
			continue
		}
		// (By address: boxing a copy of a struct would allocate.)
		if !reflect.DeepEqual(fa.Addr().Interface(), fb.Addr().Interface()) {
			return false
		}
	}
	return true
}

// equal compares every field of m and o but the derived values, by name rather than by
// reflection (a reflect.DeepEqual per field allocated a map each, on the model's hot path).
// TestEqualContent changes each exported field in turn, so that a field added to ObjectMeta
// and not compared here fails it.
func (m *ObjectMeta) equal(o *ObjectMeta) bool {
	return m.Name == o.Name && m.GenerateName == o.GenerateName && m.UID == o.UID &&
		m.Generation == o.Generation && m.ResourceVersion == o.ResourceVersion &&
		m.CreationRevision == o.CreationRevision && m.DeletionTimestamp == o.DeletionTimestamp &&
		equalNil(m.Labels, o.Labels) && equalNil(m.Annotations, o.Annotations) &&
		equalNil(m.OwnerReferences, o.OwnerReferences) && equalNil(m.Finalizers, o.Finalizers)
}

// equalNil is slices.Equal that, as reflect.DeepEqual, tells a nil slice from an empty one.
func equalNil[T comparable](a, b []T) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

var metaType = reflect.TypeFor[ObjectMeta]()

// SameContent reports whether next, a copy of cur being edited by its only user, has cur's
// content: every field equal, the derived values kept aside (ObjectMemo). A nil list and an
// empty one differ here; the objects of a Cluster hold nil for an empty list (DeepCopy makes
// it so, and writers that empty a list set it to nil), so that a copy of one compares equal
// whether it was made by DeepCopy or ShallowCopy.
func SameContent(cur, next Object) bool {
	nm := next.Meta()
	kept, keptOK := nm.memo, nm.memoOK
	nm.memo, nm.memoOK = cur.Meta().memo, cur.Meta().memoOK
	same := reflect.DeepEqual(cur, next)
	nm.memo, nm.memoOK = kept, keptOK
	return same
}
