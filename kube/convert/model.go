package convert

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/themelios/themelios/models/cluster"
)

// The other direction: upstream objects, as a live cluster's informers hold them, turned into
// the model's, so that the model's controllers can reconcile a real cluster.

// Identities maps a real cluster's UIDs to the model's numbers and back. A UID gets the next
// number the first time it is seen, with the object's resourceVersion then as the model's
// creation revision (for an object created while the table is in use, the revision of its
// create: the order the model's controllers rank pods by). Safe for concurrent use.
type Identities struct {
	mu      sync.Mutex
	model   map[types.UID]cluster.UID
	real    map[cluster.UID]types.UID
	created map[cluster.UID]int64
}

// NewIdentities returns an empty table.
func NewIdentities() *Identities {
	return &Identities{model: map[types.UID]cluster.UID{}, real: map[cluster.UID]types.UID{}, created: map[cluster.UID]int64{}}
}

// Model returns the model's UID for real UID u ("" gives 0), assigning one at first sight, and
// its creation revision: rv, the resourceVersion of the first version of the object seen (a
// UID first met in another object's reference gets its revision when the object itself is
// seen).
func (ids *Identities) Model(u types.UID, rv int64) (cluster.UID, int64) {
	if u == "" {
		return 0, 0
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	m := ids.number(u)
	if ids.created[m] == 0 {
		ids.created[m] = rv
	}
	return m, ids.created[m]
}

// Ref returns the model's UID for real UID u met in a reference (an owner, an uncounted pod),
// assigning one at first sight without a creation revision.
func (ids *Identities) Ref(u types.UID) cluster.UID {
	if u == "" {
		return 0
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return ids.number(u)
}

func (ids *Identities) number(u types.UID) cluster.UID {
	if m, ok := ids.model[u]; ok {
		return m
	}
	m := cluster.UID(len(ids.model) + 1)
	ids.model[u], ids.real[m] = m, u
	return m
}

// Real returns the real UID of the model's u, or "" if the table has none (0 included).
func (ids *Identities) Real(u cluster.UID) types.UID {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return ids.real[u]
}

// ParseResourceVersion reads a resourceVersion as the model's revision number: etcd's
// revisions are decimal integers (an API server on another storage may use other strings,
// which this rejects).
func ParseResourceVersion(rv string) (int64, error) {
	if rv == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("resourceVersion %q is not a revision number", rv)
	}
	return n, nil
}

func modelLabels(m map[string]string) cluster.Labels {
	if len(m) == 0 {
		return nil
	}
	out := make(cluster.Labels, 0, len(m))
	for k, v := range m {
		out = append(out, cluster.KV{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// modelMeta converts metadata: the UID and owners' UIDs through ids; a deletionTimestamp
// becomes the object's resourceVersion (the model records deletion as a revision).
func modelMeta(m *metav1.ObjectMeta, ids *Identities) (cluster.ObjectMeta, error) {
	rv, err := ParseResourceVersion(m.ResourceVersion)
	if err != nil {
		return cluster.ObjectMeta{}, err
	}
	uid, created := ids.Model(m.UID, rv)
	out := cluster.ObjectMeta{Name: m.Name, GenerateName: m.GenerateName, UID: uid, Labels: modelLabels(m.Labels),
		Annotations: modelLabels(m.Annotations), Generation: m.Generation, ResourceVersion: rv, CreationRevision: created}
	if len(m.Finalizers) > 0 {
		out.Finalizers = append([]string(nil), m.Finalizers...)
	}
	for _, r := range m.OwnerReferences {
		var k cluster.Kind
		if k.UnmarshalText([]byte(r.Kind)) != nil {
			continue // an owner of a kind the model does not have (none of its controllers')
		}
		owner := ids.Ref(r.UID)
		out.OwnerReferences = append(out.OwnerReferences, cluster.OwnerReference{Kind: k, Name: r.Name, UID: owner,
			Controller: r.Controller != nil && *r.Controller})
	}
	if m.DeletionTimestamp != nil {
		out.DeletionTimestamp = max(rv, 1)
	}
	return out, nil
}

// modelPodSpec keeps what the model has of a pod spec: the first container's image, the CPU
// requests of all containers, restart policy, node, hostname, tolerations (of any effect) and
// the claims of its volumes.
func modelPodSpec(s *corev1.PodSpec) cluster.PodSpec {
	out := cluster.PodSpec{NodeName: s.NodeName, RestartPolicy: cluster.RestartPolicy(s.RestartPolicy), Hostname: s.Hostname}
	if out.RestartPolicy == "" {
		out.RestartPolicy = cluster.RestartAlways
	}
	for i, c := range s.Containers {
		if i == 0 {
			out.Image = c.Image
		}
		if q, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
			out.CPU += q.MilliValue()
		}
	}
	for _, t := range s.Tolerations {
		v := t.Value
		if t.Operator == corev1.TolerationOpExists {
			v = ""
		}
		out.Tolerations = append(out.Tolerations, cluster.Toleration{Key: t.Key, Value: v})
	}
	for _, v := range s.Volumes {
		if v.PersistentVolumeClaim != nil {
			out.Claims = append(out.Claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	return out
}

// PodSpecMatches reports whether the upstream template t makes pods of spec s, in what the
// model keeps of a pod's spec (image, CPU, restart policy, tolerations; not the node, hostname
// or claims, which a controller sets per pod).
func PodSpecMatches(t *corev1.PodTemplateSpec, s cluster.PodSpec) bool {
	m := modelPodSpec(&t.Spec)
	m.NodeName, m.Hostname, m.Claims = s.NodeName, s.Hostname, s.Claims
	if m.RestartPolicy == cluster.RestartAlways && s.RestartPolicy == "" {
		m.RestartPolicy = ""
	}
	a, b := cluster.PodTemplate{Spec: m}, cluster.PodTemplate{Spec: s}
	return a.Equal(&b)
}

func modelTemplate(t *corev1.PodTemplateSpec) cluster.PodTemplate {
	return cluster.PodTemplate{Labels: modelLabels(t.Labels), Spec: modelPodSpec(&t.Spec)}
}

// modelSelector keeps a selector's matchLabels (the model's selectors are label sets; a
// matchExpressions selector matches nothing there).
func modelSelector(s *metav1.LabelSelector) cluster.Labels {
	if s == nil || len(s.MatchExpressions) > 0 {
		return nil
	}
	return modelLabels(s.MatchLabels)
}

func int32Or(p *int32, def int64) int64 {
	if p == nil {
		return def
	}
	return int64(*p)
}

func intOrString(v interface{ String() string }, set bool) string {
	if !set {
		return ""
	}
	return v.String()
}

// ModelObject converts an upstream object of one of the model's kinds into the model's, with
// the identities of ids. It fails on another kind and on a resourceVersion that is not a
// number. Upstream's Job status has no observedGeneration: a Job's generation is taken as
// observed. A template keeps what the model has of its pod (modelPodSpec).
func ModelObject(o any, ids *Identities) (cluster.Object, error) {
	switch o := o.(type) {
	case *corev1.Pod:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		p := &cluster.Pod{ObjectMeta: meta, Spec: modelPodSpec(&o.Spec)}
		p.Status.Phase, p.Status.Reason = cluster.PodPhase(o.Status.Phase), o.Status.Reason
		if p.Status.Phase == "" {
			p.Status.Phase = cluster.PodPending
		}
		for _, c := range o.Status.Conditions {
			if c.Type == corev1.PodReady {
				p.Status.Ready = c.Status == corev1.ConditionTrue
			}
		}
		return p, nil
	case *corev1.Node:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		n := &cluster.Node{ObjectMeta: meta}
		n.Spec.Unschedulable = o.Spec.Unschedulable
		for _, t := range o.Spec.Taints {
			n.Spec.Taints = append(n.Spec.Taints, cluster.Taint{Key: t.Key, Value: t.Value, Effect: string(t.Effect)})
		}
		for _, c := range o.Status.Conditions {
			if c.Type == corev1.NodeReady {
				n.Status.Ready = c.Status == corev1.ConditionTrue
			}
		}
		if q, ok := o.Status.Allocatable[corev1.ResourceCPU]; ok {
			n.Status.AllocatableCPU = q.MilliValue()
		}
		if q, ok := o.Status.Allocatable[corev1.ResourcePods]; ok {
			n.Status.AllocatablePods = q.Value()
		}
		return n, nil
	case *appsv1.ReplicaSet:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		rs := &cluster.ReplicaSet{ObjectMeta: meta}
		rs.Spec.Replicas, rs.Spec.Selector, rs.Spec.Template = int32Or(o.Spec.Replicas, 1), modelSelector(o.Spec.Selector), modelTemplate(&o.Spec.Template)
		st := o.Status
		rs.Status = cluster.ReplicaSetStatus{Replicas: int64(st.Replicas), FullyLabeledReplicas: int64(st.FullyLabeledReplicas),
			ReadyReplicas: int64(st.ReadyReplicas), AvailableReplicas: int64(st.AvailableReplicas), ObservedGeneration: st.ObservedGeneration}
		return rs, nil
	case *appsv1.Deployment:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		d := &cluster.Deployment{ObjectMeta: meta}
		d.Spec = cluster.DeploymentSpec{Replicas: int32Or(o.Spec.Replicas, 1), Selector: modelSelector(o.Spec.Selector),
			Template: modelTemplate(&o.Spec.Template), Strategy: string(o.Spec.Strategy.Type), MinReadySeconds: int64(o.Spec.MinReadySeconds),
			RevisionHistoryLimit: int32Or(o.Spec.RevisionHistoryLimit, 10), Paused: o.Spec.Paused}
		if d.Spec.Strategy == "" {
			d.Spec.Strategy = string(appsv1.RollingUpdateDeploymentStrategyType)
		}
		if ru := o.Spec.Strategy.RollingUpdate; ru != nil {
			d.Spec.MaxSurge = intOrString(ru.MaxSurge, ru.MaxSurge != nil)
			d.Spec.MaxUnavailable = intOrString(ru.MaxUnavailable, ru.MaxUnavailable != nil)
		}
		st := o.Status
		d.Status = cluster.DeploymentStatus{Replicas: int64(st.Replicas), UpdatedReplicas: int64(st.UpdatedReplicas),
			ReadyReplicas: int64(st.ReadyReplicas), AvailableReplicas: int64(st.AvailableReplicas),
			UnavailableReplicas: int64(st.UnavailableReplicas), ObservedGeneration: st.ObservedGeneration, CollisionCount: int32Or(st.CollisionCount, 0)}
		for _, c := range st.Conditions {
			switch c.Type {
			case appsv1.DeploymentAvailable:
				d.Status.Available = c.Status == corev1.ConditionTrue
			case appsv1.DeploymentProgressing:
				d.Status.Progressing = c.Reason
			}
		}
		return d, nil
	case *appsv1.StatefulSet:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		s := &cluster.StatefulSet{ObjectMeta: meta}
		s.Spec = cluster.StatefulSetSpec{Replicas: int32Or(o.Spec.Replicas, 1), Selector: modelSelector(o.Spec.Selector),
			Template: modelTemplate(&o.Spec.Template), PodManagementPolicy: string(o.Spec.PodManagementPolicy),
			UpdateStrategy: string(o.Spec.UpdateStrategy.Type), RevisionHistoryLimit: int32Or(o.Spec.RevisionHistoryLimit, 10)}
		if s.Spec.PodManagementPolicy == "" {
			s.Spec.PodManagementPolicy = string(appsv1.OrderedReadyPodManagement)
		}
		if s.Spec.UpdateStrategy == "" {
			s.Spec.UpdateStrategy = string(appsv1.RollingUpdateStatefulSetStrategyType)
		}
		if ru := o.Spec.UpdateStrategy.RollingUpdate; ru != nil {
			s.Spec.Partition = int32Or(ru.Partition, 0)
		}
		if o.Spec.Ordinals != nil {
			s.Spec.StartOrdinal = int64(o.Spec.Ordinals.Start)
		}
		for _, c := range o.Spec.VolumeClaimTemplates {
			s.Spec.VolumeClaimTemplates = append(s.Spec.VolumeClaimTemplates, c.Name)
		}
		st := o.Status
		s.Status = cluster.StatefulSetStatus{Replicas: int64(st.Replicas), ReadyReplicas: int64(st.ReadyReplicas),
			AvailableReplicas: int64(st.AvailableReplicas), CurrentReplicas: int64(st.CurrentReplicas), UpdatedReplicas: int64(st.UpdatedReplicas),
			CurrentRevision: st.CurrentRevision, UpdateRevision: st.UpdateRevision, ObservedGeneration: st.ObservedGeneration}
		return s, nil
	case *appsv1.ControllerRevision:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		r := &cluster.ControllerRevision{ObjectMeta: meta, Revision: o.Revision}
		t, err := RevisionTemplate(o)
		if err != nil {
			return nil, err
		}
		r.Template = modelTemplate(t)
		return r, nil
	case *corev1.PersistentVolumeClaim:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		return &cluster.PersistentVolumeClaim{ObjectMeta: meta, Bound: o.Status.Phase == corev1.ClaimBound}, nil
	case *batchv1.Job:
		meta, err := modelMeta(&o.ObjectMeta, ids)
		if err != nil {
			return nil, err
		}
		j := &cluster.Job{ObjectMeta: meta}
		j.Spec = cluster.JobSpec{Parallelism: int32Or(o.Spec.Parallelism, 1), Completions: int32Or(o.Spec.Completions, 1),
			BackoffLimit: int32Or(o.Spec.BackoffLimit, 6), Selector: modelSelector(o.Spec.Selector), Template: modelTemplate(&o.Spec.Template),
			CompletionMode: string(batchv1.NonIndexedCompletion)}
		if o.Spec.CompletionMode != nil {
			j.Spec.CompletionMode = string(*o.Spec.CompletionMode)
		}
		if o.Spec.Suspend != nil {
			j.Spec.Suspend = *o.Spec.Suspend
		}
		st := o.Status
		j.Status = cluster.JobStatus{Active: int64(st.Active), Ready: int64(int32Or(st.Ready, 0)), Succeeded: int64(st.Succeeded),
			Failed: int64(st.Failed), ObservedGeneration: o.Generation}
		if u := st.UncountedTerminatedPods; u != nil {
			for _, id := range u.Succeeded {
				j.Status.UncountedSucceeded = append(j.Status.UncountedSucceeded, ids.Ref(id))
			}
			for _, id := range u.Failed {
				j.Status.UncountedFailed = append(j.Status.UncountedFailed, ids.Ref(id))
			}
		}
		indexes, err := parseIndexes(st.CompletedIndexes)
		if err != nil {
			return nil, fmt.Errorf("job %s: completedIndexes: %v", o.Name, err)
		}
		j.Status.CompletedIndexes = indexes
		for _, c := range st.Conditions {
			if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
				j.Status.Condition = string(c.Type)
			}
		}
		return j, nil
	}
	return nil, fmt.Errorf("no model kind for %T", o)
}

// parseIndexes reads an Indexed Job's completedIndexes ("0-2,5"), ascending.
func parseIndexes(s string) ([]int64, error) {
	var out []int64
	if s == "" {
		return nil, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseInt(lo, 10, 64)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.ParseInt(hi, 10, 64); err != nil {
				return nil, err
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}
