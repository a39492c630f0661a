// Package convert turns the model's objects (models/cluster) into upstream Kubernetes API
// objects (k8s.io/api v0.34.3), so that upstream's controllers can run on a view of the model.
//
// The model has no clock and no namespaces; the conversion fixes them:
//   - every object is in namespace "default";
//   - a UID u is "uid-<u>", a resourceVersion n is "<n>";
//   - times are revisions: an object created at revision r has creationTimestamp Epoch + r
//     seconds, and a DeletionTimestamp d becomes Epoch + d seconds; a Ready condition's
//     lastTransitionTime is the pod's creation time (minReadySeconds is not modelled, so a
//     ready pod is available);
//   - a pod has one container, "app", with the pod's image and CPU request; its claims are
//     volumes named after the claim (for a StatefulSet's pod, after the claim's template).
package convert

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/themelios/themelios/models/cluster"
)

// Namespace is the namespace of every converted object.
const Namespace = "default"

// Epoch is the time of revision 0.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// At is the time of revision r.
func At(r int64) metav1.Time { return metav1.NewTime(Epoch.Add(time.Duration(r) * time.Second)) }

// UID is the upstream UID of the model's u ("" for 0).
func UID(u cluster.UID) types.UID {
	if u == 0 {
		return ""
	}
	return types.UID("uid-" + strconv.FormatUint(uint64(u), 10))
}

// ModelUID is the model's UID of an upstream one made by UID (0 if it is not one).
func ModelUID(u types.UID) cluster.UID {
	var n uint64
	if _, err := fmt.Sscanf(string(u), "uid-%d", &n); err != nil {
		return 0
	}
	return cluster.UID(n)
}

// GroupVersion is the API group and version of a kind.
func GroupVersion(k cluster.Kind) string {
	switch k {
	case cluster.KindReplicaSet, cluster.KindDeployment, cluster.KindStatefulSet, cluster.KindControllerRevision:
		return "apps/v1"
	case cluster.KindJob:
		return "batch/v1"
	}
	return "v1"
}

// Labels is a label set as a map (nil for none).
func Labels(l cluster.Labels) map[string]string {
	if len(l) == 0 {
		return nil
	}
	m := make(map[string]string, len(l))
	for _, kv := range l {
		m[kv.Key] = kv.Value
	}
	return m
}

// Meta converts object metadata.
func Meta(m *cluster.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name: m.Name, GenerateName: m.GenerateName, Namespace: Namespace, UID: UID(m.UID),
		Labels: Labels(m.Labels), Annotations: Labels(m.Annotations), Generation: m.Generation,
		CreationTimestamp: At(m.CreationRevision),
	}
	if m.ResourceVersion != 0 {
		out.ResourceVersion = strconv.FormatInt(m.ResourceVersion, 10)
	}
	if len(m.Finalizers) > 0 {
		out.Finalizers = append([]string(nil), m.Finalizers...)
	}
	for _, r := range m.OwnerReferences {
		out.OwnerReferences = append(out.OwnerReferences, OwnerReference(r))
	}
	if m.DeletionTimestamp != 0 {
		t := At(m.DeletionTimestamp)
		out.DeletionTimestamp = &t
		out.DeletionGracePeriodSeconds = new(int64(30))
	}
	return out
}

// OwnerReference converts an owner reference as controllers set them (upstream's
// metav1.NewControllerRef: blockOwnerDeletion and controller true for a controller).
func OwnerReference(r cluster.OwnerReference) metav1.OwnerReference {
	out := metav1.OwnerReference{APIVersion: GroupVersion(r.Kind), Kind: r.Kind.String(), Name: r.Name, UID: UID(r.UID)}
	if r.Controller {
		out.Controller, out.BlockOwnerDeletion = new(true), new(true)
	}
	return out
}

// PodSpec converts a pod spec.
func PodSpec(s cluster.PodSpec) corev1.PodSpec {
	c := corev1.Container{Name: "app", Image: s.Image}
	if s.CPU != 0 {
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(s.CPU, resource.DecimalSI)}
	}
	out := corev1.PodSpec{NodeName: s.NodeName, Containers: []corev1.Container{c}, RestartPolicy: corev1.RestartPolicy(s.RestartPolicy), Hostname: s.Hostname}
	for _, t := range s.Tolerations {
		op := corev1.TolerationOpEqual
		if t.Value == "" {
			op = corev1.TolerationOpExists
		}
		out.Tolerations = append(out.Tolerations, corev1.Toleration{Key: t.Key, Operator: op, Value: t.Value, Effect: corev1.TaintEffectNoSchedule})
	}
	for _, claim := range s.Claims {
		out.Volumes = append(out.Volumes, corev1.Volume{Name: claim, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}})
	}
	return out
}

// Pod converts a pod. Its Ready condition is set for Running pods (True when ready); a
// StatefulSet's pod has its set's service as subdomain.
func Pod(p *cluster.Pod) *corev1.Pod {
	out := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: Meta(&p.ObjectMeta), Spec: PodSpec(p.Spec)}
	if ref, ok := p.ControllerRef(); ok && ref.Kind == cluster.KindStatefulSet {
		if p.Spec.Hostname != "" {
			out.Spec.Subdomain = ref.Name // the set's service, named after the set (StatefulSet)
		}
		// A claim <template>-<set>-<ordinal> is mounted as a volume named after its template.
		for i := range out.Spec.Volumes {
			name := out.Spec.Volumes[i].Name
			if j := strings.LastIndex(name, "-"+ref.Name+"-"); j > 0 {
				out.Spec.Volumes[i].Name = name[:j]
			}
		}
	}
	out.Status.Phase = corev1.PodPhase(p.Status.Phase)
	out.Status.Reason = p.Status.Reason
	if p.Status.Phase == cluster.PodRunning || p.Status.Ready {
		st := corev1.ConditionFalse
		if p.Status.Ready {
			st = corev1.ConditionTrue
		}
		out.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: At(p.CreationRevision)}}
	}
	return out
}

// Node converts a node. Zero allocatable resources (no limit in the model) become large ones.
func Node(n *cluster.Node) *corev1.Node {
	out := &corev1.Node{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"}, ObjectMeta: Meta(&n.ObjectMeta)}
	out.Spec.Unschedulable = n.Spec.Unschedulable
	for _, t := range n.Spec.Taints {
		out.Spec.Taints = append(out.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
	}
	ready := corev1.ConditionFalse
	if n.Status.Ready {
		ready = corev1.ConditionTrue
	}
	out.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready}}
	cpu, pods := n.Status.AllocatableCPU, n.Status.AllocatablePods
	if cpu == 0 {
		cpu = 1 << 20
	}
	if pods == 0 {
		pods = 1 << 10
	}
	out.Status.Allocatable = corev1.ResourceList{
		corev1.ResourceCPU:  *resource.NewMilliQuantity(cpu, resource.DecimalSI),
		corev1.ResourcePods: *resource.NewQuantity(pods, resource.DecimalSI),
	}
	out.Status.Capacity = out.Status.Allocatable.DeepCopy()
	return out
}

// Template converts a pod template.
func Template(t cluster.PodTemplate) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: Labels(t.Labels)}, Spec: PodSpec(t.Spec)}
}

// Selector is a label selector of match labels.
func Selector(l cluster.Labels) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: Labels(l)}
}

// ReplicaSet converts a ReplicaSet.
func ReplicaSet(rs *cluster.ReplicaSet) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: Meta(&rs.ObjectMeta),
		Spec: appsv1.ReplicaSetSpec{Replicas: new(int32(rs.Spec.Replicas)), Selector: Selector(rs.Spec.Selector),
			Template: Template(rs.Spec.Template)},
		Status: appsv1.ReplicaSetStatus{Replicas: int32(rs.Status.Replicas), FullyLabeledReplicas: int32(rs.Status.FullyLabeledReplicas),
			ReadyReplicas: int32(rs.Status.ReadyReplicas), AvailableReplicas: int32(rs.Status.AvailableReplicas),
			ObservedGeneration: rs.Status.ObservedGeneration},
	}
}

// Object converts any object of the kinds this package knows; nil for another kind.
func Object(o cluster.Object) runtime.Object {
	switch o := o.(type) {
	case *cluster.Pod:
		return Pod(o)
	case *cluster.Node:
		return Node(o)
	case *cluster.ReplicaSet:
		return ReplicaSet(o)
	case *cluster.Deployment:
		return Deployment(o)
	case *cluster.StatefulSet:
		return StatefulSet(o)
	case *cluster.ControllerRevision:
		return ControllerRevision(o)
	case *cluster.PersistentVolumeClaim:
		return PersistentVolumeClaim(o)
	case *cluster.Job:
		return Job(o)
	}
	return nil
}
