package orchestration_test

import (
	"fmt"
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

func expectations(mode orchestration.ExpectationsMode) func(*scenario.Settings) {
	return func(s *scenario.Settings) { s.Expectations = mode }
}

// Kubernetes issues 129795 and 130683: a controller whose expectations expire syncs on a pod
// cache without its own create and creates a second pod, 3 steps (create, expire, create);
// with expectations that do not expire the check is complete and every property holds.
func TestExpectationsExpire(t *testing.T) {
	for _, c := range []struct {
		scenario, property, expire string
		unique                     int64 // with expectations on
	}{
		{"bugs/rs-expectations-expire", orchestration.ReplicaSetCreates, "the expectations of replicaset-controller-1 for ReplicaSet web expired", 26},
		{"bugs/job-duplicate-pod", orchestration.JobCreates, "the expectations of job-controller-1 for Job pi expired", 516},
	} {
		steps := violation(t, model(t, c.scenario, nil), c.property, 3)
		if !strings.Contains(steps[2].Action, c.expire) || !strings.Contains(steps[3].Action, "read revision 1 (1 behind latest) and created pod") {
			t.Errorf("%s: %q then %q", c.scenario, steps[2].Action, steps[3].Action)
		}
		// Without expectations the property is not listed (what follows shows: two successes,
		// churn: TestWorkloadViolations, TestStaleChurn).
		for _, p := range model(t, c.scenario, expectations(orchestration.ExpectationsOff)).Properties() {
			if p.Name == c.property {
				t.Errorf("%s off: %q listed", c.scenario, p.Name)
			}
		}
		r := check(t, model(t, c.scenario, expectations(orchestration.ExpectationsOn)))
		if r.Unique != c.unique {
			t.Errorf("%s on: %d states, want %d", c.scenario, r.Unique, c.unique)
		}
		for _, p := range r.Properties {
			if p.Status != checker.Holds {
				t.Errorf("%s on: %s %v", c.scenario, p.Name, p.Status)
			}
		}
	}
}

// Expectations make the weak-level checks of one Job complete where, without them, the pods
// pile up (job/non-parallel: two pods succeed for one completion, TestWorkloadViolations).
func TestExpectationsBoundJobs(t *testing.T) {
	for level, unique := range map[datastore.Level]int64{datastore.MonotonicSession: 489, datastore.Causal: 1519} {
		r := check(t, model(t, "job/non-parallel", func(s *scenario.Settings) { s.Consistency = level }))
		if r.Unique != unique {
			t.Errorf("%s: %d states, want %d", level, r.Unique, unique)
		}
		for _, p := range r.Properties {
			if p.Status != checker.Holds {
				t.Errorf("%s: %s %v", level, p.Name, p.Status)
			}
		}
	}
}

// Expiry is an action only when the configuration lets expectations expire, and only for an
// owner with expectations; a restart loses them (Kubernetes issue 45220's scenario: a
// restarted ReplicaSet controller, on a cache without its pods, creates a third).
func TestExpectationsActions(t *testing.T) {
	for mode, want := range map[orchestration.ExpectationsMode]int{orchestration.ExpectationsOn: 0, orchestration.ExpectationsExpiring: 1, orchestration.ExpectationsOff: 0} {
		m := model(t, "bugs/rs-expectations-expire", expectations(mode))
		s := m.Init()[0]
		if n := countKind(m.Actions(s, nil), orchestration.Expire); n != 0 {
			t.Errorf("%s: %d expiries before any write", mode, n)
		}
		s, ok := m.Next(s, m.Actions(s, nil)[0])
		if !ok {
			t.Fatal("the create is not enabled")
		}
		if n := countKind(m.Actions(s, nil), orchestration.Expire); n != want {
			t.Errorf("%s: %d expiries after the create, want %d", mode, n, want)
		}
	}
	steps := violation(t, model(t, "bugs/scheduler-restart-overcommit", nil), orchestration.ReplicaSetCreates, 4)
	if !strings.Contains(steps[3].Action, "replicaset-controller-1 restarted") || !strings.Contains(steps[4].Action, "created pod") {
		t.Errorf("%q then %q", steps[3].Action, steps[4].Action)
	}
}

func countKind(acts []orchestration.Action, k orchestration.ActionKind) int {
	n := 0
	for _, a := range acts {
		if a.Kind == k {
			n++
		}
	}
	return n
}

// The create properties judge a create by the active pods of the latest revision before it
// against the spec the controller read: a pod the owner still wants breaks nothing, one beyond
// spec.replicas (or what a Job wants) does, one its view's spec wants is a stale read of the
// spec, and one for an owner that is gone (another object of that name, or none) is left to
// the garbage collector.
func TestCreateMonitors(t *testing.T) {
	for _, c := range []struct {
		scenario string
		kind     orchestration.ControllerKind
		bit      orchestration.Monitor
		wants    int // active pods the owner wants at the start
	}{
		{"replicaset/spec-replicas-change", orchestration.ReplicaSetKind, orchestration.BrokenReplicaSetCreate, 2},
		{"job/non-parallel", orchestration.JobKind, orchestration.BrokenJobCreate, 1},
	} {
		m := model(t, c.scenario, nil)
		s := m.Init()[0]
		var owner cluster.Object
		for _, o := range s.Store.Latest().Cluster.Objects() {
			if o.Kind() == cluster.KindReplicaSet || o.Kind() == cluster.KindJob {
				owner = o
			}
		}
		create := func(uid cluster.UID) datastore.Write {
			ref := cluster.OwnerReference{Kind: owner.Kind(), Name: owner.Meta().Name, UID: uid, Controller: true}
			return datastore.Write{Verb: datastore.Create, Object: &cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "x-", OwnerReferences: []cluster.OwnerReference{ref}}}}
		}
		if got := m.StatusMonitor(c.kind, s.Store.Latest().Cluster, s, create(owner.Meta().UID)); got != 0 {
			t.Errorf("%s: a wanted create: monitor %b", c.scenario, got)
		}
		// Give the owner as many active pods as it wants: one more create breaks the property.
		full := s
		for i := 0; i < c.wants; i++ {
			var out datastore.Outcome
			full.Store, out = datastore.Config{}.Write(full.Store, full.Store.Latest().Number, create(owner.Meta().UID), cluster.UID(100+i))
			if !out.OK() {
				t.Fatal(out)
			}
		}
		if got := m.StatusMonitor(c.kind, full.Store.Latest().Cluster, full, create(owner.Meta().UID)); got != c.bit {
			t.Errorf("%s: a create beyond what the owner wants: monitor %b, want %b", c.scenario, got, c.bit)
		}
		// Without expectations the property is not listed, and its bit is not recorded (it
		// would split states for nothing).
		off := model(t, c.scenario, expectations(orchestration.ExpectationsOff))
		if got := off.StatusMonitor(c.kind, full.Store.Latest().Cluster, full, create(owner.Meta().UID)); got != 0 {
			t.Errorf("%s, expectations off: monitor %b, want none", c.scenario, got)
		}
		if got := m.StatusMonitor(c.kind, full.Store.Latest().Cluster, full, create(owner.Meta().UID+50)); got != 0 {
			t.Errorf("%s: a create for an owner that is gone: monitor %b", c.scenario, got)
		}
		// A view whose spec wants one more pod (a scale-down the controller has not seen yet, a
		// stale read of the spec that expectations do not guard against): not judged a
		// controller's over-create.
		more := owner.DeepCopy()
		switch x := more.(type) {
		case *cluster.ReplicaSet:
			x.Spec.Replicas++
		case *cluster.Job:
			x.Spec.Parallelism++
			x.Spec.Completions++
		}
		if got := m.StatusMonitor(c.kind, cluster.New(more), full, create(owner.Meta().UID)); got != 0 {
			t.Errorf("%s: a create its view's spec wants: monitor %b", c.scenario, got)
		}
	}
}

// Kubernetes issue 109485's property: a finished Job that still controls a pod with its
// tracking finalizer breaks it; once the pod has lost the finalizer, or while the Job runs, it
// holds.
func TestFinishedJobsReleasePods(t *testing.T) {
	m := model(t, "job/non-parallel", nil)
	s := m.Init()[0]
	prop := propertyNamed(m, orchestration.JobsReleasePods)
	if prop == nil || prop.Expect != checker.EventuallyAlways {
		t.Fatalf("%s not listed as eventually always: %+v", orchestration.JobsReleasePods, prop)
	}
	job := s.Store.Latest().Cluster.Jobs()[0]
	with := func(condition string, finalizers ...string) orchestration.State {
		j := job.DeepCopy().(*cluster.Job)
		j.Status.Condition = condition
		p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "pi-x", UID: 99, Finalizers: finalizers,
			OwnerReferences: []cluster.OwnerReference{{Kind: cluster.KindJob, Name: j.Name, UID: j.UID, Controller: true}}}}
		out := s
		out.Store = datastore.NewStore(cluster.New(append(s.Store.Latest().Cluster.Objects()[:0:0], j, p)...))
		return out
	}
	for _, c := range []struct {
		condition string
		finalizer bool
		want      bool
	}{{"Failed", true, false}, {"Complete", true, false}, {"Failed", false, true}, {"", true, true}} {
		var fs []string
		if c.finalizer {
			fs = []string{controllers.TrackingFinalizer}
		}
		if got := prop.Holds(with(c.condition, fs...)); got != c.want {
			t.Errorf("condition %q, finalizer %v: %v, want %v", c.condition, c.finalizer, got, c.want)
		}
	}
}

// Kubernetes PR 68071's race (bugs/podgc-stale-node-cache): pod GC, on a cache without the
// re-registered node, force-deletes db-0 running there, and db-0 runs twice on the node
// (17 steps). With upstream's live check of the node (PR 82365) the check is complete and every
// property holds.
func TestPodGCLiveCheck(t *testing.T) {
	const name = "bugs/podgc-stale-node-cache"
	steps := violation(t, model(t, name, nil), orchestration.OrdinalOnce, 17)
	if got := steps[14].Action; !strings.Contains(got, "podgc-1 read revision 10 (2 behind latest) and deleted pod db-0 (its node is gone)") {
		t.Errorf("step 14: %q", got)
	}
	r := check(t, model(t, name, func(s *scenario.Settings) { s.PodGCLiveCheck = true }))
	if r.Unique != 677 {
		t.Errorf("with the live check: %d states, want 677", r.Unique)
	}
	for _, p := range r.Properties {
		if p.Status != checker.Holds {
			t.Errorf("with the live check: %s %v", p.Name, p.Status)
		}
	}
}

// Kubernetes issue 80698's property: two ControllerRevisions of one StatefulSet with the same
// template break it; two templates, or the same template for two StatefulSets, do not.
func TestOneRevisionPerTemplate(t *testing.T) {
	m := model(t, "statefulset/available", nil)
	s := m.Init()[0]
	prop := propertyNamed(m, orchestration.OneRevision)
	if prop == nil {
		t.Fatalf("%s not listed", orchestration.OneRevision)
	}
	set := s.Store.Latest().Cluster.StatefulSets()[0]
	other := set.DeepCopy().(*cluster.StatefulSet)
	other.Name, other.UID = "other", 77
	rev := func(name string, owner *cluster.StatefulSet, image string) *cluster.ControllerRevision {
		tmpl := owner.Spec.Template
		tmpl.Spec.Image = image
		return &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: name, UID: cluster.UID(len(name) + 80),
			OwnerReferences: []cluster.OwnerReference{{Kind: cluster.KindStatefulSet, Name: owner.Name, UID: owner.UID, Controller: true}}},
			Template: tmpl, Revision: 1}
	}
	for _, c := range []struct {
		revs []cluster.Object
		want bool
	}{
		{[]cluster.Object{rev("a", set, "x:1"), rev("bb", set, "x:1")}, false},
		{[]cluster.Object{rev("a", set, "x:1"), rev("bb", set, "x:2")}, true},
		{[]cluster.Object{rev("a", set, "x:1"), rev("bb", other, "x:1")}, true},
	} {
		st := s
		st.Store = datastore.NewStore(cluster.New(append([]cluster.Object{set, other}, c.revs...)...))
		if got := prop.Holds(st); got != c.want {
			t.Errorf("%d revisions: %v, want %v", len(c.revs), got, c.want)
		}
	}
}

// Kubernetes PR 138840's race (bugs/deployment-stale-annotation): the user scales the
// Deployment and then its ReplicaSet directly before the Deployment controller syncs; the
// ReplicaSet keeps a stale desired-replicas annotation and the rollout of a new image never
// starts (9 steps).
func TestDeploymentStaleAnnotation(t *testing.T) {
	m := model(t, "bugs/deployment-stale-annotation", nil)
	steps := violation(t, m, orchestration.QuiescentDeployment, 9)
	for i, want := range map[int]string{5: "a user scaled Deployment web to 1 replicas", 6: "a user scaled ReplicaSet web-", 8: "a user set the image of Deployment web to web:2",
		9: "0 of 1 replicas updated"} {
		if !strings.Contains(steps[i].Action, want) {
			t.Errorf("step %d: %q, want %q", i, steps[i].Action, want)
		}
	}
	// The client scales only the ReplicaSets the Deployment controls, within the range.
	s := m.Init()[0]
	if n := countKind(m.Actions(s, nil), orchestration.Scale); n != 1 {
		t.Errorf("%d scale actions before any ReplicaSet exists, want 1 (the Deployment to 1)", n)
	}
	s, _ = m.Next(s, m.Actions(s, nil)[0]) // the Deployment controller creates the ReplicaSet
	var rs []string
	for _, a := range m.Actions(s, nil) {
		if a.Kind == orchestration.Scale && a.On == cluster.KindReplicaSet {
			rs = append(rs, fmt.Sprintf("%s to %d", a.Name, a.Value))
		}
	}
	if len(rs) != 1 || !strings.HasPrefix(rs[0], "web-") || !strings.HasSuffix(rs[0], " to 1") {
		t.Errorf("ReplicaSet scale actions %v, want the Deployment's ReplicaSet to 1", rs)
	}
}

// Kubernetes issue 41889 (bugs/sts-ordered-stale-ready): the StatefulSet controller, reading
// the scale-up from a fresh StatefulSet cache and a healthy web-0 from a stale pod cache, as
// reported, creates web-1 after web-0's node crashed and pod GC removed it (9 steps; with one
// snapshot per step, from a revision that has both); without crashes the check is complete and
// every property holds.
func TestStatefulSetOrderedStaleReady(t *testing.T) {
	const name = "bugs/sts-ordered-stale-ready"
	steps := violation(t, model(t, name, nil), orchestration.OrderedCreate, 9)
	if got := steps[9].Action; !strings.Contains(got, "read pods at revision 8 (1 behind latest), statefulsets, controllerrevisions and persistentvolumeclaims at revision 9 (latest) and created pod web-1") || !strings.Contains(steps[7].Action, "crashed") {
		t.Errorf("steps 7 and 9: %q, %q", steps[7].Action, got)
	}
	snapshot := violation(t, model(t, name, func(s *scenario.Settings) { s.Cache = orchestration.CacheSnapshot }), orchestration.OrderedCreate, 9)
	if got := snapshot[9].Action; !strings.Contains(got, "read revision 7 (2 behind latest) and created pod web-1") {
		t.Errorf("with one snapshot per step, step 9: %q", got)
	}
	r := check(t, model(t, name, func(s *scenario.Settings) { s.NodeCrash = false }))
	for _, p := range r.Properties {
		if p.Status != checker.Holds {
			t.Errorf("without crashes: %s %v", p.Name, p.Status)
		}
	}
}

// propertyNamed is m's property of that name, or nil.
func propertyNamed(m *orchestration.Model, name string) *checker.Property[orchestration.State] {
	for _, p := range m.Properties() {
		if p.Name == name {
			return &p
		}
	}
	return nil
}

// Overlapping client entries (two scale ranges of one ReplicaSet, an image listed twice) give
// each client action once.
func TestClientActionsOnce(t *testing.T) {
	parsed, err := scenario.Parse([]byte(`
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata: {name: overlap}
spec:
  client:
    anytime: true
    scale: [{replicaSet: web, min: 0, max: 3}, {replicaSet: web, min: 1, max: 2}]
    image: [{replicaSet: web, images: ["web:1", "web:2", "web:2"]}]
  objects:
  - {apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: web}, spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "web:1"}]}}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	m := build(t, parsed, func(s *scenario.Settings) { s.Controllers = 1 })
	var got []string
	for _, a := range m.Actions(m.Init()[0], nil) {
		if a.Kind == orchestration.Scale || a.Kind == orchestration.Image {
			got = append(got, fmt.Sprintf("%d %d %s", a.Kind, a.Value, a.Image))
		}
	}
	if len(got) != 3 {
		t.Errorf("client actions %v, want scale to 1, to 3 and image web:2, once each", got)
	}
}

// A container of a pod with restartPolicy OnFailure that fails is restarted in place (upstream
// v1.34.3 kubelet getPhase: the pod stays Running), so the only visible exit is a success;
// under Never both are (found by the kubelet's conformance oracle).
func TestContainerExitsAsRestartPolicySays(t *testing.T) {
	for _, c := range []struct {
		policy string
		want   []int64
	}{{"OnFailure", []int64{int64(controllers.Succeeded)}}, {"Never", []int64{int64(controllers.Succeeded), int64(controllers.Failed)}}} {
		parsed, err := scenario.Parse([]byte(`
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata: {name: exits}
spec:
  nodes: 1
  containerExit: true
  objects:
  - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {nodeName: node-1, restartPolicy: ` + c.policy + `, containers: [{name: c, image: "x:1"}]}}
`))
		if err != nil {
			t.Fatal(err)
		}
		m := build(t, parsed, func(s *scenario.Settings) {})
		// Run the kubelet until the pod's containers run, then list the exits offered.
		s := m.Init()[0]
		var exits []int64
		for range 4 {
			for _, a := range m.Actions(s, nil) {
				if a.Kind == orchestration.Exit {
					exits = append(exits, a.Value)
				}
			}
			if exits != nil {
				break
			}
			for _, a := range m.Actions(s, nil) {
				if a.Kind == orchestration.Step {
					s, _ = m.Next(s, a)
					break
				}
			}
		}
		if !slices.Equal(exits, c.want) {
			t.Errorf("restartPolicy %s: exits %v, want %v", c.policy, exits, c.want)
		}
	}
}
