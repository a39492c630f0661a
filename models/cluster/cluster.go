package cluster

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Cluster is a snapshot of every object at one revision, ordered by kind, then name. It is
// immutable: With and Without return new snapshots that share the unchanged objects.
type Cluster struct {
	objs []Object
	memo atomic.Pointer[sync.Map] // what users derived from the snapshot (see Memo)
}

// Memo returns the value its users derived from the snapshot under key, computing it with
// derive the first time. derive must be a pure function of the snapshot and the key (a
// reconcile of this view, say): under contention it may run more than once, and one result is
// kept. Safe for concurrent use; the values live as long as the snapshot.
func (c *Cluster) Memo(key any, derive func() any) any {
	m := c.memo.Load()
	if m == nil {
		c.memo.CompareAndSwap(nil, &sync.Map{})
		m = c.memo.Load()
	}
	if v, ok := m.Load(key); ok {
		return v
	}
	v, _ := m.LoadOrStore(key, derive())
	return v
}

// New returns a snapshot of the given objects (which it sorts and keeps).
func New(objs ...Object) *Cluster {
	sort.Slice(objs, func(i, j int) bool { return less(objs[i], objs[j].Kind(), objs[j].Meta().Name) })
	return &Cluster{objs: objs}
}

func less(o Object, k Kind, name string) bool {
	if o.Kind() != k {
		return o.Kind() < k
	}
	return o.Meta().Name < name
}

// search returns the position of (k, name), or where it would be inserted.
func (c *Cluster) search(k Kind, name string) int {
	return sort.Search(len(c.objs), func(i int) bool { return !less(c.objs[i], k, name) })
}

// Get returns the object of kind k named name, or nil.
func (c *Cluster) Get(k Kind, name string) Object {
	i := c.search(k, name)
	if i < len(c.objs) && c.objs[i].Kind() == k && c.objs[i].Meta().Name == name {
		return c.objs[i]
	}
	return nil
}

// Objects returns every object, ordered by kind then name. Do not modify.
func (c *Cluster) Objects() []Object { return c.objs }

// OfKind returns the objects of kind k, ordered by name. Do not modify.
func (c *Cluster) OfKind(k Kind) []Object {
	lo := c.search(k, "")
	hi := sort.Search(len(c.objs), func(i int) bool { return c.objs[i].Kind() > k })
	return c.objs[lo:hi]
}

// With returns a snapshot where o replaces the object of its kind and name, or is added.
func (c *Cluster) With(o Object) *Cluster {
	i := c.search(o.Kind(), o.Meta().Name)
	objs := make([]Object, 0, len(c.objs)+1)
	objs = append(objs, c.objs[:i]...)
	objs = append(objs, o)
	if i < len(c.objs) && c.objs[i].Kind() == o.Kind() && c.objs[i].Meta().Name == o.Meta().Name {
		i++
	}
	objs = append(objs, c.objs[i:]...)
	return &Cluster{objs: objs}
}

// Without returns a snapshot without the object of kind k named name.
func (c *Cluster) Without(k Kind, name string) *Cluster {
	i := c.search(k, name)
	if i == len(c.objs) || c.objs[i].Kind() != k || c.objs[i].Meta().Name != name {
		return c
	}
	objs := make([]Object, 0, len(c.objs)-1)
	objs = append(objs, c.objs[:i]...)
	objs = append(objs, c.objs[i+1:]...)
	return &Cluster{objs: objs}
}

// Pods returns the pods, ordered by name.
func (c *Cluster) Pods() []*Pod { return typed[*Pod](c, KindPod) }

// Nodes returns the nodes, ordered by name.
func (c *Cluster) Nodes() []*Node { return typed[*Node](c, KindNode) }

// ReplicaSets returns the ReplicaSets, ordered by name.
func (c *Cluster) ReplicaSets() []*ReplicaSet { return typed[*ReplicaSet](c, KindReplicaSet) }

// Deployments returns the Deployments, ordered by name.
func (c *Cluster) Deployments() []*Deployment { return typed[*Deployment](c, KindDeployment) }

// StatefulSets returns the StatefulSets, ordered by name.
func (c *Cluster) StatefulSets() []*StatefulSet { return typed[*StatefulSet](c, KindStatefulSet) }

// Revisions returns the ControllerRevisions, ordered by name.
func (c *Cluster) Revisions() []*ControllerRevision {
	return typed[*ControllerRevision](c, KindControllerRevision)
}

// Jobs returns the Jobs, ordered by name.
func (c *Cluster) Jobs() []*Job { return typed[*Job](c, KindJob) }

// Claims returns the PersistentVolumeClaims, ordered by name.
func (c *Cluster) Claims() []*PersistentVolumeClaim {
	return typed[*PersistentVolumeClaim](c, KindPersistentVolumeClaim)
}

func typed[T Object](c *Cluster, k Kind) []T {
	objs := c.OfKind(k)
	out := make([]T, len(objs))
	for i, o := range objs {
		out[i] = o.(T)
	}
	return out
}

// Node returns the node named name, or nil.
func (c *Cluster) Node(name string) *Node {
	if o := c.Get(KindNode, name); o != nil {
		return o.(*Node)
	}
	return nil
}

// Pod returns the pod named name, or nil.
func (c *Cluster) Pod(name string) *Pod {
	if o := c.Get(KindPod, name); o != nil {
		return o.(*Pod)
	}
	return nil
}
