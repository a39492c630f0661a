package scenario

import (
	"github.com/themelios/themelios/models/cluster"
)

// apiVersions is the apiVersion each supported kind is written with.
var apiVersions = map[string]string{ // only looked up
	"Node": "v1", "Pod": "v1", "PersistentVolumeClaim": "v1", "ReplicaSet": "apps/v1",
}

// decodeObject reads a Kubernetes manifest (the subset of fields the model uses) into an object.
func decodeObject(n node) cluster.Object {
	o := n.object()
	kind := o.field("kind").str("")
	want, ok := apiVersions[kind]
	if !ok {
		o.d.fail(o.at("kind"), "unsupported kind %q (want Node, Pod, PersistentVolumeClaim or ReplicaSet)", kind)
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
		node.Status.AllocatablePods = alloc.field("pods").integer(0)
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
		rs.Spec.Replicas = spec.field("replicas").integer(1)
		if rs.Spec.Replicas < 0 {
			o.d.fail(spec.at("replicas"), "must be >= 0")
		}
		rs.Spec.Selector = decodeSelector(spec.field("selector"))
		rs.Spec.Template = decodeTemplate(spec.field("template"))
		if len(rs.Spec.Selector) == 0 {
			o.d.fail(spec.at("selector"), "a ReplicaSet needs a selector with matchLabels")
		} else if !rs.Spec.Selector.Matches(rs.Spec.Template.Labels) {
			o.d.fail(spec.at("template.metadata.labels"), "must match the selector")
		}
		spec.done()
		obj = rs
	}
	o.done()
	return obj
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
	}
	o.field("namespace") // one namespace is modelled: any is accepted
	o.done()
	return m
}

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
		req.field("memory") // memory is not modelled
		req.done()
		res.field("limits")
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
