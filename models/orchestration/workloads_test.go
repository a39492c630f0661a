package orchestration_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// The Deployment, StatefulSet and Job scenarios under synchronous reads: the search completes
// and every property holds (a rollout completes, for Deployments: the Sometimes witness).
func TestWorkloadScenariosSynchronous(t *testing.T) {
	cases := []struct {
		scenario    string
		controllers int
		unique      int64 // and under symmetry (nodes and controller replicas):
		symmetric   int64
		workers     []int
	}{
		{"deployment/new", 1, 307, 163, []int{1, 2}},
		{"deployment/new", 2, 6477, 901, []int{2}},
		{"deployment/paused", 1, 1209, 621, []int{1, 2}},
		{"deployment/paused", 2, 29539, 4269, []int{2}},
		{"deployment/rolling-update", 1, 12441, 6230, []int{1, 2}},
		{"job/non-parallel", 1, 161, 82, []int{1, 2}},
		{"job/non-parallel", 2, 1242, 260, []int{2}},
		{"statefulset/available", 1, 146, 75, []int{1, 2}},
		{"statefulset/available", 2, 1239, 274, []int{2}},
		{"statefulset/spec-replicas-change", 1, 201, 103, []int{1, 2}},
		{"statefulset/spec-replicas-change", 2, 1716, 380, []int{2}},
		{"statefulset/stale-reads", 1, 2144, 1091, []int{1, 2}},
		{"statefulset/stale-reads", 2, 36515, 5680, []int{2}},
	}
	for _, c := range cases {
		m := model(t, c.scenario, func(s *scenario.Settings) { s.Controllers = c.controllers })
		for _, w := range c.workers {
			r, err := checker.Check(context.Background(), m, checker.Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Complete || r.Unique != c.unique {
				t.Errorf("%s controllers=%d workers=%d: %d states, complete %v; want %d, complete", c.scenario, c.controllers, w, r.Unique, r.Complete, c.unique)
			}
			for _, p := range r.Properties {
				if p.Status != checker.Holds {
					t.Errorf("%s controllers=%d: %s: %v", c.scenario, c.controllers, p.Name, p.Status)
				}
			}
		}
		// One state per orbit: the same safety verdicts (the liveness pass explores every
		// state again, as without symmetry).
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, Symmetry: true, NoLiveness: true})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Complete || r.Unique != c.symmetric {
			t.Errorf("%s controllers=%d symmetry: %d states, complete %v; want %d, complete", c.scenario, c.controllers, r.Unique, r.Complete, c.symmetric)
		}
		for _, p := range r.Properties {
			if p.Expect == checker.Always && p.Status != checker.Holds {
				t.Errorf("%s controllers=%d symmetry: %s: %v", c.scenario, c.controllers, p.Name, p.Status)
			}
		}
	}
}

// Weak levels break the workloads' guarantees: the shortest counterexamples, step by step.
func TestWorkloadViolations(t *testing.T) {
	cases := []struct {
		scenario string
		level    datastore.Level
		crash    bool
		off      bool // expectations off
		property string
		steps    int
		last     string // in the last step's sentence
		// keepGoing: another property is violated first
		keepGoing bool
	}{
		// Kubernetes issue 59848: a kubelet back from a crash reads a stale view and runs db-0,
		// which now runs on node-2, a second time.
		{"statefulset/stale-reads", datastore.ResettableSession, false, false, orchestration.OneNodePerPod, 10, "kubelet/node-1 read revision 4 (5 behind latest) and started the containers of pod db-0", false},
		{"statefulset/stale-reads", datastore.Causal, false, false, orchestration.OrdinalOnce, 7, "started the containers of pod db-0", false},
		{"statefulset/available", datastore.Causal, false, false, orchestration.OrderedCreate, 10, "created pod web-2", false},
		{"statefulset/spec-replicas-change", datastore.Causal, false, false, orchestration.OrderedTerminate, 23, "asked to delete pod db-1", true},
		// A status write from a view before the user's image change wins the merge over it.
		{"deployment/rolling-update", datastore.Causal, false, false, orchestration.OldScaledDown, 13, "created replicaset web-", true},
		{"deployment/paused", datastore.Causal, false, false, orchestration.PausedNoNewRS, 4, "created replicaset web-", false},
		// Without expectations, a sync on a pod cache without its own create makes a second
		// pod; both succeed (with them, both checks are complete and hold: TestExpectations).
		{"job/non-parallel", datastore.MonotonicSession, false, true, orchestration.JobSucceeded, 11, "record 2 finished pods", true},
		{"job/non-parallel", datastore.Causal, false, true, orchestration.JobSucceeded, 11, "pods", true},
	}
	for _, c := range cases {
		m := model(t, c.scenario, func(s *scenario.Settings) {
			s.Consistency = c.level
			s.NodeCrash = s.NodeCrash || c.crash
			if c.off {
				s.Expectations = orchestration.ExpectationsOff
			}
		})
		// Under symmetry: the same shortest counterexamples, fewer states to reach them.
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: c.keepGoing, MaxStates: 60000, Symmetry: true})
		if err != nil {
			t.Fatal(err)
		}
		p := r.Property(c.property)
		if p == nil || p.Status != checker.Violated {
			t.Errorf("%s %s: %q not violated (%d states): %+v", c.scenario, c.level, c.property, r.Unique, p)
			continue
		}
		if len(p.Trace.Steps) != c.steps {
			t.Errorf("%s %s: %q violated after %d steps, want %d", c.scenario, c.level, c.property, len(p.Trace.Steps), c.steps)
			continue
		}
		steps := checker.RenderTrace[orchestration.State, orchestration.Action](m, p.Trace)
		if last := steps[len(steps)-1].Action; !strings.Contains(last, c.last) {
			t.Errorf("%s %s: last step %q lacks %q", c.scenario, c.level, last, c.last)
		}
	}
}

// The client's workload actions: resume and pause a Deployment, change its image, scale a
// StatefulSet, suspend a Job; each a sentence, each at quiescence only.
func TestWorkloadClient(t *testing.T) {
	m := model(t, "deployment/paused", nil)
	s := m.Init()[0]
	var sentences []string
	for _, a := range m.Actions(s, nil) {
		sentences = append(sentences, m.FormatAction(s, a))
	}
	got := strings.Join(sentences, "\n")
	for _, want := range []string{"a user resumed Deployment web", "a user set the image of Deployment web to web:2"} {
		if strings.Contains(got, want) {
			t.Errorf("the client acts before quiescence: %q", want)
		}
	}
	// Settle (the controllers' steps only), then the client may act.
	for i := 0; i < 50 && !m.Quiescent(s); i++ {
		s, _ = m.Next(s, m.Actions(s, nil)[0])
	}
	sentences = sentences[:0]
	for _, a := range m.Actions(s, nil) {
		sentences = append(sentences, m.FormatAction(s, a))
	}
	got = strings.Join(sentences, "\n")
	for _, want := range []string{"a user resumed Deployment web", "a user set the image of Deployment web to web:2"} {
		if !strings.Contains(got, want) {
			t.Errorf("at quiescence, no %q among:\n%s", want, got)
		}
	}
	ss := model(t, "statefulset/spec-replicas-change", nil)
	st := ss.Init()[0]
	for i := 0; i < 80 && !ss.Quiescent(st); i++ {
		st, _ = ss.Next(st, ss.Actions(st, nil)[0])
	}
	var scales []string
	for _, a := range ss.Actions(st, nil) {
		if a.Kind == orchestration.Scale {
			scales = append(scales, ss.FormatAction(st, a))
		}
	}
	if strings.Join(scales, "; ") != "a user scaled StatefulSet db to 1 replicas; a user scaled StatefulSet db to 3 replicas" {
		t.Fatalf("StatefulSet scaling: %q", scales)
	}
	cfg := model(t, "job/non-parallel", nil).Config()
	cfg.Client.Suspend = []string{"pi"}
	jm, err := orchestration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := checker.Check(context.Background(), jm, checker.Options{Workers: 2})
	if !r.Complete || r.Unique <= 56 {
		t.Fatalf("job/non-parallel with suspend: %d states, complete %v", r.Unique, r.Complete)
	}
	for _, p := range r.Properties {
		if p.Status != checker.Holds {
			t.Errorf("with suspend: %s %v", p.Name, p.Status)
		}
	}
}

// Counter values of the new kinds (observed generations and revisions, rollout revisions)
// are written canonically too.
func TestWorkloadEncodingIgnoresCounterValues(t *testing.T) {
	for _, name := range []string{"deployment/rolling-update", "statefulset/spec-replicas-change", "job/non-parallel"} {
		m := model(t, name, func(s *scenario.Settings) { s.Consistency = datastore.MonotonicSession })
		walk(m, 11, 300, func(s orchestration.State, _ orchestration.Action) {
			if !bytes.Equal(m.Encode(nil, s), m.Encode(nil, shift(s, 1000, 77))) {
				t.Fatalf("%s: shifting counters changed the encoding of\n%s", name, m.FormatState(s))
			}
		})
	}
}

// An Indexed Job of 2 completions: the search completes, every property holds, and some run
// completes both indexes.
func TestIndexedJob(t *testing.T) {
	cfg := model(t, "job/non-parallel", nil).Config()
	for i, o := range cfg.Objects {
		if j, ok := o.(*cluster.Job); ok {
			j = j.DeepCopy().(*cluster.Job)
			j.Spec.CompletionMode, j.Spec.Completions, j.Spec.Parallelism, j.Spec.BackoffLimit = "Indexed", 2, 2, 0
			cfg.Objects[i] = j
		}
	}
	m, err := orchestration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
	if err != nil || !r.Complete {
		t.Fatalf("indexed job: %v, %d states, complete %v", err, r.Unique, r.Complete)
	}
	for _, p := range r.Properties {
		if p.Status != checker.Holds {
			t.Errorf("indexed job: %s %v", p.Name, p.Status)
		}
	}
	done := false
	for seed := uint64(1); seed <= 20 && !done; seed++ {
		walk(m, seed, 200, func(s orchestration.State, a orchestration.Action) {
			next, _ := m.Next(s, a)
			for _, j := range next.Store.Latest().Cluster.Jobs() {
				done = done || j.Status.Condition == controllers.JobComplete && len(j.Status.CompletedIndexes) == 2 && j.Status.Succeeded == 2
			}
		})
	}
	if !done {
		t.Fatal("no walk completed both indexes")
	}
}

// Replicas of a controller kind are interchangeable: with symmetry every built-in scenario
// with two replicas of each controller has fewer states and the same verdicts, and the
// shortest violation keeps its length.
func TestControllerSymmetry(t *testing.T) {
	for _, b := range scenario.Builtins() {
		m := model(t, b.Name, func(s *scenario.Settings) { s.Controllers = 2 })
		plain, err1 := checker.Check(context.Background(), m, checker.Options{Workers: 2, MaxStates: 40000})
		sym, err2 := checker.Check(context.Background(), m, checker.Options{Workers: 2, MaxStates: 40000, Symmetry: true})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !plain.Complete {
			continue // bounded: the two searches cover different behaviours
		}
		if !sym.Complete || sym.Unique >= plain.Unique {
			t.Errorf("%s: %d states with symmetry (complete %v), %d without", b.Name, sym.Unique, sym.Complete, plain.Unique)
		}
		for i, p := range sym.Properties {
			if p.Status != plain.Properties[i].Status {
				t.Errorf("%s: %s is %v with symmetry, %v without", b.Name, p.Name, p.Status, plain.Properties[i].Status)
			}
		}
	}
	m := model(t, "node/restart", func(s *scenario.Settings) { s.Controllers, s.Consistency = 2, datastore.Optimistic })
	r, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, Symmetry: true})
	if p := r.Property(orchestration.OneNodePerPod); p.Status != checker.Violated || len(p.Trace.Steps) != 9 {
		t.Fatalf("node/restart optimistic with symmetry: %v", p.Status)
	}
}

// The status properties are judged at each status write against the view it was computed from:
// a count the view does not have breaks them, the view's own count does not.
func TestStatusWritesAreJudgedAgainstTheirView(t *testing.T) {
	for _, c := range []struct {
		scenario, property string
		kind               orchestration.ControllerKind
		status             func(o cluster.Object, n int64) // sets the counts to n
		bit                orchestration.Monitor
	}{
		{"replicaset/spec-replicas-change", orchestration.ReplicaSetStatus, orchestration.ReplicaSetKind,
			func(o cluster.Object, n int64) { o.(*cluster.ReplicaSet).Status.Replicas = n }, orchestration.BrokenReplicaSetStatus},
		{"statefulset/available", orchestration.StatefulSetState, orchestration.StatefulSetKind,
			func(o cluster.Object, n int64) { o.(*cluster.StatefulSet).Status.Replicas = n }, orchestration.BrokenStatefulSetStatus},
		{"job/non-parallel", orchestration.JobStatus, orchestration.JobKind,
			func(o cluster.Object, n int64) { o.(*cluster.Job).Status.Active = n }, orchestration.BrokenJobStatus},
	} {
		m := model(t, c.scenario, nil)
		s := m.Init()[0]
		view := s.Store.Latest().Cluster
		var obj cluster.Object
		for _, o := range view.Objects() {
			if k := o.Kind(); k == cluster.KindReplicaSet || k == cluster.KindStatefulSet || k == cluster.KindJob {
				obj = o
			}
		}
		for n, want := range map[int64]orchestration.Monitor{0: 0, 1: c.bit} { // the view has no pods
			q := obj.DeepCopy()
			c.status(q, n)
			if got := m.StatusMonitor(c.kind, view, s, datastore.Write{Verb: datastore.UpdateStatus, Object: q}); got != want {
				t.Errorf("%s: a status of %d: monitor %b, want %b", c.scenario, n, got, want)
			}
		}
		broken := s
		broken.Broken = c.bit
		for _, p := range m.Properties() {
			if p.Name == c.property && (p.Holds(broken) || !p.Holds(s)) {
				t.Errorf("%s: %q does not follow the monitor", c.scenario, p.Name)
			}
		}
	}
}

// TestKubeletRemembersFinishedPods: Kubernetes issue 37447 (bugs/kubelet-restart-reruns-terminated).
// A kubelet that restarted and read an old revision, where its finished pod still runs, starts
// it again: 6 steps. Without restarts it remembers the pod it ran to completion, and with fresh
// reads it sees the pod's terminal phase: the property holds, on a complete search.
func TestKubeletRemembersFinishedPods(t *testing.T) {
	const name = "bugs/kubelet-restart-reruns-terminated"
	steps := violation(t, model(t, name, nil), orchestration.TerminalStays, 6)
	last, restart := steps[6].Action, steps[5].Action
	if !strings.Contains(last, "started the containers of pod once") || !strings.Contains(restart, "kubelet/node-1 restarted") {
		t.Errorf("the last steps: %q, %q", restart, last)
	}
	for _, set := range []func(*scenario.Settings){
		func(s *scenario.Settings) { s.Restart = false },
		func(s *scenario.Settings) { s.Consistency = datastore.Synchronous },
	} {
		m := model(t, name, set)
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
		if err != nil || !r.Complete || r.Property(orchestration.TerminalStays).Status != checker.Holds {
			t.Errorf("%s %+v: complete %v, %+v", name, m.Config().Level, r.Complete, r.Property(orchestration.TerminalStays))
		}
	}
}

// fullNodes is a ReplicaSet of 2 pods of 1 CPU on nodes with room for one pod each.
const fullNodes = `
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata:
  name: full-nodes
spec:
  consistency: synchronous
  staleness: 3
  controllers: 1
  nodes: 2
  node: {cpu: "1", pods: 1}
  objects:
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "web:1", resources: {requests: {cpu: "1"}}}]
`

// TestNodeFit: the pods bound to a node fit it, and those a kubelet runs fit it, judged both
// ways; a cluster too small for its pods is not a controller failure.
func TestNodeFit(t *testing.T) {
	parsed, err := scenario.Parse([]byte(fullNodes))
	if err != nil {
		t.Fatal(err)
	}
	// After the overcommit of Kubernetes issue 45220, the kubelet's admission fails the pod
	// that does not fit, with upstream's reason: some random walk gets there.
	bug := model(t, "bugs/scheduler-restart-overcommit", nil)
	rejected := ""
	for seed := uint64(0); seed < 200 && rejected == ""; seed++ {
		walk(bug, seed, 40, func(s orchestration.State, a orchestration.Action) {
			if text := bug.FormatAction(s, a); rejected == "" && strings.Contains(text, "(OutOfcpu)") {
				rejected = text
			}
		})
	}
	if !strings.Contains(rejected, "to Failed (OutOfcpu) (Pod was rejected: Node didn't have enough resource: cpu, requested: 1000, used: 1000, capacity: 1000)") {
		t.Errorf("no walk met the kubelet's rejection of an overcommitted pod: %q", rejected)
	}
	// Fresh reads: every property holds, with one node too small for the second pod as well
	// (it waits for room: not a failure of the ReplicaSet at quiescence).
	for _, nodes := range []int{2, 1} {
		m := build(t, parsed, func(s *scenario.Settings) { s.Nodes = nodes })
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true})
		if err != nil || !r.Complete {
			t.Fatalf("synchronous, %d nodes: %v, complete %v", nodes, err, r.Complete)
		}
		for _, p := range r.Properties {
			if p.Status != checker.Holds {
				t.Errorf("synchronous, %d nodes: %s: %v", nodes, p.Name, p.Status)
			}
		}
	}
	// The kubelet's property on a state its admission never lets happen: two pods of 1 CPU
	// run on a node of 1.
	m := build(t, parsed, nil)
	s := m.Init()[0]
	s.Local = slices.Clone(s.Local)
	s.Local[0].Containers = []controllers.Container{{Pod: "x", UID: 90, CPU: 1000}, {Pod: "y", UID: 91, CPU: 1000}}
	for _, prop := range m.Properties() {
		if prop.Name == orchestration.KubeletFit && prop.Holds(s) {
			t.Error("two pods of 1 CPU on a node of 1 fit")
		}
		if prop.Name == orchestration.KubeletFit && !prop.Holds(m.Init()[0]) {
			t.Error("no pod does not fit")
		}
	}
}

// TestSchedulerRestartOvercommit: Kubernetes issue 45220 (bugs/scheduler-restart-overcommit).
// The scheduler binds one pod, restarts onto a pod cache without that binding (its node cache
// fresh, as reported), fails to bind the same pod again (409, back-off), and binds the other to
// the full node: 6 steps, also with one snapshot per step. Without restarts it counts the pod
// it assumed, and the property holds on a complete search.
func TestSchedulerRestartOvercommit(t *testing.T) {
	const name = "bugs/scheduler-restart-overcommit"
	steps := violation(t, model(t, name, nil), orchestration.BoundFit, 6)
	violation(t, model(t, name, func(s *scenario.Settings) { s.Cache = orchestration.CacheSnapshot }), orchestration.BoundFit, 6)
	for i, want := range map[int]string{
		4: "scheduler-1 restarted",
		5: "scheduler-1 read pods at revision 2 (2 behind latest), nodes and persistentvolumeclaims at revision 4 (latest) and tried to bind pod web-f5hbb: 409 Conflict",
		6: "scheduler-1 read pods at revision 3 (1 behind latest), nodes and persistentvolumeclaims at revision 4 (latest) and bound pod web-pxvbb to node node-1",
	} {
		if !strings.Contains(steps[i].Action, want) {
			t.Errorf("step %d: %q lacks %q", i, steps[i].Action, want)
		}
	}
	m := model(t, name, func(s *scenario.Settings) { s.Restart = false })
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
	if err != nil || !r.Complete || r.Property(orchestration.BoundFit).Status != checker.Holds {
		t.Errorf("without restarts: complete %v, %+v", r.Complete, r.Property(orchestration.BoundFit))
	}
}

// violation checks m to its first violation, which must be of property after steps steps, and
// returns the trace as rendered (step 0 the initial state).
func violation(t *testing.T, m *orchestration.Model, property string, steps int) []checker.TraceStep {
	t.Helper()
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Property(property)
	if p != nil && p.Status == checker.Unknown { // another property was violated first
		if r, err = checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true, MaxStates: 100000}); err != nil {
			t.Fatal(err)
		}
		p = r.Property(property)
	}
	if p == nil || p.Status != checker.Violated || len(p.Trace.Steps) != steps {
		t.Fatalf("%s: %+v", property, p)
	}
	return checker.RenderTrace[orchestration.State, orchestration.Action](m, p.Trace)
}

// rejectedRerun is one node with room for one pod and two pods bound to it, which run to
// completion: the kubelet rejects the second while the first runs.
const rejectedRerun = `
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata:
  name: rejected-rerun
spec:
  consistency: monotonic-session
  staleness: 3
  controllers: 1
  nodes: 1
  node: {pods: 1}
  containerExit: true
  objects:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec: {nodeName: node-1, restartPolicy: Never, containers: [{name: a, image: "a:1"}]}
  - apiVersion: v1
    kind: Pod
    metadata: {name: b}
    spec: {nodeName: node-1, restartPolicy: Never, containers: [{name: b, image: "b:1"}]}
`

// TestRejectedPodStaysFailed: a pod the kubelet's admission failed is not started again from an
// older view where it is still Pending (the kubelet remembers it, as a pod it ran to
// completion), until the kubelet restarts; a start from a view older than the terminal phase
// is judged against the store before the step, even when the start's own status patch then
// makes the pod Running again.
func TestRejectedPodStaysFailed(t *testing.T) {
	parsed, err := scenario.Parse([]byte(rejectedRerun))
	if err != nil {
		t.Fatal(err)
	}
	r, err := checker.Check(context.Background(), build(t, parsed, func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession }),
		checker.Options{Workers: 2, KeepGoing: true})
	if err != nil || !r.Complete || r.Property(orchestration.TerminalStays).Status != checker.Holds {
		t.Fatalf("without restarts: complete %v, %+v", r.Complete, r.Property(orchestration.TerminalStays))
	}
	// A kubelet that restarts onto a cache from before its rejection starts b: 5 steps. (The
	// scenario binds two pods to a node of one: the bound pods do not fit from the start, hence
	// KeepGoing.)
	m := build(t, parsed, func(s *scenario.Settings) { s.Restart, s.Consistency = true, datastore.ResettableSession })
	r, err = checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true, MaxStates: 20000})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Property(orchestration.TerminalStays)
	if p == nil || p.Status != checker.Violated || len(p.Trace.Steps) != 5 {
		t.Fatalf("with restarts: %+v", p)
	}
	steps := checker.RenderTrace[orchestration.State, orchestration.Action](m, p.Trace)
	if !strings.Contains(steps[2].Action, "to Failed (OutOfpods)") || !strings.Contains(steps[3].Action, "restarted") ||
		!strings.Contains(steps[5].Action, "started the containers of pod b, then updated the status of pod b to Running") {
		t.Errorf("trace: %q, %q, %q", steps[2].Action, steps[3].Action, steps[5].Action)
	}
}
