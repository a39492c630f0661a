package convert

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/themelios/themelios/models/cluster"
)

// intOrPercent reads "25%" or "1" ("" gives nil: upstream's default).
func intOrPercent(s string) *intstr.IntOrString {
	if s == "" {
		return nil
	}
	if strings.HasSuffix(s, "%") {
		v := intstr.FromString(s)
		return &v
	}
	n, _ := strconv.Atoi(s)
	v := intstr.FromInt32(int32(n))
	return &v
}

// Deployment converts a Deployment, with the API server's defaults the model takes (maxSurge
// and maxUnavailable 25%) and no progress deadline (the model has no clock). Its status conditions: Available once
// observed, as the model says, and Progressing with the model's reason when it has one.
func Deployment(d *cluster.Deployment) *appsv1.Deployment {
	out := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: Meta(&d.ObjectMeta),
		Spec: appsv1.DeploymentSpec{Replicas: new(int32(d.Spec.Replicas)), Selector: Selector(d.Spec.Selector),
			Template: Template(d.Spec.Template), MinReadySeconds: int32(d.Spec.MinReadySeconds),
			RevisionHistoryLimit: new(int32(d.Spec.RevisionHistoryLimit)), Paused: d.Spec.Paused},
		Status: appsv1.DeploymentStatus{Replicas: int32(d.Status.Replicas), UpdatedReplicas: int32(d.Status.UpdatedReplicas),
			ReadyReplicas: int32(d.Status.ReadyReplicas), AvailableReplicas: int32(d.Status.AvailableReplicas),
			UnavailableReplicas: int32(d.Status.UnavailableReplicas), ObservedGeneration: d.Status.ObservedGeneration},
	}
	if d.Status.CollisionCount != 0 {
		out.Status.CollisionCount = new(int32(d.Status.CollisionCount))
	}
	out.Spec.Strategy.Type = appsv1.DeploymentStrategyType(d.Spec.Strategy)
	if out.Spec.Strategy.Type == "" {
		out.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if out.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType {
		surge, unavailable := d.Spec.MaxSurge, d.Spec.MaxUnavailable
		if surge == "" {
			surge = "25%" // the API server's default, as the model takes it
		}
		if unavailable == "" {
			unavailable = "25%"
		}
		out.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: intOrPercent(surge), MaxUnavailable: intOrPercent(unavailable)}
	}
	// No progress deadline (math.MaxInt32, upstream's "none"): the model has no clock.
	out.Spec.ProgressDeadlineSeconds = new(int32(math.MaxInt32))
	cond := func(t appsv1.DeploymentConditionType, ok bool, reason string) appsv1.DeploymentCondition {
		st := corev1.ConditionFalse
		if ok {
			st = corev1.ConditionTrue
		}
		return appsv1.DeploymentCondition{Type: t, Status: st, Reason: reason, LastUpdateTime: At(d.CreationRevision), LastTransitionTime: At(d.CreationRevision)}
	}
	if d.Status.ObservedGeneration > 0 {
		reason := "MinimumReplicasUnavailable"
		if d.Status.Available {
			reason = "MinimumReplicasAvailable"
		}
		out.Status.Conditions = append(out.Status.Conditions, cond(appsv1.DeploymentAvailable, d.Status.Available, reason))
	}
	if d.Status.Progressing != "" {
		out.Status.Conditions = append(out.Status.Conditions, cond(appsv1.DeploymentProgressing, true, d.Status.Progressing))
	}
	return out
}

// StatefulSet converts a StatefulSet; its service is named after it, its volume claim
// templates request 1Gi, ReadWriteOnce.
func StatefulSet(s *cluster.StatefulSet) *appsv1.StatefulSet {
	out := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: Meta(&s.ObjectMeta),
		Spec: appsv1.StatefulSetSpec{Replicas: new(int32(s.Spec.Replicas)), Selector: Selector(s.Spec.Selector),
			Template: Template(s.Spec.Template), PodManagementPolicy: appsv1.PodManagementPolicyType(s.Spec.PodManagementPolicy),
			RevisionHistoryLimit: new(int32(s.Spec.RevisionHistoryLimit)), ServiceName: s.Name},
		Status: appsv1.StatefulSetStatus{Replicas: int32(s.Status.Replicas), ReadyReplicas: int32(s.Status.ReadyReplicas),
			AvailableReplicas: int32(s.Status.AvailableReplicas), CurrentReplicas: int32(s.Status.CurrentReplicas),
			UpdatedReplicas: int32(s.Status.UpdatedReplicas), CurrentRevision: s.Status.CurrentRevision,
			UpdateRevision: s.Status.UpdateRevision, ObservedGeneration: s.Status.ObservedGeneration},
	}
	out.Spec.UpdateStrategy.Type = appsv1.StatefulSetUpdateStrategyType(s.Spec.UpdateStrategy)
	if out.Spec.UpdateStrategy.Type == "" {
		out.Spec.UpdateStrategy.Type = appsv1.RollingUpdateStatefulSetStrategyType
	}
	if out.Spec.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType {
		out.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{Partition: new(int32(s.Spec.Partition))}
	}
	if s.Spec.StartOrdinal != 0 {
		out.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: int32(s.Spec.StartOrdinal)}
	}
	for _, name := range s.Spec.VolumeClaimTemplates {
		out.Spec.VolumeClaimTemplates = append(out.Spec.VolumeClaimTemplates, corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: claimSpec()})
	}
	return out
}

func claimSpec() corev1.PersistentVolumeClaimSpec {
	return corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}
}

// ControllerRevision converts a ControllerRevision: its data is the template as a StatefulSet
// patch ({"spec":{"template":{...,"$patch":"replace"}}}), as upstream's StatefulSet controller
// stores it.
func ControllerRevision(r *cluster.ControllerRevision) *appsv1.ControllerRevision {
	t := Template(r.Template)
	return &appsv1.ControllerRevision{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ControllerRevision"},
		ObjectMeta: Meta(&r.ObjectMeta), Data: RevisionData(&t), Revision: r.Revision,
	}
}

// RevisionData is the data of a StatefulSet's ControllerRevision of template t: a patch that
// replaces the set's template.
func RevisionData(t *corev1.PodTemplateSpec) runtime.RawExtension {
	raw, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(t)
	raw["$patch"] = "replace"
	data, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": raw}})
	return runtime.RawExtension{Raw: data}
}

// RevisionTemplate is the template a StatefulSet's ControllerRevision records (RevisionData).
func RevisionTemplate(r *appsv1.ControllerRevision) (*corev1.PodTemplateSpec, error) {
	var patch struct {
		Spec struct {
			Template corev1.PodTemplateSpec `json:"template"`
		} `json:"spec"`
	}
	if len(r.Data.Raw) > 0 {
		if err := json.Unmarshal(r.Data.Raw, &patch); err != nil {
			return nil, fmt.Errorf("controllerrevision %s: data: %v", r.Name, err)
		}
	}
	return &patch.Spec.Template, nil
}

// TemplateEqual reports whether the upstream template t is the model's m in what the model
// keeps of a template.
func TemplateEqual(t *corev1.PodTemplateSpec, m cluster.PodTemplate) bool {
	mt := modelTemplate(t)
	return mt.Equal(&m)
}

// PersistentVolumeClaim converts a claim (1Gi, ReadWriteOnce; Bound as its phase).
func PersistentVolumeClaim(c *cluster.PersistentVolumeClaim) *corev1.PersistentVolumeClaim {
	out := &corev1.PersistentVolumeClaim{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: Meta(&c.ObjectMeta), Spec: claimSpec()}
	out.Status.Phase = corev1.ClaimPending
	if c.Bound {
		out.Status.Phase = corev1.ClaimBound
	}
	return out
}

// Job converts a Job. Its selector is manual (the model's), its uncounted pods and conditions
// as the model has them; a Job not suspended has a startTime (its creation time), a Complete
// one a completionTime.
func Job(j *cluster.Job) *batchv1.Job {
	out := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: Meta(&j.ObjectMeta),
		Spec: batchv1.JobSpec{Parallelism: new(int32(j.Spec.Parallelism)), Completions: new(int32(j.Spec.Completions)),
			BackoffLimit: new(int32(j.Spec.BackoffLimit)), Suspend: new(j.Spec.Suspend), Selector: Selector(j.Spec.Selector),
			ManualSelector: new(true), Template: Template(j.Spec.Template)},
		Status: batchv1.JobStatus{Active: int32(j.Status.Active), Ready: new(int32(j.Status.Ready)),
			Succeeded: int32(j.Status.Succeeded), Failed: int32(j.Status.Failed)},
	}
	mode := batchv1.NonIndexedCompletion
	if j.Spec.CompletionMode == string(batchv1.IndexedCompletion) {
		mode = batchv1.IndexedCompletion
	}
	out.Spec.CompletionMode = &mode
	if len(j.Status.UncountedSucceeded)+len(j.Status.UncountedFailed) > 0 {
		u := &batchv1.UncountedTerminatedPods{}
		for _, id := range j.Status.UncountedSucceeded {
			u.Succeeded = append(u.Succeeded, UID(id))
		}
		for _, id := range j.Status.UncountedFailed {
			u.Failed = append(u.Failed, UID(id))
		}
		out.Status.UncountedTerminatedPods = u
	}
	if len(j.Status.CompletedIndexes) > 0 {
		var parts []string
		for _, i := range j.Status.CompletedIndexes {
			parts = append(parts, strconv.FormatInt(i, 10))
		}
		out.Status.CompletedIndexes = strings.Join(parts, ",")
	}
	if j.Status.Condition != "" {
		out.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobConditionType(j.Status.Condition), Status: corev1.ConditionTrue}}
		if j.Status.Condition == "Complete" {
			out.Status.CompletionTime = new(At(j.CreationRevision))
		}
	}
	if !j.Spec.Suspend {
		out.Status.StartTime = new(At(j.CreationRevision)) // a running Job has started
	}
	return out
}
