// Package adapter connects the model's controllers (models/controllers) to a real API server
// through client-go: informers give them views (model snapshots of what the caches hold), and
// their writes (datastore.Write) become the API calls upstream's controllers make (the call
// sites listed in controllers.Writes).
//
// The model and a real cluster meet through kube/convert: names, labels, resourceVersions and
// generations are the real ones; UIDs are numbered as they are first seen (convert.Identities).
// Objects live in one namespace (nodes are cluster-wide), as the model has none.
package adapter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
)

// Kinds are the kinds a Cache watches: every kind of the model.
var Kinds = []cluster.Kind{cluster.KindNode, cluster.KindPod, cluster.KindReplicaSet, cluster.KindDeployment,
	cluster.KindStatefulSet, cluster.KindControllerRevision, cluster.KindPersistentVolumeClaim, cluster.KindJob}

// Cache is one informer per kind over a namespace (nodes: the cluster), as a controller
// manager's shared informers are. It records, per kind, the highest resourceVersion its event
// handlers have seen (the informer's store holds that version by then), and calls the
// functions given to OnChange after every event.
type Cache struct {
	ids       *convert.Identities
	factory   informers.SharedInformerFactory
	informers map[cluster.Kind]cache.SharedIndexInformer

	mu       sync.Mutex
	seen     map[cluster.Kind]int64 // the highest resourceVersion delivered per kind
	gone     map[cluster.Key]bool   // objects whose delete event arrived since they were last seen
	cond     *sync.Cond
	onChange []func(kind cluster.Kind, obj runtime.Object, deleted bool)
}

// NewCache returns the informers of namespace ns on cs. Start them with Start.
func NewCache(cs kubernetes.Interface, ns string, ids *convert.Identities) *Cache {
	f := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	c := &Cache{ids: ids, factory: f, informers: map[cluster.Kind]cache.SharedIndexInformer{},
		seen: map[cluster.Kind]int64{}, gone: map[cluster.Key]bool{}}
	c.cond = sync.NewCond(&c.mu)
	c.informers[cluster.KindNode] = f.Core().V1().Nodes().Informer()
	c.informers[cluster.KindPod] = f.Core().V1().Pods().Informer()
	c.informers[cluster.KindReplicaSet] = f.Apps().V1().ReplicaSets().Informer()
	c.informers[cluster.KindDeployment] = f.Apps().V1().Deployments().Informer()
	c.informers[cluster.KindStatefulSet] = f.Apps().V1().StatefulSets().Informer()
	c.informers[cluster.KindControllerRevision] = f.Apps().V1().ControllerRevisions().Informer()
	c.informers[cluster.KindPersistentVolumeClaim] = f.Core().V1().PersistentVolumeClaims().Informer()
	c.informers[cluster.KindJob] = f.Batch().V1().Jobs().Informer()
	for _, k := range Kinds {
		_, _ = c.informers[k].AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(o any) { c.observe(k, o, false) },
			UpdateFunc: func(_, o any) { c.observe(k, o, false) },
			DeleteFunc: func(o any) { c.observe(k, o, true) },
		})
	}
	return c
}

// OnChange registers f, called after each event the informers deliver (from their goroutines)
// with the object's kind and the object: its new version, or, deleted, its last state (with
// the revision of the delete, as the API server's watch sends it). Register before Start.
func (c *Cache) OnChange(f func(kind cluster.Kind, obj runtime.Object, deleted bool)) {
	c.mu.Lock()
	c.onChange = append(c.onChange, f)
	c.mu.Unlock()
}

func (c *Cache) observe(k cluster.Kind, o any, deleted bool) {
	if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	obj, ok := o.(runtime.Object)
	if !ok {
		return
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	rv, _ := convert.ParseResourceVersion(m.GetResourceVersion())
	c.mu.Lock()
	c.seen[k] = max(c.seen[k], rv)
	c.gone[cluster.Key{Kind: k, Name: m.GetName()}] = deleted
	fs := c.onChange
	c.cond.Broadcast()
	c.mu.Unlock()
	for _, f := range fs {
		f(k, obj, deleted)
	}
}

// SyncTimeout is how long Start waits for the informers' first lists.
const SyncTimeout = time.Minute

// Start starts the informers and waits for their first lists. It fails when ctx ends first
// (ctx's error) or when a list has not come within SyncTimeout (a kind the credentials may not
// list or watch, say: the informers would retry for ever).
func (c *Cache) Start(ctx context.Context) error {
	c.factory.Start(ctx.Done())
	wait, cancel := context.WithTimeout(ctx, SyncTimeout)
	defer cancel()
	for t, ok := range c.factory.WaitForCacheSync(wait.Done()) {
		if !ok {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("the %v informer did not sync within %v: can these credentials list and watch it?", t, SyncTimeout)
		}
	}
	return nil
}

// Shutdown stops the informers (after ctx, given to Start, is done) and waits for them.
func (c *Cache) Shutdown() { c.factory.Shutdown() }

// Seen returns the highest resourceVersion of kind k the informer has delivered.
func (c *Cache) Seen(k cluster.Kind) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[k]
}

// WaitSeen waits until the informer of kind k has delivered resourceVersion rv or a later one
// (so that its store reflects a write that made rv), for at most d or until ctx ends; it
// reports whether it has.
func (c *Cache) WaitSeen(ctx context.Context, k cluster.Kind, rv int64, d time.Duration) bool {
	return c.wait(ctx, d, func() bool { return c.seen[k] >= rv })
}

// WaitGone waits until the informer of kind k has delivered the delete of name, for at most
// d or until ctx ends; it reports whether it has.
func (c *Cache) WaitGone(ctx context.Context, k cluster.Kind, name string, d time.Duration) bool {
	return c.wait(ctx, d, func() bool { return c.gone[cluster.Key{Kind: k, Name: name}] })
}

func (c *Cache) wait(ctx context.Context, d time.Duration, done func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !done() {
		if ctx.Err() != nil {
			return false
		}
		c.cond.Wait()
	}
	return true
}

// View converts what the informers hold into a model snapshot; its revision is the highest
// resourceVersion among its objects. An object that does not convert (a resourceVersion that
// is not a number) is an error.
func (c *Cache) View() (*cluster.Cluster, int64, error) {
	var objs []cluster.Object
	var rev int64
	for _, k := range Kinds {
		for _, o := range c.informers[k].GetStore().List() {
			mo, err := convert.ModelObject(o, c.ids)
			if err != nil {
				return nil, 0, err
			}
			rev = max(rev, mo.Meta().ResourceVersion)
			objs = append(objs, mo)
		}
	}
	return cluster.New(objs...), rev, nil
}

// Get returns the cached upstream object of kind k named name, or nil.
func (c *Cache) Get(k cluster.Kind, ns, name string) runtime.Object {
	key := name
	if k != cluster.KindNode {
		key = ns + "/" + name
	}
	o, ok, err := c.informers[k].GetStore().GetByKey(key)
	if err != nil || !ok {
		return nil
	}
	return o.(runtime.Object)
}
