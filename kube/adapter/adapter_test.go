package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

const ns = "test"

// fixture is a fake clientset holding a ReplicaSet web (3 replicas wanted, one pod web-a)
// whose template has what the model does not keep (a port, a memory request, a second
// container), its informers started and a writer over them.
type fixture struct {
	t     *testing.T
	cs    *fake.Clientset
	cache *Cache
	ids   *convert.Identities
	w     *Writer
	view  *cluster.Cluster
}

func replicaSet() *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, UID: "rs-uid", ResourceVersion: "10", Generation: 1},
		Spec: appsv1.ReplicaSetSpec{Replicas: new(int32(3)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"note": "from the template"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "web", Image: "web:1", Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
						Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}}},
					{Name: "sidecar", Image: "proxy:1"},
				}},
			}},
	}
}

func newFixture(t *testing.T, objs ...runtime.Object) *fixture {
	t.Helper()
	cs := fake.NewClientset(objs...)
	// The fake tracker neither generates names nor counts revisions: a reactor does both.
	var rv atomic.Int64
	rv.Store(100)
	cs.PrependReactor("create", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if c, ok := a.(k8stesting.CreateAction); ok && a.GetSubresource() == "" {
			if m, ok := c.GetObject().(metav1.Object); ok {
				if m.GetName() == "" {
					m.SetName(m.GetGenerateName() + fmt.Sprintf("x%04d", rv.Load()))
				}
				m.SetResourceVersion(fmt.Sprint(rv.Add(1)))
			}
		}
		return false, nil, nil
	})
	cs.PrependReactor("update", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if m, ok := a.(k8stesting.UpdateAction).GetObject().(metav1.Object); ok {
			m.SetResourceVersion(fmt.Sprint(rv.Add(1)))
		}
		return false, nil, nil
	})
	ids := convert.NewIdentities()
	c := NewCache(cs, ns, ids)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); c.Shutdown() })
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, cs: cs, cache: c, ids: ids, w: NewWriter(cs, ns, ids, c)}
	f.w.now = func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }
	f.read()
	return f
}

func (f *fixture) read() {
	f.t.Helper()
	v, _, err := f.cache.View()
	if err != nil {
		f.t.Fatal(err)
	}
	f.view = v
}

// actions are the fake's write actions, as "verb resource/subresource".
func (f *fixture) last() k8stesting.Action {
	acts := f.cs.Actions()
	for i := len(acts) - 1; i >= 0; i-- {
		if v := acts[i].GetVerb(); v != "list" && v != "watch" && v != "get" {
			return acts[i]
		}
	}
	f.t.Fatal("no write action")
	return nil
}

// The view is the cache as model objects: real names, resourceVersions and labels, UIDs
// numbered, the template as the model keeps it.
func TestView(t *testing.T) {
	f := newFixture(t, replicaSet())
	rs, ok := f.view.Get(cluster.KindReplicaSet, "web").(*cluster.ReplicaSet)
	if !ok {
		t.Fatalf("no ReplicaSet in the view: %v", f.view.Keys())
	}
	if rs.Spec.Replicas != 3 || rs.ResourceVersion != 10 || rs.UID != 1 || rs.Spec.Template.Spec.Image != "web:1" {
		t.Errorf("view's ReplicaSet: %+v", rs)
	}
	if f.ids.Real(rs.UID) != "rs-uid" {
		t.Errorf("UID %d maps to %q", rs.UID, f.ids.Real(rs.UID))
	}
}

// A pod the ReplicaSet controller creates gets its owner's real template (both containers,
// the port, the memory request), the model's labels and generateName, and the owner's real
// UID in its controller reference.
func TestCreatePodFromOwnerTemplate(t *testing.T) {
	f := newFixture(t, replicaSet())
	intents := controllers.ReplicaSetController{}.Reconcile(f.view)
	if len(intents) != 1 || intents[0].Write == nil || intents[0].Write.Verb != datastore.Create {
		t.Fatalf("the ReplicaSet controller wants %+v, want one create", intents)
	}
	res, err := f.w.Send(context.Background(), *intents[0].Write)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.cs.CoreV1().Pods(ns).Get(context.Background(), res.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Name, "web-") || p.GenerateName != "web-" || res.RV == 0 {
		t.Errorf("created %q (generateName %q, resourceVersion %d)", p.Name, p.GenerateName, res.RV)
	}
	if len(p.Spec.Containers) != 2 || p.Spec.Containers[0].Ports[0].ContainerPort != 8080 || p.Spec.Containers[1].Name != "sidecar" {
		t.Errorf("containers %+v, want the template's two", p.Spec.Containers)
	}
	if p.Labels["app"] != "web" || len(p.OwnerReferences) != 1 || p.OwnerReferences[0].UID != "rs-uid" || !*p.OwnerReferences[0].Controller {
		t.Errorf("labels %v, owners %+v", p.Labels, p.OwnerReferences)
	}
	if p.UID != "" || p.ResourceVersion == "" {
		t.Errorf("a create sent UID %q", p.UID)
	}
	if p.Annotations["note"] != "from the template" {
		t.Errorf("annotations %v, want the template's", p.Annotations)
	}
}

// An update sends the cached object with the model's change (replicas) and the
// resourceVersion the model read; the template's fields the model does not keep stay.
func TestUpdateKeepsWhatTheModelLacks(t *testing.T) {
	f := newFixture(t, replicaSet())
	rs := f.view.Get(cluster.KindReplicaSet, "web").DeepCopy().(*cluster.ReplicaSet)
	rs.Spec.Replicas = 5
	rs.Annotations = rs.Annotations.With("note", "scaled")
	if _, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Update, Object: rs}); err != nil {
		t.Fatal(err)
	}
	a, ok := f.last().(k8stesting.UpdateAction)
	if !ok || a.GetSubresource() != "" {
		t.Fatalf("last action %v, want an update", f.last())
	}
	sent := a.GetObject().(*appsv1.ReplicaSet)
	if *sent.Spec.Replicas != 5 || sent.ResourceVersion != "10" || sent.UID != "rs-uid" || sent.Annotations["note"] != "scaled" {
		t.Errorf("sent replicas %d, resourceVersion %q, UID %q, annotations %v", *sent.Spec.Replicas, sent.ResourceVersion, sent.UID, sent.Annotations)
	}
	if len(sent.Spec.Template.Spec.Containers) != 2 || sent.Spec.Template.Spec.Containers[0].Resources.Requests.Memory().String() != "64Mi" {
		t.Errorf("the update lost the template: %+v", sent.Spec.Template.Spec.Containers)
	}
}

// A status update goes to the status subresource with the model's counts.
func TestUpdateStatus(t *testing.T) {
	f := newFixture(t, replicaSet())
	rs := f.view.Get(cluster.KindReplicaSet, "web").DeepCopy().(*cluster.ReplicaSet)
	rs.Status = cluster.ReplicaSetStatus{Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1, FullyLabeledReplicas: 1, ObservedGeneration: 1}
	if _, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.UpdateStatus, Object: rs}); err != nil {
		t.Fatal(err)
	}
	a := f.last().(k8stesting.UpdateAction)
	sent := a.GetObject().(*appsv1.ReplicaSet)
	if a.GetSubresource() != "status" || sent.Status.ReadyReplicas != 1 || sent.Status.ObservedGeneration != 1 || sent.ResourceVersion != "10" {
		t.Errorf("subresource %q, status %+v, resourceVersion %q", a.GetSubresource(), sent.Status, sent.ResourceVersion)
	}
}

// Metadata patches name real UIDs: the precondition, the owner added or removed.
func TestMetadataPatches(t *testing.T) {
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-a", Namespace: ns, UID: "pod-uid", ResourceVersion: "11", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}
	f := newFixture(t, replicaSet(), orphan)
	intents := controllers.ReplicaSetController{}.Reconcile(f.view)
	if len(intents) != 1 || intents[0].Write.Verb != datastore.Patch {
		t.Fatalf("the ReplicaSet controller wants %+v, want an adoption", intents)
	}
	if _, err := f.w.Send(context.Background(), *intents[0].Write); err != nil {
		t.Fatal(err)
	}
	a := f.last().(k8stesting.PatchAction)
	var patch struct {
		Metadata struct {
			UID    string                  `json:"uid"`
			Owners []metav1.OwnerReference `json:"ownerReferences"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(a.GetPatch(), &patch); err != nil {
		t.Fatal(err)
	}
	if patch.Metadata.UID != "pod-uid" || len(patch.Metadata.Owners) != 1 || patch.Metadata.Owners[0].UID != "rs-uid" || patch.Metadata.Owners[0].Kind != "ReplicaSet" {
		t.Errorf("patch %s", a.GetPatch())
	}
	p, _ := f.cs.CoreV1().Pods(ns).Get(context.Background(), "web-a", metav1.GetOptions{})
	if len(p.OwnerReferences) != 1 || p.OwnerReferences[0].UID != "rs-uid" {
		t.Errorf("the pod's owners after the patch: %+v", p.OwnerReferences)
	}
	// A finalizer removal (the Job controller's) deletes from the list.
	if _, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "web-a",
		Patch: datastore.MetaPatch{RemoveFinalizer: controllers.TrackingFinalizer}}); err != nil {
		t.Fatal(err)
	}
	if got := string(f.last().(k8stesting.PatchAction).GetPatch()); !strings.Contains(got, `"$deleteFromPrimitiveList/finalizers":["batch.kubernetes.io/job-tracking"]`) {
		t.Errorf("finalizer patch %s", got)
	}
}

// The kubelet's status patch: phase, the Ready condition and the containers' states, with the
// pod's UID as its precondition.
func TestKubeletStatusPatch(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-a", Namespace: ns, UID: "pod-uid", ResourceVersion: "11"},
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "web", Image: "web:1"}, {Name: "sidecar", Image: "proxy:1"}}}}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", UID: "node-uid", ResourceVersion: "9"},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}}}
	f := newFixture(t, pod, node)
	k := controllers.Kubelet{Template: &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: "node-1"}}}
	intents := k.Reconcile(f.view, nil)
	if len(intents) != 1 || intents[0].Run == nil || intents[0].Write == nil || intents[0].Write.Verb != datastore.PatchStatus {
		t.Fatalf("the kubelet wants %+v, want to start the pod", intents)
	}
	if _, err := f.w.Send(context.Background(), *intents[0].Write); err != nil {
		t.Fatal(err)
	}
	a := f.last().(k8stesting.PatchAction)
	if a.GetSubresource() != "status" {
		t.Errorf("patched %q, want status", a.GetSubresource())
	}
	p, _ := f.cs.CoreV1().Pods(ns).Get(context.Background(), "web-a", metav1.GetOptions{})
	if p.Status.Phase != corev1.PodRunning || len(p.Status.Conditions) != 1 || p.Status.Conditions[0].Status != corev1.ConditionTrue ||
		len(p.Status.ContainerStatuses) != 2 || !p.Status.ContainerStatuses[1].Ready || p.Status.ContainerStatuses[1].State.Running == nil {
		t.Errorf("status after the patch: %+v", p.Status)
	}
	if !strings.Contains(string(a.GetPatch()), `"uid":"pod-uid"`) {
		t.Errorf("no UID precondition in %s", a.GetPatch())
	}
}

// A binding names the pod's real UID and the node; a delete carries its preconditions.
func TestBindAndDelete(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-a", Namespace: ns, UID: "pod-uid", ResourceVersion: "11"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}
	f := newFixture(t, pod)
	uid := f.view.Pod("web-a").UID
	if _, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: "web-a", UID: uid, Node: "node-2"}); err != nil {
		t.Fatal(err)
	}
	var bind *corev1.Binding
	for _, a := range f.cs.Actions() {
		if c, ok := a.(k8stesting.CreateAction); ok && a.GetSubresource() == "binding" {
			bind = c.GetObject().(*corev1.Binding)
		}
	}
	if bind == nil || bind.UID != "pod-uid" || bind.Target.Name != "node-2" || bind.Target.Kind != "Node" {
		t.Errorf("binding %+v", bind)
	}
	res, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "web-a", UID: uid, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	var del k8stesting.DeleteAction
	for _, a := range f.cs.Actions() {
		if d, ok := a.(k8stesting.DeleteAction); ok {
			del = d
		}
	}
	opts := del.GetDeleteOptions()
	if opts.Preconditions == nil || *opts.Preconditions.UID != "pod-uid" || opts.GracePeriodSeconds == nil || *opts.GracePeriodSeconds != 0 {
		t.Errorf("delete options %+v", opts)
	}
	if !res.Gone {
		t.Errorf("the delete left the pod: %+v", res)
	}
}

// A rejected write returns the API server's status: code and message.
func TestRejection(t *testing.T) {
	f := newFixture(t, replicaSet())
	_, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "nope"})
	if Code(err) != 404 || !strings.Contains(Message(err), "nope") {
		t.Errorf("code %d, message %q", Code(err), Message(err))
	}
}

// The Deployment controller's revision annotation (an update that leaves the spec) goes through
// UpdateStatus, as upstream sends it.
func TestDeploymentRevisionThroughStatus(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, UID: "d-uid", ResourceVersion: "12", Generation: 1},
		Spec: appsv1.DeploymentSpec{Replicas: new(int32(2)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}}}
	f := newFixture(t, d)
	md := f.view.Get(cluster.KindDeployment, "web").DeepCopy().(*cluster.Deployment)
	md.Annotations = md.Annotations.With("deployment.kubernetes.io/revision", "1")
	if _, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Update, Object: md}); err != nil {
		t.Fatal(err)
	}
	if a := f.last(); a.GetVerb() != "update" || a.GetSubresource() != "status" {
		t.Errorf("sent %s %s, want update status", a.GetVerb(), a.GetSubresource())
	}
}

// A Job's status as the API server requires it: the interim condition before Complete, a
// completion time, the start time kept, real UIDs in the uncounted pods.
func TestJobStatus(t *testing.T) {
	ids := convert.NewIdentities()
	u, _ := ids.Model("pod-uid", 5)
	start := metav1.NewTime(time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC))
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	old := batchv1.JobStatus{StartTime: &start}
	st := convert.Job(&cluster.Job{Status: cluster.JobStatus{Succeeded: 1, Condition: "Complete", UncountedSucceeded: []cluster.UID{u}}}).Status
	got := jobStatus(st, old, ids, now)
	if len(got.Conditions) != 2 || got.Conditions[0].Type != batchv1.JobSuccessCriteriaMet || got.Conditions[1].Type != batchv1.JobComplete {
		t.Errorf("conditions %+v", got.Conditions)
	}
	if got.CompletionTime == nil || !got.CompletionTime.Time.Equal(now) || !got.StartTime.Equal(&start) {
		t.Errorf("start %v, completion %v", got.StartTime, got.CompletionTime)
	}
	if got.UncountedTerminatedPods == nil || len(got.UncountedTerminatedPods.Succeeded) != 1 || got.UncountedTerminatedPods.Succeeded[0] != "pod-uid" {
		t.Errorf("uncounted %+v", got.UncountedTerminatedPods)
	}
}

// WaitSeen returns once the informer delivers a write's revision, and false after its limit
// for a revision that never comes.
func TestWaitSeen(t *testing.T) {
	f := newFixture(t, replicaSet())
	rs := f.view.Get(cluster.KindReplicaSet, "web").DeepCopy().(*cluster.ReplicaSet)
	rs.Spec.Replicas = 4
	res, err := f.w.Send(context.Background(), datastore.Write{Verb: datastore.Update, Object: rs})
	if err != nil {
		t.Fatal(err)
	}
	if res.RV == 0 || !f.cache.WaitSeen(context.Background(), cluster.KindReplicaSet, res.RV, 5*time.Second) {
		t.Fatalf("the informer did not deliver revision %d", res.RV)
	}
	f.read()
	if got := f.view.Get(cluster.KindReplicaSet, "web").(*cluster.ReplicaSet).Spec.Replicas; got != 4 {
		t.Errorf("the view after the wait has replicas %d", got)
	}
	if f.cache.WaitSeen(context.Background(), cluster.KindReplicaSet, 1<<40, 50*time.Millisecond) {
		t.Error("WaitSeen reported a revision never written")
	}
}

// A pod the model stamped out of a template the owner no longer has (a user changed it since
// the model read it) is sent as the model made it, not with the owner's new template.
func TestCreateAfterTheTemplateChanged(t *testing.T) {
	f := newFixture(t, replicaSet())
	intents := controllers.ReplicaSetController{}.Reconcile(f.view)
	rs, _ := f.cs.AppsV1().ReplicaSets(ns).Get(context.Background(), "web", metav1.GetOptions{})
	rs.Spec.Template.Spec.Containers[0].Image = "web:2"
	updated, err := f.cs.AppsV1().ReplicaSets(ns).Update(context.Background(), rs, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rv, _ := convert.ParseResourceVersion(updated.ResourceVersion)
	if !f.cache.WaitSeen(context.Background(), cluster.KindReplicaSet, rv, 5*time.Second) {
		t.Fatal("the informer did not deliver the template change")
	}
	res, err := f.w.Send(context.Background(), *intents[0].Write)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.cs.CoreV1().Pods(ns).Get(context.Background(), res.Name, metav1.GetOptions{})
	if len(p.Spec.Containers) != 1 || p.Spec.Containers[0].Image != "web:1" {
		t.Errorf("containers %+v, want the model's one container of web:1", p.Spec.Containers)
	}
}
