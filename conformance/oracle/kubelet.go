package oracle

import (
	"fmt"
	"slices"
	_ "unsafe" // for go:linkname

	corev1 "k8s.io/api/core/v1"
	_ "k8s.io/kubernetes/pkg/kubelet" // getPhase
	"k8s.io/kubernetes/pkg/kubelet/status"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// getPhase is upstream's kubelet getPhase (v1.34.3, pkg/kubelet/kubelet_pods.go): a pod's
// phase from its containers' statuses, a pure function.
//
//go:linkname getPhase k8s.io/kubernetes/pkg/kubelet.getPhase
func getPhase(pod *corev1.Pod, info []corev1.ContainerStatus, podIsTerminal, podHasInitialized bool) corev1.PodPhase

// containerStatus is the status upstream's kubelet reports for the model's container state
// (no readiness probe: a running container is ready).
func containerStatus(e controllers.Exit) corev1.ContainerStatus {
	cs := corev1.ContainerStatus{Name: "app", Image: "image"}
	switch e {
	case controllers.Running:
		cs.State.Running = &corev1.ContainerStateRunning{StartedAt: convert.At(1)}
		cs.Ready, cs.Started = true, new(true)
	case controllers.Succeeded:
		cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0}
	case controllers.Failed:
		cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1}
	}
	return cs
}

// upstreamStatus is the phase and readiness upstream's kubelet computes for pod p whose one
// container is in state e (getPhase, GeneratePodReadyCondition).
func upstreamStatus(p *cluster.Pod, e controllers.Exit) (cluster.PodPhase, bool) {
	pod := convert.Pod(p)
	cs := []corev1.ContainerStatus{containerStatus(e)}
	phase := getPhase(pod, cs, false, true)
	ready := status.GeneratePodReadyCondition(pod, &pod.Status, pod.Status.Conditions, cs, phase)
	return cluster.PodPhase(phase), ready.Status == corev1.ConditionTrue
}

// Kubelet compares the kubelet's status logic on view v: for each pod bound to an existing node
// and not terminating, and each state of its container that the model can reach (running, or
// one of controllers.Exits), the
// status the model's kubelet writes (or leaves, if it writes none) against upstream's
// getPhase and Ready condition for the same container status. The model reports an exit
// only when upstream's phase is terminal (ExitRules checks that apart).
func Kubelet(v *cluster.Cluster) ([]Outcome, error) {
	var out []Outcome
	for _, p := range v.Pods() {
		n := v.Node(p.Spec.NodeName)
		if n == nil || p.Terminating() || p.Finished() {
			continue
		}
		states := append([]controllers.Exit{controllers.Running}, controllers.Exits(p)...)
		for _, e := range states {
			k := controllers.Kubelet{Template: n}
			phase, ready := p.Status.Phase, p.Status.Ready
			var model *Write
			for _, in := range k.Reconcile(v, []controllers.Container{{Pod: p.Name, UID: p.UID, Exit: e, CPU: p.Spec.CPU}}) {
				if w := in.Write; w != nil && w.Object != nil && w.Object.Meta().Name == p.Name {
					st := w.Object.(*cluster.Pod).Status
					phase, ready = st.Phase, st.Ready
					model = &Write{Verb: "patch/status", Resource: "pods", Name: p.Name, Detail: detail("phase", phase, "ready", ready)}
				}
			}
			up, upReady := upstreamStatus(p, e)
			o := Outcome{Model: model, Agree: phase == up && ready == upReady}
			if up != p.Status.Phase || upReady != p.Status.Ready {
				o.Upstream = []Phase{{{Verb: "patch/status", Resource: "pods", Name: p.Name, Detail: detail("phase", up, "ready", upReady)}}}
			}
			if !o.Agree {
				o.Deviation = fmt.Sprintf("container %v: model %s ready=%v; upstream %s ready=%v", e, phase, ready, up, upReady)
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// ExitRules checks the model's container-exit fault (controllers.Exits) against getPhase: for
// each restartPolicy and exit code, the model offers the exit (a visible end of the pod)
// exactly when upstream's phase for it is terminal. It returns the rules that disagree.
func ExitRules() []string {
	var bad []string
	for _, policy := range []cluster.RestartPolicy{cluster.RestartAlways, cluster.RestartOnFailure, cluster.RestartNever} {
		for _, e := range []controllers.Exit{controllers.Succeeded, controllers.Failed} {
			p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "p", UID: 1}, Spec: cluster.PodSpec{Image: "x", RestartPolicy: policy, NodeName: "n"},
				Status: cluster.PodStatus{Phase: cluster.PodRunning, Ready: true}}
			up, _ := upstreamStatus(p, e)
			terminal := up == cluster.PodSucceeded || up == cluster.PodFailed
			offered := slices.Contains(controllers.Exits(p), e)
			if terminal != offered {
				bad = append(bad, fmt.Sprintf("restartPolicy %s, container %v: upstream's phase %s, the model offers the exit: %v", policy, e, up, offered))
			}
		}
	}
	return bad
}
