package oracle

import (
	"encoding/json"
	"maps"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// The details of objects, computed from upstream's types on both sides (the model's objects are
// converted first), so that only what the model has is compared.

func labels(m map[string]string) string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k+":"+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}

func owners(rs []metav1.OwnerReference) string {
	var out []string
	for _, r := range rs {
		s := r.Kind + "/" + r.Name + "/" + string(r.UID)
		if r.Controller != nil && *r.Controller {
			s += "/controller"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func podDetail(p *corev1.Pod) string {
	var image, cpu string
	if len(p.Spec.Containers) > 0 {
		image = p.Spec.Containers[0].Image
		if q, ok := p.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU]; ok {
			cpu = q.String()
		}
	}
	var claims []string
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims = append(claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	return detail("labels", labels(p.Labels), "owner", owners(p.OwnerReferences), "finalizers", strings.Join(p.Finalizers, ","),
		"image", image, "cpu", cpu, "restartPolicy", p.Spec.RestartPolicy, "nodeName", p.Spec.NodeName,
		"hostname", p.Spec.Hostname, "subdomain", p.Spec.Subdomain, "claims", strings.Join(claims, ","))
}

func replicaSetStatus(st appsv1.ReplicaSetStatus) string {
	var conds []string
	for _, c := range st.Conditions {
		conds = append(conds, string(c.Type)+":"+string(c.Status))
	}
	term := ""
	if st.TerminatingReplicas != nil {
		term = itoa(int64(*st.TerminatingReplicas))
	}
	return detail("replicas", st.Replicas, "fullyLabeledReplicas", st.FullyLabeledReplicas, "readyReplicas", st.ReadyReplicas,
		"availableReplicas", st.AvailableReplicas, "observedGeneration", st.ObservedGeneration, "terminatingReplicas", term,
		"conditions", strings.Join(conds, ","))
}

// deploymentStatus compares the Available condition and leaves Progressing out: the model
// keeps its reason only, recomputed at each status write (DeploymentController's doc
// comment), where upstream keeps times and messages and sets the reason in writes of its own.
// revision is the revision annotation, which upstream writes with UpdateStatus.
func deploymentStatus(st appsv1.DeploymentStatus, revision string) string {
	var conds []string
	for _, c := range st.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			conds = append(conds, string(c.Type)+":"+string(c.Status))
		}
	}
	cc := ""
	if st.CollisionCount != nil {
		cc = itoa(int64(*st.CollisionCount))
	}
	return detail("replicas", st.Replicas, "updatedReplicas", st.UpdatedReplicas, "readyReplicas", st.ReadyReplicas,
		"availableReplicas", st.AvailableReplicas, "unavailableReplicas", st.UnavailableReplicas,
		"observedGeneration", st.ObservedGeneration, "collisionCount", cc, "conditions", strings.Join(conds, ","), "revision", revision)
}

// jobStatus leaves out status.terminating (JobPodReplacementPolicy) and the interim
// SuccessCriteriaMet and FailureTarget conditions, which the model does not have.
func jobStatus(st batchv1.JobStatus) string {
	var conds []string
	for _, c := range st.Conditions {
		// The interim conditions (v1.31 on), which the model does not write: the final
		// condition waits, in both, until nothing is left to count.
		if c.Type == batchv1.JobSuccessCriteriaMet || c.Type == batchv1.JobFailureTarget {
			continue
		}
		conds = append(conds, string(c.Type)+":"+string(c.Status))
	}
	var us, uf int
	if u := st.UncountedTerminatedPods; u != nil {
		us, uf = len(u.Succeeded), len(u.Failed)
	}
	return detail("active", st.Active, "ready", deref(st.Ready), "succeeded", st.Succeeded, "failed", st.Failed,
		"uncountedSucceeded", us, "uncountedFailed", uf,
		"completedIndexes", st.CompletedIndexes, "conditions", strings.Join(conds, ","),
		"startTime", st.StartTime != nil, "completionTime", st.CompletionTime != nil)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// objectDetail is the detail of a created or updated object; status says whether only the
// status is written.
func objectDetail(o runtime.Object, status bool) string {
	switch o := o.(type) {
	case *corev1.Pod:
		if status {
			return detail("phase", o.Status.Phase)
		}
		return podDetail(o)
	case *appsv1.StatefulSet:
		if status {
			st := o.Status
			return detail("replicas", st.Replicas, "readyReplicas", st.ReadyReplicas, "availableReplicas", st.AvailableReplicas,
				"currentReplicas", st.CurrentReplicas, "updatedReplicas", st.UpdatedReplicas, "currentRevision", st.CurrentRevision,
				"updateRevision", st.UpdateRevision, "observedGeneration", st.ObservedGeneration)
		}
		return detail("replicas", deref(o.Spec.Replicas), "template", podDetail(&corev1.Pod{ObjectMeta: o.Spec.Template.ObjectMeta, Spec: o.Spec.Template.Spec}))
	case *appsv1.ControllerRevision:
		return detail("revision", o.Revision, "owner", owners(o.OwnerReferences))
	case *corev1.PersistentVolumeClaim:
		return detail("labels", labels(o.Labels), "owner", owners(o.OwnerReferences))
	case *appsv1.Deployment:
		if status {
			return deploymentStatus(o.Status, o.Annotations["deployment.kubernetes.io/revision"])
		}
		return detail("replicas", deref(o.Spec.Replicas), "paused", o.Spec.Paused, "revision", o.Annotations["deployment.kubernetes.io/revision"],
			"template", podDetail(&corev1.Pod{ObjectMeta: o.Spec.Template.ObjectMeta, Spec: o.Spec.Template.Spec}))
	case *batchv1.Job:
		if status {
			return jobStatus(o.Status)
		}
		return detail("parallelism", deref(o.Spec.Parallelism), "completions", deref(o.Spec.Completions), "owner", owners(o.OwnerReferences))
	case *appsv1.ReplicaSet:
		if status {
			return replicaSetStatus(o.Status)
		}
		ann := maps.Clone(o.Annotations)
		delete(ann, "deployment.kubernetes.io/revision-history") // the model keeps none (README, Fidelity)
		return detail("replicas", deref(o.Spec.Replicas), "labels", labels(o.Labels), "owner", owners(o.OwnerReferences),
			"annotations", labels(ann), "template", podDetail(&corev1.Pod{ObjectMeta: o.Spec.Template.ObjectMeta, Spec: o.Spec.Template.Spec}))
	}
	return ""
}

func deref(p *int32) string {
	if p == nil {
		return ""
	}
	return itoa(int64(*p))
}

func nameOf(m metav1.Object) string {
	if m.GetName() == "" {
		return m.GetGenerateName() + "*"
	}
	return m.GetName()
}

// patchDetail reads a strategic-merge patch of metadata, as controllers send them: the owner
// references added or deleted, the finalizers added or deleted, and the UID precondition.
func patchDetail(patch []byte) string {
	var p struct {
		Metadata struct {
			UID             string            `json:"uid"`
			OwnerReferences []json.RawMessage `json:"ownerReferences"`
			Finalizers      []string          `json:"finalizers"`
			DeleteFinalizer []string          `json:"$deleteFromPrimitiveList/finalizers"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return "unreadable patch " + string(patch)
	}
	var adopt, release []string
	for _, raw := range p.Metadata.OwnerReferences {
		var r struct {
			UID   string `json:"uid"`
			Patch string `json:"$patch"`
		}
		_ = json.Unmarshal(raw, &r)
		if r.Patch == "delete" {
			release = append(release, r.UID)
		} else {
			adopt = append(adopt, r.UID)
		}
	}
	return detail("adopt", strings.Join(adopt, ","), "release", strings.Join(release, ","),
		"addFinalizer", strings.Join(p.Metadata.Finalizers, ","), "removeFinalizer", strings.Join(p.Metadata.DeleteFinalizer, ","),
		"uid", p.Metadata.UID)
}

// FromAction is the write a fake clientset's action records; false for a read (get, list,
// watch) or an event.
func FromAction(a k8stesting.Action) (Write, bool) {
	res := a.GetResource().Resource
	if res == "events" {
		return Write{}, false
	}
	verb := a.GetVerb()
	if a.GetSubresource() != "" && a.GetSubresource() != "binding" {
		verb += "/" + a.GetSubresource()
	}
	// Switched on the verb: CreateAction and UpdateAction have the same methods.
	switch a.GetVerb() {
	case "create":
		o := a.(k8stesting.CreateAction).GetObject()
		if b, ok := o.(*corev1.Binding); ok {
			return Write{Verb: "bind", Resource: res, Name: b.Name, Detail: detail("node", b.Target.Name, "uid", b.UID)}, true
		}
		m, _ := o.(metav1.Object)
		return Write{Verb: verb, Resource: res, Name: nameOf(m), Detail: objectDetail(o, false)}, true
	case "update":
		o := a.(k8stesting.UpdateAction).GetObject()
		m, _ := o.(metav1.Object)
		return Write{Verb: verb, Resource: res, Name: m.GetName(), Detail: objectDetail(o, a.GetSubresource() == "status")}, true
	case "patch":
		p := a.(k8stesting.PatchAction)
		return Write{Verb: verb, Resource: res, Name: p.GetName(), Detail: patchDetail(p.GetPatch())}, true
	case "delete":
		d := a.(k8stesting.DeleteAction)
		opts := d.GetDeleteOptions()
		uid, grace := "", ""
		if opts.Preconditions != nil && opts.Preconditions.UID != nil {
			uid = string(*opts.Preconditions.UID)
		}
		if opts.GracePeriodSeconds != nil {
			grace = itoa(*opts.GracePeriodSeconds)
		}
		return Write{Verb: verb, Resource: res, Name: d.GetName(), Detail: detail("uid", uid, "grace", grace)}, true
	}
	return Write{}, false
}

// FromModel is the signature of the model's write w.
func FromModel(w *datastore.Write) Write {
	kind, name := w.Target()
	res := kind.Resource()
	switch w.Verb {
	case datastore.Create:
		o := convert.Object(w.Object)
		return Write{Verb: "create", Resource: res, Name: nameOf(o.(metav1.Object)), Detail: objectDetail(o, false)}
	case datastore.Update:
		return Write{Verb: "update", Resource: res, Name: name, Detail: objectDetail(convert.Object(w.Object), false)}
	case datastore.UpdateStatus:
		return Write{Verb: "update/status", Resource: res, Name: name, Detail: objectDetail(convert.Object(w.Object), true)}
	case datastore.Delete:
		grace := ""
		if w.Force {
			grace = "0"
		}
		return Write{Verb: "delete", Resource: res, Name: name, Detail: detail("uid", convert.UID(w.UID), "grace", grace)}
	case datastore.Patch:
		var adopt, release string
		if w.Patch.AddOwner.UID != 0 {
			adopt = string(convert.UID(w.Patch.AddOwner.UID))
		}
		if w.Patch.RemoveOwner != 0 {
			release = string(convert.UID(w.Patch.RemoveOwner))
		}
		return Write{Verb: "patch", Resource: res, Name: name, Detail: detail("adopt", adopt, "release", release,
			"addFinalizer", w.Patch.AddFinalizer, "removeFinalizer", w.Patch.RemoveFinalizer, "uid", convert.UID(w.UID))}
	case datastore.Bind:
		return Write{Verb: "bind", Resource: res, Name: name, Detail: detail("node", w.Node, "uid", convert.UID(w.UID))}
	}
	return Write{Verb: "unknown", Resource: res, Name: name}
}

// viewDetail gives the detail of a write's object as view v has it, converted, and passed
// through translate (the model's names to upstream's; nil for none).
func viewDetail(v *cluster.Cluster, translate func(string) string) func(Write) (string, bool) {
	return func(w Write) (string, bool) {
		for _, o := range v.Objects() {
			if o.Kind().Resource() == w.Resource && o.Meta().Name == w.Name {
				d := objectDetail(convert.Object(o), strings.HasSuffix(w.Verb, "/status"))
				if translate != nil {
					d = translate(d)
				}
				return d, true
			}
		}
		return "", false
	}
}
