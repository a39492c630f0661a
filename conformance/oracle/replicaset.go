package oracle

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	_ "unsafe" // for go:linkname

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller"
	"k8s.io/kubernetes/pkg/controller/replicaset"

	"github.com/themelios/themelios/conformance/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
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
	var objs []runtime.Object
	for _, o := range v.Objects() {
		if u := convert.Object(o); u != nil {
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
	return &fakeCluster{client: client, factory: informers.NewSharedInformerFactory(client, 0)}
}

// fill adds the view's objects to the informers' caches (after the controller has added its
// indexers).
func (f *fakeCluster) fill(v *cluster.Cluster) error {
	for _, o := range v.Objects() {
		var err error
		switch u := convert.Object(o).(type) {
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
// ReplicaSets (a sync reads only its own). Upstream's phases: adopt and release (patches of
// pods), create or delete pods (manageReplicas, up to 500 at once: burstReplicas of
// kube-controller-manager's default), the status update.
func ReplicaSet(v *cluster.Cluster, name string) (Outcome, error) {
	rs, ok := v.Get(cluster.KindReplicaSet, name).(*cluster.ReplicaSet)
	if !ok {
		return Outcome{}, fmt.Errorf("no ReplicaSet %s in the view", name)
	}
	own := v
	for _, o := range v.ReplicaSets() {
		if o.Name != name {
			own = own.Without(cluster.KindReplicaSet, o.Name)
		}
	}
	var model *Write
	if !rs.Terminating() {
		if ins := (controllers.ReplicaSetController{}).Reconcile(own); len(ins) > 0 && ins[0].Write != nil {
			w := FromModel(ins[0].Write)
			model = &w
		}
	}

	f := newFakeCluster(v)
	ctx := klog.NewContext(context.Background(), klog.Background())
	rsInf, podInf := f.factory.Apps().V1().ReplicaSets(), f.factory.Core().V1().Pods()
	rsc := replicaset.NewBaseController(klog.Background(), rsInf, podInf, f.client, 500,
		corev1SchemeGV, "replicaset_controller", "replicaset",
		controller.RealPodControl{KubeClient: f.client, Recorder: &record.FakeRecorder{}}, nil,
		replicaset.DefaultReplicaSetControllerFeatures())
	if err := f.fill(v); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	if err := syncReplicaSet(rsc, ctx, convert.Namespace+"/"+name); err != nil {
		return Outcome{}, fmt.Errorf("upstream syncReplicaSet: %v", err)
	}
	o := Compare(model, phases(f.writes(), "patch pods", "create pods|delete pods", "update/status replicasets"))
	if o.Deviation == "delete pods: another object" && tiedForDeletion(v, rs, model.Name, o.Upstream[0]) {
		o.Deviation = "delete pods: another pod of the same rank"
	}
	return o, nil
}

// tiedForDeletion says whether the pod the model deletes ranks with one upstream deletes on
// every criterion of upstream's ActivePodsWithRanks.Less before the age ones (assigned or not,
// phase, readiness, pods of the same owner on its node): upstream then orders pods by ready
// time and creation time on a logarithmic scale from now, then by UID, which the model, with
// no clock and sequential UIDs, cannot mirror.
func tiedForDeletion(v *cluster.Cluster, rs *cluster.ReplicaSet, model string, upstream Phase) bool {
	onNode := map[string]int{}
	for _, p := range v.Pods() {
		if ref, ok := p.ControllerRef(); ok && ref.UID == rs.UID && p.Active() && p.Spec.NodeName != "" {
			onNode[p.Spec.NodeName]++
		}
	}
	rank := func(name string) [4]any {
		p := v.Pod(name)
		if p == nil {
			return [4]any{}
		}
		n := 0
		if p.Spec.NodeName != "" {
			n = onNode[p.Spec.NodeName]
		}
		return [4]any{p.Spec.NodeName == "", p.Status.Phase, p.Status.Ready, n}
	}
	for _, w := range upstream {
		if w.Kind() == "delete pods" && rank(w.Name) == rank(model) {
			return true
		}
	}
	return false
}

// phases groups writes by the phase their kind belongs to, in the order given ("a|b": either).
func phases(ws []Write, order ...string) []Phase {
	out := make([]Phase, len(order)+1)
	for _, w := range ws {
		i := len(order)
		for j, kinds := range order {
			if containsKind(kinds, w.Kind()) {
				i = j
				break
			}
		}
		out[i] = append(out[i], w)
	}
	return out
}

func containsKind(kinds, k string) bool { return slices.Contains(strings.Split(kinds, "|"), k) }
