package controllers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Kubelet is the node agent of node Template.Name. Each step it does one of (in this order of
// preference per pod, pods by name):
//   - join: create its Node object when there is none (registration);
//   - drop the record of containers whose pod is gone, re-created or bound elsewhere
//     (HandlePodRemoves), with no write;
//   - report the end of exited containers (phase Succeeded or Failed); it keeps the record of
//     a pod it ran to completion, marked reported, while the pod stays bound to it, and so
//     never starts that pod again from a view that predates the report (upstream's pod
//     workers remember a terminated pod until it leaves the node's pod config:
//     pkg/kubelet/pod_workers.go, v1.34); a restart forgets the reported ones (Restart);
//   - kill the containers of a terminating pod and delete the pod (grace period over); a pod
//     with finalizers cannot be deleted yet, so its phase becomes Failed instead;
//   - start the containers of a pod bound to it and mark it Running and Ready, if it fits:
//     admission (admit) fails a pod whose CPU request or count does not fit the node's
//     allocatable beside the pods it runs, with upstream's reason (OutOfcpu, OutOfpods);
//   - correct the status of a pod whose containers run but whose status says otherwise (the
//     status manager).
//
// Its writes are upstream's (v1.34): status writes are the status manager's patches
// (pkg/util/pod: PatchPodStatus), with the pod's UID as their precondition and no
// resourceVersion, so a status computed from a stale view still lands on the pod it was
// computed for; the final delete is forced, with the UID as its precondition.
//
// Left out: probes, restart back-off, image pulls, eviction, and status fields beyond phase
// and readiness. A container of a pod with restartPolicy Always that fails is restarted at
// once, which changes nothing visible here.
type Kubelet struct {
	Template *cluster.Node // the Node object it registers
}

// Reconcile lists the kubelet's intents given its view and the containers it runs.
func (k Kubelet) Reconcile(v *cluster.Cluster, running []Container) []Intent {
	name := k.Template.Name
	if v.Node(name) == nil {
		// The template itself: an intent's object is only read (reconciles are shared, and the
		// API server copies what a create sends).
		return []Intent{{Write: &datastore.Write{Verb: datastore.Create, Object: k.Template}, Why: "register the node"}}
	}
	var out []Intent
	for _, c := range running {
		p := v.Pod(c.Pod)
		if p == nil || p.UID != c.UID || p.Spec.NodeName != name {
			out = append(out, Intent{Stop: &Container{Pod: c.Pod, UID: c.UID}, Why: "its pod is gone from this node"})
		}
	}
	for _, p := range v.Pods() {
		if p.Spec.NodeName != name {
			continue
		}
		c, runs := find(running, p)
		switch {
		case runs && c.Exit != Running && !p.Terminating():
			phase := cluster.PodSucceeded
			if c.Exit == Failed {
				phase = cluster.PodFailed
			}
			if !c.Reported {
				q := p.ShallowCopy().(*cluster.Pod) // a status write: nothing else changes
				q.Status = cluster.PodStatus{Phase: phase}
				out = append(out, Intent{Write: &datastore.Write{Verb: datastore.PatchStatus, Object: q, UID: p.UID}, Report: &c, Why: "its containers exited"})
			}
		case p.Terminating() && len(p.Finalizers) > 0:
			// The API server keeps the pod until its finalizers are gone: stop its containers
			// and report it Failed (a deleted pod does not succeed).
			in := Intent{Why: "it is terminating (its finalizers keep it)"}
			if runs {
				in.Stop = &c
			}
			if !p.Finished() {
				q := p.ShallowCopy().(*cluster.Pod)
				q.Status = cluster.PodStatus{Phase: cluster.PodFailed}
				in.Write = &datastore.Write{Verb: datastore.PatchStatus, Object: q, UID: p.UID}
			}
			if in.Stop != nil || in.Write != nil {
				out = append(out, in)
			}
		case p.Terminating():
			in := Intent{Write: &datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: p.Name, UID: p.UID, Force: true}, Why: "it is terminating"}
			if runs {
				in.Stop = &c
			}
			out = append(out, in)
		case runs && (p.Status.Phase != cluster.PodRunning || !p.Status.Ready):
			// The status manager: the pod's status says otherwise than its running containers.
			q := p.ShallowCopy().(*cluster.Pod)
			q.Status = cluster.PodStatus{Phase: cluster.PodRunning, Ready: true}
			out = append(out, Intent{Write: &datastore.Write{Verb: datastore.PatchStatus, Object: q, UID: p.UID}, Why: "its containers run"})
		case !runs && !p.Finished():
			if reason, why, ok := k.admit(v, running, p); !ok {
				// Rejected by admission: the pod fails, as upstream's rejectPod reports it.
				q := p.ShallowCopy().(*cluster.Pod)
				q.Status = cluster.PodStatus{Phase: cluster.PodFailed, Reason: reason}
				// Like a pod it ran to completion, a pod it rejected is remembered (as reported)
				// and not started again from an older view.
				out = append(out, Intent{Write: &datastore.Write{Verb: datastore.PatchStatus, Object: q, UID: p.UID},
					Run: &Container{Pod: p.Name, UID: p.UID, Exit: Failed, Reported: true}, Why: "Pod was rejected: " + why})
				continue
			}
			in := Intent{Run: &Container{Pod: p.Name, UID: p.UID, CPU: p.Spec.CPU}, Why: "it is bound to this node"}
			if p.Status.Phase != cluster.PodRunning || !p.Status.Ready {
				q := p.ShallowCopy().(*cluster.Pod)
				q.Status = cluster.PodStatus{Phase: cluster.PodRunning, Ready: true}
				in.Write = &datastore.Write{Verb: datastore.PatchStatus, Object: q, UID: p.UID}
			}
			out = append(out, in)
		}
	}
	return out
}

// admit is the kubelet's admission of pod p (upstream v1.34, pkg/kubelet/lifecycle/predicate.go,
// the resource part of GeneralPredicates): the CPU requests and the number of the pods whose
// containers it runs, with p's, fit its Node's allocatable in view v (a zero allocatable means
// no limit). It returns upstream's reason and message when they do not.
func (k Kubelet) admit(v *cluster.Cluster, running []Container, p *cluster.Pod) (reason, why string, ok bool) {
	n := v.Node(k.Template.Name)
	cpu, count := RunningLoad(running)
	if a := n.Status.AllocatableCPU; a > 0 && cpu+p.Spec.CPU > a {
		return "OutOfcpu", fmt.Sprintf("Node didn't have enough resource: cpu, requested: %d, used: %d, capacity: %d", p.Spec.CPU, cpu, a), false
	}
	if a := n.Status.AllocatablePods; a > 0 && count+1 > a {
		return "OutOfpods", fmt.Sprintf("Node didn't have enough resource: pods, requested: 1, used: %d, capacity: %d", count, a), false
	}
	return "", "", true
}

// RunningLoad sums the CPU requests and counts the containers in running that have not exited:
// what a kubelet's admission counts on its node.
func RunningLoad(running []Container) (cpu, count int64) {
	for _, c := range running {
		if c.Exit == Running {
			cpu, count = cpu+c.CPU, count+1
		}
	}
	return cpu, count
}

// Restart is what the kubelet keeps of its containers when it restarts: the records of pods
// whose end it reported are forgotten (see Kubelet); running and exited containers stay (the
// container runtime keeps them). It returns running itself when nothing is forgotten.
func Restart(running []Container) []Container {
	keep := running[:0:0]
	for _, c := range running {
		if !c.Reported {
			keep = append(keep, c)
		}
	}
	if len(keep) == len(running) {
		return running
	}
	return keep
}

// find returns the container record of pod p (same name and UID).
func find(running []Container, p *cluster.Pod) (Container, bool) {
	for _, c := range running {
		if c.Pod == p.Name && c.UID == p.UID {
			return c, true
		}
	}
	return Container{}, false
}

// Exits lists how a running container of pod p may end visibly (the container-exit fault):
// with success unless restartPolicy is Always, with a failure only under Never; otherwise the
// kubelet restarts the container in place and the pod stays Running (upstream v1.34.3,
// kubelet getPhase).
func Exits(p *cluster.Pod) []Exit {
	switch p.Spec.RestartPolicy {
	case cluster.RestartNever:
		return []Exit{Succeeded, Failed}
	case cluster.RestartOnFailure:
		return []Exit{Succeeded}
	}
	return nil // Always, and the API server's default for none
}

// String names the kubelet as in traces.
func (k Kubelet) String() string { return fmt.Sprintf("kubelet/%s", k.Template.Name) }

// ApplyContainers returns a kubelet's containers after an intent (copying, never modifying).
func ApplyContainers(cs []Container, in Intent) []Container {
	if in.Run == nil && in.Stop == nil && in.Report == nil {
		return cs
	}
	out := make([]Container, 0, len(cs)+1)
	for _, c := range cs {
		if in.Stop != nil && c.Pod == in.Stop.Pod && c.UID == in.Stop.UID {
			continue
		}
		if in.Report != nil && c.Pod == in.Report.Pod && c.UID == in.Report.UID {
			c.Reported = true
		}
		out = append(out, c)
	}
	if in.Run != nil {
		out = append(out, *in.Run)
		slices.SortFunc(out, func(a, b Container) int {
			if c := strings.Compare(a.Pod, b.Pod); c != 0 {
				return c
			}
			return cmp.Compare(a.UID, b.UID)
		})
	}
	return out
}
