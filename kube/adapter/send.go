package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// Writer makes the model's writes on a real API server, each as the upstream call it mirrors
// (controllers.Writes): creates, updates and status updates of typed objects, strategic-merge
// patches of metadata and of a pod's status, bindings, and deletes with their preconditions.
//
// The model keeps less of an object than the API does (one container's image and CPU request,
// no ports, probes or resources beyond CPU), so a write does not send the model's object as
// it is:
//   - a pod created for a workload gets the spec of its owner's pod template as the cache
//     holds it, with the model's node, hostname and claims; a ReplicaSet created for a
//     Deployment and a StatefulSet's ControllerRevision get their owner's template the same
//     way (when it is the template the model acted on);
//   - an update or status update is the cached object with what the model changed: its
//     metadata, a ReplicaSet's replicas, a ControllerRevision's revision, and the status; its
//     resourceVersion is the one the model read (the write's precondition);
//   - a Job's status gets what the API server requires of it and the model does not keep
//     (startTime, completionTime, and the SuccessCriteriaMet or FailureTarget condition
//     before Complete or Failed, as upstream's Job controller writes them since v1.31).
type Writer struct {
	cs    kubernetes.Interface
	ns    string
	ids   *convert.Identities
	cache *Cache
	now   func() time.Time
}

// NewWriter writes to namespace ns through cs; cache is the informers the model read (for the
// objects' fields the model does not keep).
func NewWriter(cs kubernetes.Interface, ns string, ids *convert.Identities, cache *Cache) *Writer {
	return &Writer{cs: cs, ns: ns, ids: ids, cache: cache, now: time.Now}
}

// Result is an accepted write's effect: the object's name (the generated one for a create with
// generateName) and its resourceVersion afterwards, or Gone when the write removed it.
type Result struct {
	Name string
	RV   int64
	Gone bool
}

// Send makes write w. A rejected write returns the API server's error (an
// apierrors.APIStatus: Code and Message say why).
func (wr *Writer) Send(ctx context.Context, w datastore.Write) (Result, error) {
	kind, name := w.Target()
	switch w.Verb {
	case datastore.Create:
		obj, err := wr.created(w.Object)
		if err != nil {
			return Result{}, err
		}
		return wr.result(wr.do(ctx, kind, request{verb: "create", obj: obj}))
	case datastore.Update, datastore.UpdateStatus:
		obj, err := wr.updated(w.Object, w.Verb == datastore.UpdateStatus)
		if err != nil {
			return Result{}, err
		}
		verb := "update"
		if w.Verb == datastore.UpdateStatus {
			verb = "updateStatus"
		}
		if cur := wr.cache.Get(kind, wr.ns, name); cur != nil && w.Verb == datastore.Update {
			if c, err := convert.ModelObject(cur, wr.ids); err == nil && controllers.ThroughStatus(c, w) {
				verb = "updateStatus"
			}
		}
		return wr.result(wr.do(ctx, kind, request{verb: verb, obj: obj}))
	case datastore.Patch:
		patch, err := wr.metaPatch(w)
		if err != nil {
			return Result{}, err
		}
		return wr.result(wr.do(ctx, kind, request{verb: "patch", name: name, patch: patch}))
	case datastore.PatchStatus:
		patch, err := wr.statusPatch(w)
		if err != nil {
			return Result{}, err
		}
		return wr.result(wr.do(ctx, kind, request{verb: "patch", name: name, patch: patch, sub: []string{"status"}}))
	case datastore.Bind:
		b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: wr.ns, UID: wr.ids.Real(w.UID)},
			Target: corev1.ObjectReference{Kind: "Node", Name: w.Node}}
		if err := wr.cs.CoreV1().Pods(wr.ns).Bind(ctx, b, metav1.CreateOptions{}); err != nil {
			return Result{}, err
		}
		return wr.after(ctx, kind, name)
	case datastore.Delete:
		opts := metav1.DeleteOptions{}
		if w.UID != 0 {
			u := wr.ids.Real(w.UID)
			opts.Preconditions = &metav1.Preconditions{UID: &u}
		}
		if w.Force {
			opts.GracePeriodSeconds = new(int64(0))
		}
		if _, err := wr.do(ctx, kind, request{verb: "delete", name: name, del: opts}); err != nil {
			return Result{}, err
		}
		return wr.after(ctx, kind, name)
	}
	return Result{}, fmt.Errorf("unknown verb %v", w.Verb)
}

// after reads the object a write without an answer (a binding, a delete) left.
func (wr *Writer) after(ctx context.Context, kind cluster.Kind, name string) (Result, error) {
	o, err := wr.do(ctx, kind, request{verb: "get", name: name})
	if apierrors.IsNotFound(err) {
		return Result{Name: name, Gone: true}, nil
	}
	return wr.result(o, err)
}

func (wr *Writer) result(o runtime.Object, err error) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	m, err := meta.Accessor(o)
	if err != nil {
		return Result{}, err
	}
	rv, err := convert.ParseResourceVersion(m.GetResourceVersion())
	return Result{Name: m.GetName(), RV: rv}, err
}

// real converts a model object into the typed object a client sends: the namespace, real UIDs
// (its own and its owners'), no server-set times.
func (wr *Writer) real(o cluster.Object) (runtime.Object, metav1.Object, error) {
	ro := convert.Object(o)
	if ro == nil {
		return nil, nil, fmt.Errorf("no conversion for %s", o.Kind())
	}
	m := ro.(metav1.Object)
	if o.Kind() == cluster.KindNode {
		m.SetNamespace("")
	} else {
		m.SetNamespace(wr.ns)
	}
	m.SetUID(wr.ids.Real(o.Meta().UID))
	refs := m.GetOwnerReferences()
	for i := range refs {
		refs[i].UID = wr.ids.Real(convert.ModelUID(refs[i].UID))
	}
	m.SetOwnerReferences(refs)
	m.SetCreationTimestamp(metav1.Time{})
	m.SetDeletionTimestamp(nil)
	m.SetDeletionGracePeriodSeconds(nil)
	return ro, m, nil
}

// ownerTemplate returns the pod template, as the cache holds it, that o (a pod or a
// ReplicaSet the model creates) was stamped out of: its controller's template when it makes
// what the model made (a template may have changed since the model read it), or, for a
// StatefulSet's pod, the ControllerRevision its revision label names. It reports false when
// none does: the model's own conversion is sent then.
func (wr *Writer) ownerTemplate(o cluster.Object) (*corev1.PodTemplateSpec, bool) {
	ref, ok := o.Meta().ControllerRef()
	if !ok {
		return nil, false
	}
	var candidates []*corev1.PodTemplateSpec
	switch owner := wr.cache.Get(ref.Kind, wr.ns, ref.Name).(type) {
	case *appsv1.ReplicaSet:
		candidates = append(candidates, &owner.Spec.Template)
	case *appsv1.Deployment:
		candidates = append(candidates, &owner.Spec.Template)
	case *appsv1.StatefulSet:
		if rev, ok := o.Meta().Labels.Get(controllers.RevisionLabel); ok {
			if cr, ok := wr.cache.Get(cluster.KindControllerRevision, wr.ns, rev).(*appsv1.ControllerRevision); ok {
				if t, err := convert.RevisionTemplate(cr); err == nil {
					candidates = append(candidates, t)
				}
			}
		}
		candidates = append(candidates, &owner.Spec.Template)
	case *batchv1.Job:
		candidates = append(candidates, &owner.Spec.Template)
	}
	var spec cluster.PodSpec
	switch x := o.(type) {
	case *cluster.Pod:
		spec = x.Spec
	case *cluster.ReplicaSet:
		spec = x.Spec.Template.Spec
	default:
		return nil, false
	}
	for _, t := range candidates {
		if convert.PodSpecMatches(t, spec) {
			return t.DeepCopy(), true
		}
	}
	return nil, false
}

// withAnnotations is a with the annotations of from it does not have (the model keeps no
// template annotations).
func withAnnotations(a, from map[string]string) map[string]string {
	for k, v := range from {
		if _, ok := a[k]; !ok {
			if a == nil {
				a = map[string]string{}
			}
			a[k] = v
		}
	}
	return a
}

// refName is the name of o's controller ("" for none).
func refName(o cluster.Object) string {
	ref, _ := o.Meta().ControllerRef()
	return ref.Name
}

// withOwnerSpec returns spec, the model's converted pod spec, with the owner's template spec
// under it: the owner's containers and everything else the model does not keep.
func withOwnerSpec(spec corev1.PodSpec, owner *corev1.PodTemplateSpec) corev1.PodSpec {
	out := *owner.Spec.DeepCopy()
	out.NodeName, out.Hostname, out.Subdomain = spec.NodeName, spec.Hostname, spec.Subdomain
	for _, v := range spec.Volumes {
		replaced := false
		for i := range out.Volumes {
			if out.Volumes[i].Name == v.Name {
				out.Volumes[i], replaced = v, true
			}
		}
		if !replaced {
			out.Volumes = append(out.Volumes, v)
		}
	}
	return out
}

// created is the object a create sends.
func (wr *Writer) created(o cluster.Object) (runtime.Object, error) {
	ro, m, err := wr.real(o)
	if err != nil {
		return nil, err
	}
	m.SetUID("")
	m.SetResourceVersion("")
	m.SetGeneration(0)
	tmpl, hasOwner := wr.ownerTemplate(o)
	switch x := ro.(type) {
	case *corev1.Pod:
		x.Status = corev1.PodStatus{}
		if hasOwner {
			x.Spec = withOwnerSpec(x.Spec, tmpl)
			x.Annotations = withAnnotations(x.Annotations, tmpl.Annotations) // as upstream's pod control copies them
		}
	case *appsv1.ReplicaSet:
		x.Status = appsv1.ReplicaSetStatus{}
		if hasOwner {
			x.Spec.Template.Spec = withOwnerSpec(x.Spec.Template.Spec, tmpl)
			x.Spec.Template.Annotations = withAnnotations(x.Spec.Template.Annotations, tmpl.Annotations)
		}
	case *appsv1.ControllerRevision:
		// The set's current template, when it is the one the model recorded.
		if set, ok := wr.cache.Get(cluster.KindStatefulSet, wr.ns, refName(o)).(*appsv1.StatefulSet); ok && convert.TemplateEqual(&set.Spec.Template, o.(*cluster.ControllerRevision).Template) {
			x.Data = convert.RevisionData(&set.Spec.Template)
		}
	case *corev1.PersistentVolumeClaim:
		x.Status = corev1.PersistentVolumeClaimStatus{}
	}
	return ro, nil
}

// updated is the object an update or status update of o sends: the cached object with what
// the model changes.
func (wr *Writer) updated(o cluster.Object, status bool) (runtime.Object, error) {
	ro, m, err := wr.real(o)
	if err != nil {
		return nil, err
	}
	cached := wr.cache.Get(o.Kind(), wr.ns, o.Meta().Name)
	if cached == nil {
		return ro, nil // not in the cache: sent as converted (the API server will say 404)
	}
	base := cached.DeepCopyObject()
	bm := base.(metav1.Object)
	bm.SetResourceVersion(m.GetResourceVersion())
	bm.SetUID(m.GetUID())
	if !status {
		bm.SetLabels(m.GetLabels())
		bm.SetAnnotations(m.GetAnnotations())
		bm.SetFinalizers(m.GetFinalizers())
		bm.SetOwnerReferences(m.GetOwnerReferences())
	}
	switch b := base.(type) {
	case *appsv1.ReplicaSet:
		if status {
			b.Status = ro.(*appsv1.ReplicaSet).Status
		} else {
			b.Spec.Replicas = ro.(*appsv1.ReplicaSet).Spec.Replicas
		}
	case *appsv1.Deployment:
		if status {
			b.Status = withConditionTimes(ro.(*appsv1.Deployment).Status, b.Status, wr.now())
		}
	case *appsv1.StatefulSet:
		if status {
			b.Status = ro.(*appsv1.StatefulSet).Status
		}
	case *appsv1.ControllerRevision:
		b.Revision = ro.(*appsv1.ControllerRevision).Revision
	case *batchv1.Job:
		if status {
			b.Status = jobStatus(ro.(*batchv1.Job).Status, b.Status, wr.ids, wr.now())
		}
	case *corev1.Pod:
		if status {
			b.Status = ro.(*corev1.Pod).Status
		}
	}
	return base, nil
}

// withConditionTimes keeps the times of the Deployment conditions that did not change, and
// stamps the others now.
func withConditionTimes(st, old appsv1.DeploymentStatus, now time.Time) appsv1.DeploymentStatus {
	t := metav1.NewTime(now.Truncate(time.Second))
	for i, c := range st.Conditions {
		st.Conditions[i].LastUpdateTime, st.Conditions[i].LastTransitionTime = t, t
		for _, o := range old.Conditions {
			if o.Type == c.Type && o.Status == c.Status {
				st.Conditions[i].LastTransitionTime = o.LastTransitionTime
				if o.Reason == c.Reason {
					st.Conditions[i].LastUpdateTime = o.LastUpdateTime
				}
			}
		}
	}
	return st
}

// jobStatus is the model's Job status st as the API server accepts it (v1.34's status
// validation): real UIDs of uncounted pods; the startTime kept (or set now); the interim
// condition before a final one (SuccessCriteriaMet before Complete, FailureTarget before
// Failed) and, when complete, a completionTime.
func jobStatus(st, old batchv1.JobStatus, ids *convert.Identities, now time.Time) batchv1.JobStatus {
	t := metav1.NewTime(now.Truncate(time.Second))
	if u := st.UncountedTerminatedPods; u != nil {
		for i := range u.Succeeded {
			u.Succeeded[i] = ids.Real(convert.ModelUID(u.Succeeded[i]))
		}
		for i := range u.Failed {
			u.Failed[i] = ids.Real(convert.ModelUID(u.Failed[i]))
		}
	} else if old.UncountedTerminatedPods != nil {
		st.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	st.StartTime, st.CompletionTime = old.StartTime, old.CompletionTime
	if st.StartTime == nil {
		st.StartTime = &t
	}
	var conds []batchv1.JobCondition
	for _, c := range st.Conditions {
		interim := batchv1.JobSuccessCriteriaMet
		reason := "CompletionsReached"
		if c.Type == batchv1.JobFailed {
			interim, reason = batchv1.JobFailureTarget, "BackoffLimitExceeded"
		}
		conds = append(conds, batchv1.JobCondition{Type: interim, Status: corev1.ConditionTrue, Reason: reason, LastProbeTime: t, LastTransitionTime: t},
			batchv1.JobCondition{Type: c.Type, Status: corev1.ConditionTrue, Reason: reason, LastProbeTime: t, LastTransitionTime: t})
		if c.Type == batchv1.JobComplete && st.CompletionTime == nil {
			st.CompletionTime = &t
		}
	}
	for i, c := range conds { // the times of conditions already there are kept
		for _, o := range old.Conditions {
			if o.Type == c.Type && o.Status == c.Status {
				conds[i] = o
			}
		}
	}
	st.Conditions = conds
	return st
}

// metaPatch is a metadata patch (upstream's ControllerRefManager and Job finalizer patches):
// the owner reference merged by UID, finalizers as a set, metadata.uid as a precondition.
func (wr *Writer) metaPatch(w datastore.Write) ([]byte, error) {
	m := map[string]any{}
	if w.UID != 0 {
		m["uid"] = string(wr.ids.Real(w.UID))
	}
	if o := w.Patch.AddOwner; o.UID != 0 {
		ref := convert.OwnerReference(o)
		ref.UID = wr.ids.Real(o.UID)
		m["ownerReferences"] = []any{ref}
	}
	if u := w.Patch.RemoveOwner; u != 0 {
		m["ownerReferences"] = []any{map[string]any{"$patch": "delete", "uid": string(wr.ids.Real(u))}}
	}
	if f := w.Patch.AddFinalizer; f != "" {
		m["finalizers"] = []string{f}
	}
	if f := w.Patch.RemoveFinalizer; f != "" {
		m["$deleteFromPrimitiveList/finalizers"] = []string{f}
	}
	return json.Marshal(map[string]any{"metadata": m})
}

// statusPatch is the kubelet status manager's patch of a pod's status (phase, reason, the
// Ready condition, container statuses for the pod's containers as the cache has them), with
// metadata.uid as its precondition.
func (wr *Writer) statusPatch(w datastore.Write) ([]byte, error) {
	p, ok := w.Object.(*cluster.Pod)
	if !ok {
		return nil, fmt.Errorf("a status patch of a %s", w.Object.Kind())
	}
	t := metav1.NewTime(wr.now().Truncate(time.Second))
	st := corev1.PodStatus{Phase: corev1.PodPhase(p.Status.Phase), Reason: p.Status.Reason}
	ready := corev1.ConditionFalse
	if p.Status.Ready {
		ready = corev1.ConditionTrue
	}
	st.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: ready, LastTransitionTime: t}}
	if cached, ok := wr.cache.Get(cluster.KindPod, wr.ns, p.Name).(*corev1.Pod); ok {
		if cached.Status.StartTime != nil {
			st.StartTime = cached.Status.StartTime
		} else if p.Status.Phase == cluster.PodRunning {
			st.StartTime = &t
		}
		for _, c := range cached.Spec.Containers {
			cs := corev1.ContainerStatus{Name: c.Name, Image: c.Image, Ready: p.Status.Ready, Started: new(p.Status.Phase == cluster.PodRunning)}
			switch p.Status.Phase {
			case cluster.PodRunning:
				cs.State.Running = &corev1.ContainerStateRunning{StartedAt: t}
			case cluster.PodSucceeded:
				cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", FinishedAt: t}
			case cluster.PodFailed:
				cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: t}
			default:
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
			}
			st.ContainerStatuses = append(st.ContainerStatuses, cs)
		}
	}
	m := map[string]any{}
	if w.UID != 0 {
		m["uid"] = string(wr.ids.Real(w.UID))
	}
	return json.Marshal(map[string]any{"metadata": m, "status": st})
}

// request is one API call.
type request struct {
	verb  string // create, update, updateStatus, patch, delete, get
	obj   runtime.Object
	name  string
	patch []byte
	sub   []string
	del   metav1.DeleteOptions
}

// client is what every typed client of client-go offers.
type client[T runtime.Object] interface {
	Create(context.Context, T, metav1.CreateOptions) (T, error)
	Update(context.Context, T, metav1.UpdateOptions) (T, error)
	Delete(context.Context, string, metav1.DeleteOptions) error
	Get(context.Context, string, metav1.GetOptions) (T, error)
	Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (T, error)
}

// statusClient is a typed client of a kind with a status subresource.
type statusClient[T runtime.Object] interface {
	UpdateStatus(context.Context, T, metav1.UpdateOptions) (T, error)
}

func call[T runtime.Object](ctx context.Context, c client[T], r request) (runtime.Object, error) {
	var out T
	var err error
	switch r.verb {
	case "create":
		out, err = c.Create(ctx, r.obj.(T), metav1.CreateOptions{})
	case "update":
		out, err = c.Update(ctx, r.obj.(T), metav1.UpdateOptions{})
	case "updateStatus":
		sc, ok := any(c).(statusClient[T])
		if !ok {
			return nil, fmt.Errorf("no status subresource for %T", r.obj)
		}
		out, err = sc.UpdateStatus(ctx, r.obj.(T), metav1.UpdateOptions{})
	case "patch":
		out, err = c.Patch(ctx, r.name, types.StrategicMergePatchType, r.patch, metav1.PatchOptions{}, r.sub...)
	case "delete":
		return nil, c.Delete(ctx, r.name, r.del)
	case "get":
		out, err = c.Get(ctx, r.name, metav1.GetOptions{})
	default:
		return nil, fmt.Errorf("unknown call %q", r.verb)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (wr *Writer) do(ctx context.Context, k cluster.Kind, r request) (runtime.Object, error) {
	switch k {
	case cluster.KindNode:
		return call(ctx, wr.cs.CoreV1().Nodes(), r)
	case cluster.KindPod:
		return call(ctx, wr.cs.CoreV1().Pods(wr.ns), r)
	case cluster.KindReplicaSet:
		return call(ctx, wr.cs.AppsV1().ReplicaSets(wr.ns), r)
	case cluster.KindDeployment:
		return call(ctx, wr.cs.AppsV1().Deployments(wr.ns), r)
	case cluster.KindStatefulSet:
		return call(ctx, wr.cs.AppsV1().StatefulSets(wr.ns), r)
	case cluster.KindControllerRevision:
		return call(ctx, wr.cs.AppsV1().ControllerRevisions(wr.ns), r)
	case cluster.KindPersistentVolumeClaim:
		return call(ctx, wr.cs.CoreV1().PersistentVolumeClaims(wr.ns), r)
	case cluster.KindJob:
		return call(ctx, wr.cs.BatchV1().Jobs(wr.ns), r)
	}
	return nil, fmt.Errorf("no client for kind %s", k)
}

// Code is the HTTP status of a write's error: the API server's, or 0 for an error that is not
// an API status (a broken connection).
func Code(err error) int {
	if s, ok := err.(apierrors.APIStatus); ok {
		return int(s.Status().Code)
	}
	return 0
}

// Message is the API server's message of a write's error (its status code aside), or the
// error.
func Message(err error) string {
	if s, ok := err.(apierrors.APIStatus); ok {
		return s.Status().Message
	}
	return err.Error()
}
