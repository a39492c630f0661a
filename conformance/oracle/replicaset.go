package oracle

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	_ "unsafe" // for go:linkname

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller"
	"k8s.io/kubernetes/pkg/controller/replicaset"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// syncReplicaSet is upstream's ReplicaSetController.syncReplicaSet (v1.34.3,
// pkg/controller/replicaset/replica_set.go), which upstream's own tests call directly; it is
// unexported, hence the linkname. The signature must match upstream's.
//
//go:linkname syncReplicaSet k8s.io/kubernetes/pkg/controller/replicaset.(*ReplicaSetController).syncReplicaSet
func syncReplicaSet(rsc *replicaset.ReplicaSetController, ctx context.Context, key string) error

// cluster holds a view's objects for upstream: a fake clientset that names generated objects
// and informer caches filled without being started.
type fakeCluster struct {
	client  *fake.Clientset
	factory informers.SharedInformerFactory
}

var generated atomic.Int64

func newFakeCluster(v *cluster.Cluster) *fakeCluster {
	f, _ := newFakeClusterWith(v, func(o cluster.Object) (runtime.Object, error) { return convert.Object(o), nil })
	return f
}

// newFakeClusterWith is newFakeCluster with conv converting the objects.
func newFakeClusterWith(v *cluster.Cluster, conv func(cluster.Object) (runtime.Object, error)) (*fakeCluster, error) {
	var objs []runtime.Object
	for _, o := range v.Objects() {
		u, err := conv(o)
		if err != nil {
			return nil, err
		}
		if u != nil {
			objs = append(objs, u)
		}
	}
	client := fake.NewSimpleClientset(objs...)
	// The fake clientset does not implement generateName: name the objects here.
	client.PrependReactor("create", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if c, ok := a.(k8stesting.CreateAction); ok {
			if p, ok := c.GetObject().(*corev1.Pod); ok && p.Name == "" {
				p.Name = p.GenerateName + "g" + strconv.FormatInt(generated.Add(1), 10)
			}
		}
		return false, nil, nil
	})
	return &fakeCluster{client: client, factory: informers.NewSharedInformerFactory(client, 0)}, nil
}

// fill adds the view's objects to the informers' caches (after the controller has added its
// indexers). A Job's status.terminating, which the model does not have, is what upstream
// would have written last: the number of its terminating pods not in a terminal phase
// (controller.CountTerminatingPods).
func (f *fakeCluster) fill(v *cluster.Cluster) error {
	return f.fillWith(v, func(o cluster.Object) (runtime.Object, error) { return convert.Object(o), nil })
}

// fillWith is fill with conv converting the objects.
func (f *fakeCluster) fillWith(v *cluster.Cluster, conv func(cluster.Object) (runtime.Object, error)) error {
	for _, o := range v.Objects() {
		u, err := conv(o)
		if err != nil {
			return err
		}
		if j, ok := u.(*batchv1.Job); ok {
			n := int32(0)
			for _, p := range v.Pods() {
				if ref, ok := p.ControllerRef(); ok && ref.UID == o.Meta().UID && p.Terminating() && !p.Finished() {
					n++
				}
			}
			j.Status.Terminating = &n
		}
		switch u := u.(type) {
		case *corev1.Pod:
			err = f.factory.Core().V1().Pods().Informer().GetIndexer().Add(u)
		case *corev1.Node:
			err = f.factory.Core().V1().Nodes().Informer().GetIndexer().Add(u)
		default:
			if u != nil {
				err = f.add(u)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writes is the writes recorded since the last call.
func (f *fakeCluster) writes() []Write {
	var out []Write
	for _, a := range f.client.Actions() {
		if w, ok := FromAction(a); ok {
			out = append(out, w)
		}
	}
	f.client.ClearActions()
	return out
}

// ReplicaSet compares the sync of ReplicaSet name on view v: upstream's syncReplicaSet with no
// expectations, against controllers.ReplicaSetController on the view without the other
// ReplicaSets (a sync reads only its own). Upstream's phases (Runs): adopt and release
// (patches of pods), create or delete pods (manageReplicas, up to 500 at once:
// kube-controller-manager's default burstReplicas), the status update.
func ReplicaSet(v *cluster.Cluster, name string) (Outcome, error) {
	rs, ok := v.Get(cluster.KindReplicaSet, name).(*cluster.ReplicaSet)
	if !ok {
		return Outcome{}, fmt.Errorf("no ReplicaSet %s in the view", name)
	}
	var model *Write
	// The whole view: a ReplicaSet's sync also reads the ReplicaSets of its controller (the
	// related pods of its scale-down ranking); its intent is the one about it.
	if mw := replicaSetWrite(v, rs); mw != nil {
		w := FromModel(mw)
		model = &w
	}

	f := newFakeCluster(v)
	ctx := klog.NewContext(context.Background(), klog.Background())
	rsInf, podInf := f.factory.Apps().V1().ReplicaSets(), f.factory.Core().V1().Pods()
	rsc := replicaset.NewBaseController(klog.Background(), rsInf, podInf, f.client, 500,
		appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), "replicaset_controller", "replicaset",
		controller.RealPodControl{KubeClient: f.client, Recorder: &record.FakeRecorder{}}, nil,
		replicaset.DefaultReplicaSetControllerFeatures())
	if err := f.fill(v); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	defer shutDown(rsc)
	// An error ends the sync after the writes it tried, which are compared as any.
	err := syncReplicaSet(rsc, ctx, convert.Namespace+"/"+name)
	ws := f.writes()
	o := syncError(Compare(model, Runs(ws), viewDetail(v, nil)), err, len(ws))
	if o.Deviation == "delete pods: another object" && tied(v, model.Name, o.Upstream[0], replicaSetRank(v, rs)) {
		o.Agree, o.Tie, o.Deviation = true, true, ""
	}
	return o, nil
}

// replicaSetWrite is the model's write for rs on view v: the write of the intent about rs
// (its status, a pod it creates, deletes, adopts or releases), nil for none.
func replicaSetWrite(v *cluster.Cluster, rs *cluster.ReplicaSet) *datastore.Write {
	if rs.Terminating() {
		return nil
	}
	for _, in := range (controllers.ReplicaSetController{}).Reconcile(v) {
		w := in.Write
		if w == nil {
			continue
		}
		about := in.Gate == rs.UID || w.Patch.AddOwner.UID == rs.UID || w.Patch.RemoveOwner == rs.UID ||
			w.Object != nil && w.Object.Kind() == cluster.KindReplicaSet && w.Object.Meta().Name == rs.Name
		if about {
			return w
		}
	}
	return nil
}

// replicaSetRank ranks a pod by upstream's ActivePodsWithRanks.Less (v1.34.3) up to the age
// criteria: assigned or not, phase, readiness, and how many active related pods share its
// node (getIndirectlyRelatedPods: the pods matching the selector of any ReplicaSet with the
// same controller; none for a ReplicaSet without one). Past them upstream compares ready and
// creation times on a logarithmic scale from now, then UIDs: with random UIDs, any pod of the
// same rank may go first.
func replicaSetRank(v *cluster.Cluster, rs *cluster.ReplicaSet) func(*cluster.Pod) any {
	onNode := map[string]int{}
	if ref, ok := rs.ControllerRef(); ok {
		seen := map[string]bool{}
		for _, r := range v.ReplicaSets() {
			if rr, ok := r.ControllerRef(); !ok || rr.UID != ref.UID {
				continue
			}
			for _, p := range v.Pods() {
				if !seen[p.Name] && r.Spec.Selector.Matches(p.Labels) {
					seen[p.Name] = true
					if p.Active() {
						onNode[p.Spec.NodeName]++
					}
				}
			}
		}
	}
	return func(p *cluster.Pod) any {
		return [4]any{p.Spec.NodeName == "", p.Status.Phase, p.Status.Ready, onNode[p.Spec.NodeName]}
	}
}

// tied says whether the pod the model writes to ranks with a pod upstream writes to in its
// first phase: upstream's order among pods of equal rank is arbitrary (random UIDs, or the
// order of an informer's list), so the model's choice is one upstream can make.
func tied(v *cluster.Cluster, model string, first Phase, rank func(*cluster.Pod) any) bool {
	mp := v.Pod(model)
	if mp == nil {
		return false
	}
	for _, w := range first {
		if p := v.Pod(w.Name); w.Resource == "pods" && p != nil && rank(p) == rank(mp) {
			return true
		}
	}
	return false
}
