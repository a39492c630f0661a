package controllers

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

func node(name string, mut ...func(*cluster.Node)) *cluster.Node {
	n := &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: name, UID: 100}, Status: cluster.NodeStatus{Ready: true}}
	for _, f := range mut {
		f(n)
	}
	return n
}

func pod(name string, mut ...func(*cluster.Pod)) *cluster.Pod {
	p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, UID: cluster.UID(len(name)), Labels: cluster.Labels{{Key: "app", Value: "web"}}},
		Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}, Status: cluster.PodStatus{Phase: cluster.PodPending}}
	for _, f := range mut {
		f(p)
	}
	return p
}

func on(n string) func(*cluster.Pod)     { return func(p *cluster.Pod) { p.Spec.NodeName = n } }
func running(p *cluster.Pod)             { p.Status = cluster.PodStatus{Phase: cluster.PodRunning, Ready: true} }
func terminating(p *cluster.Pod)         { p.DeletionTimestamp = 3 }
func created(r int64) func(*cluster.Pod) { return func(p *cluster.Pod) { p.CreationRevision = r } }

func ownedBy_(rs *cluster.ReplicaSet) func(*cluster.Pod) {
	return func(p *cluster.Pod) {
		p.OwnerReferences = []cluster.OwnerReference{{Kind: cluster.KindReplicaSet, Name: rs.Name, UID: rs.UID, Controller: true}}
	}
}

// summary is an intent reduced to what tables compare.
type summary struct {
	Verb   datastore.Verb
	Name   string
	Node   string
	Run    string
	Stop   string
	Report string
}

func summarize(in []Intent) []summary {
	var out []summary
	for _, i := range in {
		s := summary{Verb: 255}
		if w := i.Write; w != nil {
			s.Verb = w.Verb
			_, s.Name = w.Target()
			s.Node = w.Node
		}
		if i.Run != nil {
			s.Run = i.Run.Pod
		}
		if i.Stop != nil {
			s.Stop = i.Stop.Pod
		}
		if i.Report != nil {
			s.Report = i.Report.Pod
		}
		out = append(out, s)
	}
	return out
}

// fingerprint renders a view deeply, to check that controllers do not modify it.
func fingerprint(c *cluster.Cluster) string {
	var s string
	for _, o := range c.Objects() {
		s += fmt.Sprintf("%+v\n", o)
	}
	return s
}

func TestKubelet(t *testing.T) {
	k := Kubelet{Template: node("n1")}
	cases := []struct {
		name    string
		view    *cluster.Cluster
		running []Container
		want    []summary
	}{
		{"joins when its Node is missing", cluster.New(pod("a", on("n1"))), nil,
			[]summary{{Verb: datastore.Create, Name: "n1"}}},
		{"starts a bound pod and marks it Running", cluster.New(node("n1"), pod("a", on("n1")), pod("b", on("n2")), pod("c")), nil,
			[]summary{{Verb: datastore.PatchStatus, Name: "a", Run: "a"}}},
		{"restarts containers of a Running pod without a write", cluster.New(node("n1"), pod("a", on("n1"), running)), nil,
			[]summary{{Verb: 255, Run: "a"}}},
		{"leaves a running pod alone", cluster.New(node("n1"), pod("a", on("n1"), running)), []Container{{Pod: "a", UID: 1}}, nil},
		{"kills and deletes a terminating pod", cluster.New(node("n1"), pod("a", on("n1"), running, terminating)), []Container{{Pod: "a", UID: 1}},
			[]summary{{Verb: datastore.Delete, Name: "a", Stop: "a"}}},
		{"drops containers of a pod that is gone or re-created", cluster.New(node("n1"), pod("a", on("n1"), func(p *cluster.Pod) { p.UID = 9 })),
			[]Container{{Pod: "a", UID: 1}, {Pod: "z", UID: 5}},
			[]summary{{Verb: 255, Stop: "a"}, {Verb: 255, Stop: "z"}, {Verb: datastore.PatchStatus, Name: "a", Run: "a"}}},
		{"corrects the status of a pod whose containers run", cluster.New(node("n1"), pod("a", on("n1"))), []Container{{Pod: "a", UID: 1}},
			[]summary{{Verb: datastore.PatchStatus, Name: "a"}}},
		{"reports exited containers and keeps their record", cluster.New(node("n1"), pod("a", on("n1"), running)), []Container{{Pod: "a", UID: 1, Exit: Failed}},
			[]summary{{Verb: datastore.PatchStatus, Name: "a", Report: "a"}}},
		// Kubernetes issue 37447: the record of a pod it ran to completion keeps the kubelet
		// from starting it again, from a view that predates the report...
		{"does not start again a pod it ran to completion", cluster.New(node("n1"), pod("a", on("n1"), running)),
			[]Container{{Pod: "a", UID: 1, Exit: Succeeded, Reported: true}}, nil},
		// ... until it restarts, which forgets the record.
		{"starts again a finished pod it forgot", cluster.New(node("n1"), pod("a", on("n1"), running)),
			Restart([]Container{{Pod: "a", UID: 1, Exit: Succeeded, Reported: true}}), []summary{{Verb: 255, Run: "a"}}},
		{"drops the record once the pod is gone", cluster.New(node("n1")), []Container{{Pod: "a", UID: 1, Exit: Succeeded, Reported: true}},
			[]summary{{Verb: 255, Stop: "a"}}},
	}
	for _, c := range cases {
		before := fingerprint(c.view)
		got := summarize(k.Reconcile(c.view, c.running))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if fingerprint(c.view) != before {
			t.Errorf("%s: the view was modified", c.name)
		}
	}
	// The status it writes.
	in := k.Reconcile(cluster.New(node("n1"), pod("a", on("n1"), running)), []Container{{Pod: "a", UID: 1, Exit: Succeeded}})
	if st := in[0].Write.Object.(*cluster.Pod).Status; st.Phase != cluster.PodSucceeded || st.Ready {
		t.Errorf("exit status %+v", st)
	}
}

func TestScheduler(t *testing.T) {
	taint := func(n *cluster.Node) { n.Spec.Taints = []cluster.Taint{{Key: "gpu", Effect: "NoSchedule"}} }
	cases := []struct {
		name string
		view *cluster.Cluster
		want []summary
	}{
		{"least loaded node", cluster.New(node("n1"), node("n2"), pod("a", on("n1")), pod("b")),
			[]summary{{Verb: datastore.Bind, Name: "b", Node: "n2"}}},
		{"the least loaded nodes are each a choice", cluster.New(node("n2"), node("n1"), node("n3"), pod("a", on("n3")), pod("b")),
			[]summary{{Verb: datastore.Bind, Name: "b", Node: "n1"}, {Verb: datastore.Bind, Name: "b", Node: "n2"}}},
		{"whatever pods they hold", cluster.New(node("n1"), node("n2"), node("n3"), pod("zz", on("n1")), pod("aa", on("n2")),
			pod("c", on("n3")), pod("d", on("n3")), pod("b")),
			[]summary{{Verb: datastore.Bind, Name: "b", Node: "n1"}, {Verb: datastore.Bind, Name: "b", Node: "n2"}}},
		{"oldest pod first", cluster.New(node("n1"), pod("a", created(5)), pod("b", created(3))), []summary{{Verb: datastore.Bind, Name: "b", Node: "n1"}}},
		{"skips unschedulable, not ready and tainted nodes", cluster.New(
			node("n1", func(n *cluster.Node) { n.Spec.Unschedulable = true }), node("n2", func(n *cluster.Node) { n.Status.Ready = false }),
			node("n3", taint), node("n4"), pod("a")), []summary{{Verb: datastore.Bind, Name: "a", Node: "n4"}}},
		{"tolerations", cluster.New(node("n1", taint), pod("a", func(p *cluster.Pod) { p.Spec.Tolerations = []cluster.Toleration{{Key: "gpu"}} })),
			[]summary{{Verb: datastore.Bind, Name: "a", Node: "n1"}}},
		{"CPU must fit", cluster.New(node("n1", func(n *cluster.Node) { n.Status.AllocatableCPU = 1000 }),
			pod("a", on("n1"), func(p *cluster.Pod) { p.Spec.CPU = 600 }), pod("b", func(p *cluster.Pod) { p.Spec.CPU = 500 })), nil},
		{"pod count must fit", cluster.New(node("n1", func(n *cluster.Node) { n.Status.AllocatablePods = 1 }), pod("a", on("n1")), pod("b")), nil},
		{"claims must exist", cluster.New(node("n1"), pod("a", func(p *cluster.Pod) { p.Spec.Claims = []string{"data"} })), nil},
		{"an unschedulable pod does not block the next", cluster.New(node("n1"),
			pod("a", created(1), func(p *cluster.Pod) { p.Spec.Claims = []string{"data"} }), pod("b", created(2))),
			[]summary{{Verb: datastore.Bind, Name: "b", Node: "n1"}}},
		{"terminating pods are not scheduled", cluster.New(node("n1"), pod("a", terminating)), nil},
	}
	for _, c := range cases {
		if got := summarize(Scheduler{}.Reconcile(c.view)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestReplicaSet(t *testing.T) {
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 50, Generation: 2},
		Spec: cluster.ReplicaSetSpec{Replicas: 2, Selector: cluster.Labels{{Key: "app", Value: "web"}},
			Template: cluster.PodTemplate{Labels: cluster.Labels{{Key: "app", Value: "web"}}, Spec: cluster.PodSpec{Image: "web:1"}}}}
	scaled := func(n int64) *cluster.ReplicaSet {
		r := rs.DeepCopy().(*cluster.ReplicaSet)
		r.Spec.Replicas = n
		return r
	}
	own := ownedBy_(rs)
	ofDeployment := func(r *cluster.ReplicaSet) *cluster.ReplicaSet {
		r.OwnerReferences = []cluster.OwnerReference{{Kind: cluster.KindDeployment, Name: "web", UID: 40, Controller: true}}
		return r
	}
	cases := []struct {
		name string
		view *cluster.Cluster
		want []summary
	}{
		{"adopts a matching orphan", cluster.New(rs, pod("a")), []summary{{Verb: datastore.Patch, Name: "a"}}},
		{"releases a pod that no longer matches", cluster.New(rs, pod("a", own, func(p *cluster.Pod) { p.Labels = nil })),
			[]summary{{Verb: datastore.Patch, Name: "a"}}},
		{"creates towards spec.replicas", cluster.New(rs, pod("a", own)), []summary{{Verb: datastore.Create, Name: "web-"}}},
		{"terminating pods do not count", cluster.New(rs, pod("a", own), pod("b", own, terminating)), []summary{{Verb: datastore.Create, Name: "web-"}}},
		{"deletes unassigned pods first", cluster.New(scaled(1), pod("a", own, on("n1"), running), pod("b", own)),
			[]summary{{Verb: datastore.Delete, Name: "b"}}},
		{"then pending before running", cluster.New(scaled(1), pod("a", own, on("n1"), running), pod("b", own, on("n1"))),
			[]summary{{Verb: datastore.Delete, Name: "b"}}},
		// A Deployment's ReplicaSet ranks pods by the related pods on their node (of every
		// ReplicaSet of the Deployment); one without a controller has no such rank (upstream
		// v1.34.3 getIndirectlyRelatedPods: none), so the newer pod goes first.
		{"then pods doubled up on a node", cluster.New(ofDeployment(scaled(2)), pod("a", own, on("n1"), running, created(9)), pod("b", own, on("n2"), running), pod("c", own, on("n2"), running)),
			[]summary{{Verb: datastore.Delete, Name: "b"}}},
		{"no doubled-up rank without a controller", cluster.New(scaled(2), pod("a", own, on("n1"), running, created(9)), pod("b", own, on("n2"), running), pod("c", own, on("n2"), running)),
			[]summary{{Verb: datastore.Delete, Name: "a"}}},
		{"then newer pods", cluster.New(scaled(1), pod("a", own, on("n1"), running, created(4)), pod("b", own, on("n2"), running, created(3))),
			[]summary{{Verb: datastore.Delete, Name: "a"}}},
		{"writes the status when in sync", cluster.New(rs, pod("a", own, on("n1"), running), pod("b", own)),
			[]summary{{Verb: datastore.UpdateStatus, Name: "web"}}},
		// Upstream claims active pods only (syncReplicaSet filters them first): a terminating
		// or finished pod is neither released nor adopted, and does not count.
		{"a terminating pod that no longer matches is not released", cluster.New(rs, pod("a", own, on("n1"), running),
			pod("b", own, terminating, func(p *cluster.Pod) { p.Labels = nil })), []summary{{Verb: datastore.Create, Name: "web-"}}},
		{"a finished pod that no longer matches is not released", cluster.New(scaled(1), pod("a", own, on("n1"), running),
			pod("b", own, func(p *cluster.Pod) { p.Labels = nil; p.Status.Phase = cluster.PodSucceeded })), []summary{{Verb: datastore.UpdateStatus, Name: "web"}}},
		{"a finished orphan is not adopted", cluster.New(scaled(1), pod("a", own, on("n1"), running),
			pod("b", func(p *cluster.Pod) { p.Status.Phase = cluster.PodFailed })), []summary{{Verb: datastore.UpdateStatus, Name: "web"}}},
		{"pods of another owner are left alone", cluster.New(rs, pod("a", func(p *cluster.Pod) {
			p.OwnerReferences = []cluster.OwnerReference{{Kind: cluster.KindReplicaSet, Name: "x", UID: 7, Controller: true}}
		})), []summary{{Verb: datastore.Create, Name: "web-"}}},
	}
	for _, c := range cases {
		before := fingerprint(c.view)
		if got := summarize(ReplicaSetController{}.Reconcile(c.view)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if fingerprint(c.view) != before {
			t.Errorf("%s: the view was modified", c.name)
		}
	}
	in := ReplicaSetController{}.Reconcile(cluster.New(rs, pod("a", own, on("n1"), running), pod("b", own)))
	want := cluster.ReplicaSetStatus{Replicas: 2, FullyLabeledReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1, ObservedGeneration: 2}
	if got := in[0].Write.Object.(*cluster.ReplicaSet).Status; got != want {
		t.Errorf("status %+v, want %+v", got, want)
	}
	// In sync and status current: nothing to do.
	synced := rs.DeepCopy().(*cluster.ReplicaSet)
	synced.Status = want
	if got := (ReplicaSetController{}).Reconcile(cluster.New(synced, pod("a", own, on("n1"), running), pod("b", own))); len(got) != 0 {
		t.Errorf("in sync: %+v", summarize(got))
	}
	// A created pod carries the template and a controller reference.
	p := ReplicaSetController{}.Reconcile(cluster.New(rs))[0].Write.Object.(*cluster.Pod)
	if ref, ok := p.ControllerRef(); !ok || ref.UID != 50 || p.GenerateName != "web-" || p.Spec.Image != "web:1" || !rs.Spec.Selector.Matches(p.Labels) {
		t.Errorf("created pod %+v", p)
	}
}

func TestPodGC(t *testing.T) {
	cases := []struct {
		name string
		view *cluster.Cluster
		want []summary
	}{
		{"pods on a vanished node", cluster.New(node("n1"), pod("a", on("n1")), pod("b", on("n2"))), []summary{{Verb: datastore.Delete, Name: "b"}}},
		{"terminating unscheduled pods", cluster.New(pod("a", terminating)), []summary{{Verb: datastore.Delete, Name: "a"}}},
		{"nothing else", cluster.New(node("n1"), pod("a", on("n1")), pod("b")), nil},
	}
	for _, c := range cases {
		got := PodGC{}.Reconcile(c.view)
		if !reflect.DeepEqual(summarize(got), c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, summarize(got), c.want)
		}
		for _, in := range got {
			if !in.Write.Force {
				t.Errorf("%s: pod GC deletes without a grace period", c.name)
			}
		}
	}
}

// Pod GC's orphan deletes name their node and chain the next pods to collect, for when a live
// read finds the node: here a, b on vanished nodes, then the unscheduled terminating c.
func TestPodGCNextCandidates(t *testing.T) {
	got := PodGC{}.Reconcile(cluster.New(pod("a", on("n2")), pod("b", on("n3")), pod("c", terminating), pod("d", on("n4"))))
	var chain []string
	for in := &got[0]; in != nil; in = in.Instead {
		chain = append(chain, in.Write.Name+"@"+in.GoneNode)
	}
	if len(got) != 1 || strings.Join(chain, " ") != "a@n2 b@n3 c@" {
		t.Errorf("chain %v", chain)
	}
}

// TestKubeletRestart: a restart forgets the records of reported exits only; running containers
// and exits not yet reported stay (the container runtime keeps them).
func TestKubeletRestart(t *testing.T) {
	cs := []Container{{Pod: "a", UID: 1}, {Pod: "b", UID: 2, Exit: Failed}, {Pod: "c", UID: 3, Exit: Succeeded, Reported: true}}
	if got := Restart(cs); !reflect.DeepEqual(got, cs[:2]) {
		t.Errorf("after a restart: %+v", got)
	}
	if got := Restart(cs[:2]); &got[0] != &cs[0] {
		t.Error("a restart that forgets nothing copies the records")
	}
	if cs[2].Pod != "c" {
		t.Error("Restart modified its argument")
	}
}

// TestKubeletAdmission: a bound pod that does not fit beside the pods the kubelet runs fails
// with upstream's reason (OutOfcpu, OutOfpods) instead of starting; one that fits starts, its
// CPU request in its record.
func TestKubeletAdmission(t *testing.T) {
	small := func(n *cluster.Node) { n.Status.AllocatableCPU, n.Status.AllocatablePods = 1000, 2 }
	k := Kubelet{Template: node("n1", small)}
	cpu := func(m int64) func(*cluster.Pod) { return func(p *cluster.Pod) { p.Spec.CPU = m } }
	runs := []Container{{Pod: "a", UID: 1, CPU: 800}}
	view := cluster.New(node("n1", small), pod("a", on("n1"), running, cpu(800)), pod("bb", on("n1"), cpu(500)), pod("c", on("n1"), cpu(200)))
	in := k.Reconcile(view, runs)
	if len(in) != 2 {
		t.Fatalf("intents %+v", summarize(in))
	}
	rejected, started := in[0], in[1]
	st := rejected.Write.Object.(*cluster.Pod).Status
	if rejected.Write.Verb != datastore.PatchStatus || rejected.Run == nil || *rejected.Run != (Container{Pod: "bb", UID: 2, Exit: Failed, Reported: true}) ||
		st.Phase != cluster.PodFailed || st.Reason != "OutOfcpu" ||
		rejected.Why != "Pod was rejected: Node didn't have enough resource: cpu, requested: 500, used: 800, capacity: 1000" {
		t.Errorf("bb: %+v %+v", st, rejected)
	}
	if started.Run == nil || started.Run.Pod != "c" || started.Run.CPU != 200 {
		t.Errorf("c: %+v", started)
	}
	// The pod count: two run already.
	in = k.Reconcile(view, append(runs, Container{Pod: "z", UID: 9}))
	reason := ""
	for _, i := range in {
		if i.Write != nil && i.Write.Object != nil && i.Write.Object.Meta().Name == "c" {
			reason = i.Write.Object.(*cluster.Pod).Status.Reason
		}
	}
	if reason != "OutOfpods" {
		t.Errorf("c with two pods running: %q, intents %+v", reason, summarize(in))
	}
	// Without limits every pod starts.
	free := Kubelet{Template: node("n1")}
	if in := free.Reconcile(cluster.New(node("n1"), pod("bb", on("n1"), cpu(5000))), nil); len(in) != 1 || in[0].Run == nil {
		t.Errorf("no limit: %+v", summarize(in))
	}
}

// TestSchedulerQueue: a pod whose bind failed waits behind the others; a pod the scheduler
// bound counts on its node until its cache shows it bound; a restart (an empty state) forgets
// both, which is how Kubernetes issue 45220 overcommits a node.
func TestSchedulerQueue(t *testing.T) {
	small := func(n *cluster.Node) { n.Status.AllocatablePods = 1 }
	view := cluster.New(node("n1", small), node("n2", small), pod("a", created(1)), pod("bb", created(2)))
	a, bb := view.Pod("a"), view.Pod("bb")
	bind := func(st SchedulerState) summary {
		w := only(t, Scheduler{}.ReconcileQueue(view, st))
		return summary{Verb: w.Verb, Name: w.Name, Node: w.Node}
	}
	binds := func(st SchedulerState) []summary { return summarize(Scheduler{}.ReconcileQueue(view, st)) }
	both := func(name string) []summary {
		return []summary{{Verb: datastore.Bind, Name: name, Node: "n1"}, {Verb: datastore.Bind, Name: name, Node: "n2"}}
	}
	if got := binds(SchedulerState{}); !reflect.DeepEqual(got, both("a")) {
		t.Fatalf("oldest first, on either empty node: %+v", got)
	}
	// a's bind failed: bb comes first.
	in := Scheduler{}.ReconcileQueue(view, SchedulerState{})[0]
	st := SchedulerState{}.Next(view, in, false, 0)
	if !reflect.DeepEqual(st.Backoff, []cluster.UID{a.UID}) || len(st.Assumed) != 0 {
		t.Fatalf("after a failed bind: %+v", st)
	}
	if got := binds(st); !reflect.DeepEqual(got, both("bb")) {
		t.Fatalf("with a in back-off: %+v", got)
	}
	// a's bind succeeded: a is assumed on n1, which is full for bb even in a view where a is
	// still pending.
	st = SchedulerState{}.Next(view, in, true, 5)
	if !reflect.DeepEqual(st.Assumed, []Assumed{{UID: a.UID, Node: "n1", Rev: 5}}) {
		t.Fatalf("after a bind: %+v", st)
	}
	if got := bind(st); got != (summary{Verb: datastore.Bind, Name: "bb", Node: "n2"}) {
		t.Fatalf("with a assumed on n1: %+v", got)
	}
	// Forgotten (a restart): bb may go to n1 too, which has no room left.
	if got := binds(SchedulerState{Backoff: []cluster.UID{a.UID}}); !reflect.DeepEqual(got, both("bb")) {
		t.Fatalf("after a restart: %+v", got)
	}
	// Pruned once no readable revision shows a queued pod pending, or predates a binding.
	bound := cluster.New(node("n1"), pod("a", on("n1")), pod("bb", on("n2")))
	if p := st.Prune(4, []*cluster.Cluster{view, bound}); len(p.Assumed) != 1 {
		t.Errorf("pruned while a readable revision predates the binding: %+v", p)
	}
	if p := st.At(5); len(p.Assumed) != 0 || len(st.Assumed) != 1 {
		t.Errorf("a view of the binding's revision still assumes: %+v", p)
	}
	if p := (SchedulerState{Backoff: []cluster.UID{bb.UID}, Assumed: st.Assumed}).Prune(5, []*cluster.Cluster{bound}); p.Backoff != nil || p.Assumed != nil {
		t.Errorf("not pruned: %+v", p)
	}
}
