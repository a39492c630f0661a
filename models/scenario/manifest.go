package scenario

import (
	"regexp"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// apiVersions is the apiVersion each supported kind is written with.
var apiVersions = map[string]string{ // only looked up
	"Node": "v1", "Pod": "v1", "PersistentVolumeClaim": "v1", "ReplicaSet": "apps/v1",
	"Deployment": "apps/v1", "StatefulSet": "apps/v1", "Job": "batch/v1",
}

// decodeObject reads a Kubernetes manifest (the subset of fields the model uses) into an object.
func decodeObject(n node) cluster.Object {
	o := n.object()
	kind := o.field("kind").str("")
	want, ok := apiVersions[kind]
	if !ok {
		o.d.fail(o.at("kind"), "unsupported kind %q (want Node, Pod, PersistentVolumeClaim, ReplicaSet, Deployment, StatefulSet or Job)", kind)
		return nil
	}
	if v := o.field("apiVersion").str(""); v != want {
		o.d.fail(o.at("apiVersion"), "%s is %s, not %q", kind, want, v)
	}
	meta := decodeMeta(o.field("metadata"))
	var obj cluster.Object
	switch kind {
	case "Node":
		node := &cluster.Node{ObjectMeta: meta, Status: cluster.NodeStatus{Ready: true}}
		decodeNodeSpec(o.field("spec"), node)
		st := o.field("status").object()
		alloc := st.field("allocatable").object()
		node.Status.AllocatableCPU = alloc.field("cpu").milliCPU()
		node.Status.AllocatablePods = alloc.field("pods").count()
		alloc.done()
		st.done()
		obj = node
	case "Pod":
		pod := &cluster.Pod{ObjectMeta: meta, Status: cluster.PodStatus{Phase: cluster.PodPending}}
		pod.Spec = decodePodSpec(o.field("spec"))
		obj = pod
	case "PersistentVolumeClaim":
		o.field("spec") // storage requests do not matter here: only the claim's existence does
		obj = &cluster.PersistentVolumeClaim{ObjectMeta: meta, Bound: true}
	case "ReplicaSet":
		rs := &cluster.ReplicaSet{ObjectMeta: meta}
		spec := o.field("spec").object()
		rs.Spec.Replicas = nonNegative(spec, "replicas", 1)
		rs.Spec.Selector, rs.Spec.Template = selectorAndTemplate(spec, kind)
		spec.done()
		obj = rs
	case "Deployment":
		obj = decodeDeployment(meta, o.field("spec").object())
	case "StatefulSet":
		obj = decodeStatefulSet(meta, o.field("spec").object())
	case "Job":
		obj = decodeJob(meta, o.field("spec").object())
	}
	o.done()
	return obj
}

// nonNegative reads an integer field that must be >= 0.
func nonNegative(o object, key string, def int64) int64 {
	n := o.field(key).integer(def)
	if n < 0 {
		o.d.fail(o.at(key), "must be >= 0")
	}
	return n
}

// oneOf reads a string field that must be one of choices (the first is the default).
func oneOf(o object, key string, choices ...string) string {
	v := o.field(key).str(choices[0])
	for _, c := range choices {
		if v == c {
			return v
		}
	}
	o.d.fail(o.at(key), "want %s, not %q", strings.Join(choices, " or "), v)
	return choices[0]
}

// selectorAndTemplate reads a workload's selector and template, which must match.
func selectorAndTemplate(spec object, kind string) (cluster.Labels, cluster.PodTemplate) {
	sel := decodeSelector(spec.field("selector"))
	t := decodeTemplate(spec.field("template"))
	if len(sel) == 0 {
		spec.d.fail(spec.at("selector"), "a %s needs a selector with matchLabels", kind)
	} else if !sel.Matches(t.Labels) {
		spec.d.fail(spec.at("template.metadata.labels"), "must match the selector")
	}
	return sel, t
}

func decodeDeployment(meta cluster.ObjectMeta, spec object) *cluster.Deployment {
	d := &cluster.Deployment{ObjectMeta: meta}
	d.Spec.Replicas = nonNegative(spec, "replicas", 1)
	d.Spec.Selector, d.Spec.Template = selectorAndTemplate(spec, "Deployment")
	d.Spec.MinReadySeconds = nonNegative(spec, "minReadySeconds", 0)
	if d.Spec.MinReadySeconds > 0 && spec.d.lenient {
		spec.d.warns = append(spec.d.warns, spec.at("minReadySeconds")+": has no effect (the model has no clock: available means ready)")
	}
	d.Spec.RevisionHistoryLimit = nonNegative(spec, "revisionHistoryLimit", 10)
	d.Spec.Paused = spec.field("paused").boolean(false)
	spec.noEffect("progressDeadlineSeconds", "the model has no clock")
	strategy := spec.field("strategy").object()
	d.Spec.Strategy = oneOf(strategy, "type", "RollingUpdate", "Recreate")
	ru := strategy.field("rollingUpdate").object()
	for _, f := range []struct {
		key string
		p   *string
	}{{"maxSurge", &d.Spec.MaxSurge}, {"maxUnavailable", &d.Spec.MaxUnavailable}} {
		if !ru.has(f.key) {
			continue
		}
		v := ru.field(f.key)
		*f.p = describe(v.v)
		if str, ok := v.v.(string); ok {
			*f.p = str
		}
		if !controllers.ValidIntOrPercent(*f.p) {
			ru.d.fail(ru.at(f.key), "want a number or a percentage, not %q", *f.p)
		}
	}
	// As the API server's validation does (k8s.io/kubernetes pkg/apis/apps/validation,
	// ValidateDeploymentStrategy and ValidateRollingUpdateDeployment, v1.34).
	if d.Spec.Strategy == "Recreate" && ru.m != nil {
		strategy.d.fail(strategy.at("rollingUpdate"), "may not be given when the strategy type is Recreate")
	}
	zero := func(v string) bool { return v == "0" || v == "0%" }
	if ru.has("maxSurge") && ru.has("maxUnavailable") && zero(d.Spec.MaxSurge) && zero(d.Spec.MaxUnavailable) {
		ru.d.fail(ru.at("maxUnavailable"), "may not be 0 when maxSurge is 0 (the rollout could not proceed)")
	}
	ru.done()
	strategy.done()
	spec.done()
	return d
}

func decodeStatefulSet(meta cluster.ObjectMeta, spec object) *cluster.StatefulSet {
	s := &cluster.StatefulSet{ObjectMeta: meta}
	s.Spec.Replicas = nonNegative(spec, "replicas", 1)
	s.Spec.Selector, s.Spec.Template = selectorAndTemplate(spec, "StatefulSet")
	s.Spec.PodManagementPolicy = oneOf(spec, "podManagementPolicy", "OrderedReady", "Parallel")
	s.Spec.RevisionHistoryLimit = nonNegative(spec, "revisionHistoryLimit", 10)
	spec.noEffect("serviceName", "DNS is not modelled")
	spec.noEffect("minReadySeconds", "the model has no clock: available means ready")
	strategy := spec.field("updateStrategy").object()
	s.Spec.UpdateStrategy = oneOf(strategy, "type", "RollingUpdate", "OnDelete")
	ru := strategy.field("rollingUpdate").object()
	s.Spec.Partition = nonNegative(ru, "partition", 0)
	ru.done()
	strategy.done()
	ordinals := spec.field("ordinals").object()
	s.Spec.StartOrdinal = nonNegative(ordinals, "start", 0)
	ordinals.done()
	for _, c := range spec.field("volumeClaimTemplates").list() {
		co := c.object()
		m := co.field("metadata").object()
		name := m.field("name").str("")
		if name == "" {
			m.d.fail(m.at("name"), "is required")
		}
		m.done()
		co.field("spec") // storage requests do not matter: only the claim's existence does
		co.done()
		s.Spec.VolumeClaimTemplates = append(s.Spec.VolumeClaimTemplates, name)
	}
	spec.done()
	return s
}

func decodeJob(meta cluster.ObjectMeta, spec object) *cluster.Job {
	j := &cluster.Job{ObjectMeta: meta}
	j.Spec.Parallelism = nonNegative(spec, "parallelism", 1)
	j.Spec.Completions = nonNegative(spec, "completions", 1)
	j.Spec.CompletionMode = oneOf(spec, "completionMode", "NonIndexed", "Indexed")
	j.Spec.BackoffLimit = nonNegative(spec, "backoffLimit", 6)
	j.Spec.Suspend = spec.field("suspend").boolean(false)
	if spec.has("selector") {
		j.Spec.Selector, j.Spec.Template = selectorAndTemplate(spec, "Job")
	} else {
		// Upstream generates a selector on the Job's controller-uid; the Job's name serves here.
		j.Spec.Template = decodeTemplate(spec.field("template"))
		j.Spec.Template.Labels = j.Spec.Template.Labels.With("job-name", meta.Name)
		j.Spec.Selector = cluster.Labels{{Key: "job-name", Value: meta.Name}}
	}
	if j.Spec.Template.Spec.RestartPolicy == cluster.RestartAlways { // (other values are errors already)
		spec.d.fail(spec.at("template.spec.restartPolicy"), "a Job's pods restart Never or OnFailure, not Always (a pod's default)")
	}
	spec.done()
	return j
}

func decodeMeta(n node) cluster.ObjectMeta {
	o := n.object()
	m := cluster.ObjectMeta{
		Name:         o.field("name").str(""),
		GenerateName: o.field("generateName").str(""),
		Labels:       labels(o.field("labels")),
		Annotations:  labels(o.field("annotations")),
	}
	for _, f := range o.field("finalizers").list() {
		m.Finalizers = append(m.Finalizers, f.str(""))
	}
	if m.Name == "" {
		o.d.fail(o.at("name"), "is required")
	} else if len(m.Name) > 253 || !dnsSubdomain.MatchString(m.Name) {
		o.d.fail(o.at("name"), "%q is not a lowercase RFC 1123 subdomain (lower case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)", m.Name)
	}
	o.noEffect("namespace", "one namespace is modelled")
	o.done()
	return m
}

// dnsSubdomain is an RFC 1123 subdomain, what the API server requires of the names of the kinds
// the model reads (k8s.io/apimachinery pkg/util/validation, IsDNS1123Subdomain, v0.34).
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func labels(n node) cluster.Labels {
	var l cluster.Labels
	for _, kv := range n.stringMap() {
		l = append(l, cluster.KV{Key: kv[0], Value: kv[1]})
	}
	return l
}

func decodeSelector(n node) cluster.Labels {
	o := n.object()
	l := labels(o.field("matchLabels"))
	o.done()
	return l
}

func decodeTemplate(n node) cluster.PodTemplate {
	o := n.object()
	meta := o.field("metadata").object()
	t := cluster.PodTemplate{Labels: labels(meta.field("labels"))}
	meta.done()
	t.Spec = decodePodSpec(o.field("spec"))
	o.done()
	return t
}

func decodeNodeSpec(n node, node *cluster.Node) {
	o := n.object()
	node.Spec.Unschedulable = o.field("unschedulable").boolean(false)
	for _, t := range o.field("taints").list() {
		to := t.object()
		taint := cluster.Taint{Key: to.field("key").str(""), Value: to.field("value").str(""), Effect: to.field("effect").str("NoSchedule")}
		if taint.Effect != "NoSchedule" && taint.Effect != "PreferNoSchedule" && taint.Effect != "NoExecute" {
			o.d.fail(to.at("effect"), "want NoSchedule, PreferNoSchedule or NoExecute, not %q", taint.Effect)
		}
		to.done()
		node.Spec.Taints = append(node.Spec.Taints, taint)
	}
	o.done()
}

func decodePodSpec(n node) cluster.PodSpec {
	o := n.object()
	s := cluster.PodSpec{
		NodeName:      o.field("nodeName").str(""),
		Hostname:      o.field("hostname").str(""),
		RestartPolicy: cluster.RestartPolicy(o.field("restartPolicy").str(string(cluster.RestartAlways))),
	}
	switch s.RestartPolicy {
	case cluster.RestartAlways, cluster.RestartOnFailure, cluster.RestartNever:
	default:
		o.d.fail(o.at("restartPolicy"), "want Always, OnFailure or Never, not %q", s.RestartPolicy)
	}
	containers := o.field("containers").list()
	if len(containers) == 0 {
		o.d.fail(o.at("containers"), "a pod needs at least one container")
	}
	for i, c := range containers {
		co := c.object()
		co.field("name")
		image := co.field("image").str("")
		if image == "" {
			o.d.fail(co.at("image"), "is required")
		}
		if i == 0 {
			s.Image = image
		}
		res := co.field("resources").object()
		req := res.field("requests").object()
		s.CPU += req.field("cpu").milliCPU()
		req.noEffect("memory", "memory is not modelled")
		req.done()
		res.noEffect("limits", "limits are not modelled")
		res.done()
		co.done()
	}
	for _, t := range o.field("tolerations").list() {
		to := t.object()
		tol := cluster.Toleration{Key: to.field("key").str(""), Value: to.field("value").str("")}
		if op := to.field("operator").str("Equal"); op != "Equal" && op != "Exists" {
			o.d.fail(to.at("operator"), "want Equal or Exists, not %q", op)
		} else if op == "Exists" {
			tol.Value = ""
		}
		to.field("effect")
		to.done()
		s.Tolerations = append(s.Tolerations, tol)
	}
	for _, v := range o.field("volumes").list() {
		vo := v.object()
		vo.field("name")
		claim := vo.field("persistentVolumeClaim").object()
		if name := claim.field("claimName").str(""); name != "" {
			s.Claims = append(s.Claims, name)
		}
		claim.done()
		vo.done()
	}
	o.done()
	return s
}
