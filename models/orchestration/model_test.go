package orchestration_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// build makes scenario sc's model with its settings changed by set (nil: as they are).
func build(t testing.TB, sc *scenario.Scenario, set func(*scenario.Settings)) *orchestration.Model {
	t.Helper()
	s := sc.Settings
	if set != nil {
		set(&s)
	}
	cfg, err := sc.Config(s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := orchestration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// model builds a built-in scenario's model with settings changed by set.
func model(t testing.TB, name string, set func(*scenario.Settings)) *orchestration.Model {
	t.Helper()
	for _, b := range scenario.Builtins() {
		if b.Name == name {
			return build(t, b.Scenario, set)
		}
	}
	t.Fatalf("no scenario %s", name)
	return nil
}

func TestSynchronousIsCompleteAndSafe(t *testing.T) {
	cases := []struct {
		scenario    string
		controllers int
		unique      int64 // and under symmetry (nodes and controller replicas):
		symmetric   int64
	}{
		// The reduction requirement: 2 nodes, a ReplicaSet of 2 that the client scales between
		// 0 and 3, one controller of each kind: BFS completes with no depth bound.
		{"replicaset/spec-replicas-change", 1, 156, 83},
		{"replicaset/spec-replicas-change", 2, 1309, 300},
		{"replicaset/overlapping", 1, 2413, 1221},
		{"node/restart", 1, 620, 620}, // a pod bound to node-1 from the start: no node symmetry
	}
	for _, c := range cases {
		m := model(t, c.scenario, func(s *scenario.Settings) { s.Controllers = c.controllers })
		for _, workers := range []int{1, 2} {
			for _, sym := range []bool{false, true} {
				r, err := checker.Check(context.Background(), m, checker.Options{Workers: workers, Symmetry: sym})
				if err != nil {
					t.Fatal(err)
				}
				want := c.unique
				if sym {
					want = c.symmetric
				}
				if !r.Complete || r.Unique != want {
					t.Errorf("%s controllers=%d workers=%d symmetry=%v: unique %d complete %v, want %d complete", c.scenario, c.controllers, workers, sym, r.Unique, r.Complete, want)
				}
				for _, p := range r.Properties {
					if p.Status != checker.Holds {
						t.Errorf("%s: %s %v", c.scenario, p.Name, p.Status)
					}
				}
			}
		}
	}
}

func TestWeakLevelsBreakProperties(t *testing.T) {
	m := model(t, "node/restart", func(s *scenario.Settings) { s.Consistency = datastore.Optimistic })
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Property(orchestration.OneNodePerPod)
	if p.Status != checker.Violated || len(p.Trace.Steps) != 9 {
		t.Fatalf("node/restart, optimistic: %v after %d steps", p.Status, len(p.Trace.Steps))
	}
	steps := checker.RenderTrace[orchestration.State, orchestration.Action](m, p.Trace)
	last := steps[len(steps)-1].Action
	if !strings.Contains(last, "started the containers of pod cache") || !strings.Contains(steps[6].Action, "(2 behind latest)") {
		t.Fatalf("trace:\n%v", steps)
	}
	// Monotonic reads alone do not break the pod identity in this scenario: the search is
	// complete and every property holds.
	m = model(t, "node/restart", func(s *scenario.Settings) { s.Consistency = datastore.MonotonicSession })
	for _, c := range []struct {
		noReduction bool
		states      int64
	}{{true, 3521}, {false, 3025}} { // 3,503 and 3,005 before the scheduler chose among nodes without pods
		r, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, NoReduction: c.noReduction})
		if !r.Complete || r.Unique != c.states || r.Property(orchestration.OneNodePerPod).Status != checker.Holds {
			t.Fatalf("node/restart, monotonic, reduction off %v: %d states, complete %v", c.noReduction, r.Unique, r.Complete)
		}
	}
}

// walk makes a seeded random walk and calls visit on each state and action.
func walk(m *orchestration.Model, seed uint64, steps int, visit func(s orchestration.State, a orchestration.Action)) {
	r := rand.New(rand.NewPCG(seed, 0))
	s := m.Init()[0]
	var acts []orchestration.Action
	for i := 0; i < steps; i++ {
		acts = m.Actions(s, acts[:0])
		if len(acts) == 0 {
			return
		}
		a := acts[r.IntN(len(acts))]
		visit(s, a)
		next, ok := m.Next(s, a)
		if !ok {
			panic("an action listed by Actions is disabled")
		}
		s = next
	}
}

func TestStepsDoNotModifyTheirState(t *testing.T) {
	// Successors share their parent's controllers' local states (copy on write), under both
	// cache modes (informer caches move sessions in normalize).
	for _, c := range []struct {
		level datastore.Level
		cache orchestration.CacheMode
	}{{datastore.Synchronous, orchestration.CacheSnapshot}, {datastore.MonotonicSession, orchestration.CacheInformer}, {datastore.ResettableSession, orchestration.CacheInformer}} {
		m := model(t, "job/non-parallel", func(s *scenario.Settings) {
			s.Consistency, s.Cache, s.Restart, s.NodeCrash, s.ContainerExit = c.level, c.cache, true, true, true
		})
		walk(m, uint64(c.level)+7, 300, func(s orchestration.State, a orchestration.Action) {
			before := m.Encode(nil, s)
			text := m.FormatState(s)
			var acts []orchestration.Action
			for _, b := range m.Actions(s, acts) {
				m.Next(s, b)
			}
			if !bytes.Equal(before, m.Encode(nil, s)) || text != m.FormatState(s) {
				t.Fatalf("%v, %v caches: computing successors modified the state", c.level, c.cache)
			}
		})
	}
	for _, level := range datastore.Levels() {
		m := model(t, "replicaset/spec-replicas-change", func(s *scenario.Settings) {
			s.Consistency, s.Controllers, s.Restart, s.NodeCrash = level, 2, true, true
		})
		walk(m, uint64(level)+1, 300, func(s orchestration.State, a orchestration.Action) {
			before := m.Encode(nil, s)
			text := m.FormatState(s)
			var acts []orchestration.Action
			for _, b := range m.Actions(s, acts) {
				m.Next(s, b)
				m.FormatAction(s, b)
			}
			if !bytes.Equal(before, m.Encode(nil, s)) || text != m.FormatState(s) {
				t.Fatalf("%v: computing successors modified the state", level)
			}
		})
	}
}

func TestEncodingIgnoresCounterValues(t *testing.T) {
	m := model(t, "replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency = datastore.MonotonicSession })
	walk(m, 7, 200, func(s orchestration.State, _ orchestration.Action) {
		shifted := shift(s, 1000, 77)
		if !bytes.Equal(m.Encode(nil, s), m.Encode(nil, shifted)) {
			t.Fatalf("shifting revisions and UIDs changed the encoding of\n%s", m.FormatState(s))
		}
	})
	// ... but a real difference does change it.
	s := m.Init()[0]
	acts := m.Actions(s, nil)
	next, _ := m.Next(s, acts[0])
	if bytes.Equal(m.Encode(nil, s), m.Encode(nil, next)) {
		t.Fatal("a step did not change the encoding")
	}
}

// shift adds dr to every revision-valued field and du to every UID of s, and multiplies
// generations by 3, copying everything.
func shift(s orchestration.State, dr int64, du cluster.UID) orchestration.State {
	out := orchestration.State{Local: make([]*orchestration.Local, len(s.Local)), Broken: s.Broken}
	for i, l := range s.Local {
		c := *l
		out.Local[i] = &c
	}
	for _, r := range s.Store.History {
		var objs []cluster.Object
		for _, o := range r.Cluster.Objects() {
			c := o.DeepCopy()
			m := c.Meta()
			m.ResourceVersion += dr
			m.CreationRevision += dr
			if m.DeletionTimestamp != 0 {
				m.DeletionTimestamp += dr
			}
			m.UID += du
			m.Generation *= 3
			for i := range m.OwnerReferences {
				m.OwnerReferences[i].UID += du
			}
			switch x := c.(type) {
			case *cluster.ReplicaSet:
				x.Status.ObservedGeneration *= 3
			case *cluster.Deployment:
				x.Status.ObservedGeneration *= 3
			case *cluster.StatefulSet:
				x.Status.ObservedGeneration *= 3
			case *cluster.Job:
				x.Status.ObservedGeneration *= 3
				for _, l := range [][]cluster.UID{x.Status.UncountedSucceeded, x.Status.UncountedFailed} {
					for i := range l {
						l[i] += du
					}
				}
			case *cluster.ControllerRevision:
				x.Revision += 5
			}
			if v, ok := m.Annotations.Get(controllers.RevisionAnnotation); ok {
				n, _ := strconv.Atoi(v)
				m.Annotations = m.Annotations.With(controllers.RevisionAnnotation, strconv.Itoa(n+5))
			}
			objs = append(objs, c)
		}
		out.Store.History = append(out.Store.History, datastore.Revision{Number: r.Number + dr, Cluster: cluster.New(objs...)})
	}
	for i := range out.Local {
		l := out.Local[i]
		if l.Session > 0 {
			l.Session += datastore.Session(dr)
		}
		l.Containers = append(l.Containers[:0:0], l.Containers...)
		for j := range l.Containers {
			l.Containers[j].UID += du
		}
		st := &l.Scheduler
		st.Backoff = slices.Clone(st.Backoff)
		for j := range st.Backoff {
			st.Backoff[j] += du
		}
		st.Assumed = slices.Clone(st.Assumed)
		for j := range st.Assumed {
			st.Assumed[j].UID += du
			st.Assumed[j].Rev += dr
		}
		l.Expect = slices.Clone(l.Expect)
		for j := range l.Expect {
			l.Expect[j].Owner += du
			l.Expect[j].Rev += dr
		}
	}
	return out
}

func TestTraceSentences(t *testing.T) {
	m := model(t, "replicaset/spec-replicas-change", nil)
	s := m.Init()[0]
	acts := m.Actions(s, nil)
	if len(acts) != 1 {
		t.Fatalf("%d initial actions, want 1 (the ReplicaSet controller creates a pod)", len(acts))
	}
	if got := m.FormatAction(s, acts[0]); got != "replicaset-controller-1 read revision 1 (latest) and created pod web-f5hbb (0 of 2 replicas exist)" {
		t.Fatalf("sentence %q", got)
	}
	next, _ := m.Next(s, acts[0])
	for _, want := range []string{"revision 2", "POD", "web-f5hbb", "REPLICASET", "replicaset-controller-1  rev 1"} {
		if !strings.Contains(m.FormatState(next), want) {
			t.Errorf("state lacks %q:\n%s", want, m.FormatState(next))
		}
	}
}

func TestFormatObjects(t *testing.T) {
	m := model(t, "replicaset/spec-replicas-change", nil)
	y := m.FormatObjects(m.Init()[0])
	for _, want := range []string{"kind: Node\nmetadata:\n", "  name: node-1\n", "---\nkind: ReplicaSet\n", "  replicas: 2\n", "      image: web:1\n"} {
		if !strings.Contains(y, want) {
			t.Errorf("YAML lacks %q:\n%s", want, y)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	_, err := orchestration.New(orchestration.Config{Replicas: 0, Staleness: -5, Level: datastore.Causal + 1,
		Client: orchestration.Client{Scale: []orchestration.ScaleRange{{Kind: cluster.KindReplicaSet, Name: "nope", Min: 3, Max: 1}},
			Image: []orchestration.ImageChoice{{Kind: cluster.KindReplicaSet, Name: "web"}}, Pause: []string{"d"}, Suspend: []string{"j"}}})
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"controllers", "staleness", "unknown level", "StatefulSet ReplicaSet/nope", "min <= max", "at least two images",
		`no Deployment "d"`, `no Job "j"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestFaultsAndClient(t *testing.T) {
	// Container exits and controller restarts, synchronous: complete, and every property holds.
	m := model(t, "node/restart", func(s *scenario.Settings) { s.ContainerExit, s.Restart = true, true })
	r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2})
	if err != nil || !r.Complete {
		t.Fatalf("node/restart with exits and restarts: %v, complete %v", err, r.Complete)
	}
	for _, p := range r.Properties {
		if p.Status != checker.Holds {
			t.Errorf("%s: %v", p.Name, p.Status)
		}
	}
	// Some run ends with a pod Succeeded and one Failed: exits are reported.
	var kinds = map[orchestration.ActionKind]bool{}
	walk(m, 3, 400, func(_ orchestration.State, a orchestration.Action) { kinds[a.Kind] = true })
	for _, k := range []orchestration.ActionKind{orchestration.Step, orchestration.Restart, orchestration.Crash, orchestration.Rejoin, orchestration.Exit} {
		if !kinds[k] {
			t.Errorf("a 400-step walk never took an action of kind %d", k)
		}
	}
	// The client changes the image at quiescence only.
	s := model(t, "replicaset/spec-replicas-change", nil)
	cfg := s.Config()
	cfg.Client.Image = []orchestration.ImageChoice{{Kind: cluster.KindReplicaSet, Name: "web", Images: []string{"web:1", "web:2"}}}
	m2, err := orchestration.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := m2.Init()[0]
	for _, a := range m2.Actions(st, nil) {
		if a.Kind == orchestration.Image || a.Kind == orchestration.Scale {
			t.Fatal("the client acts before quiescence")
		}
	}
	r2, _ := checker.Check(context.Background(), m2, checker.Options{})
	if !r2.Complete || r2.Unique <= 74 || r2.Property(orchestration.QuiescentReplicaSet).Status != checker.Holds {
		t.Fatalf("with image changes: %d states, complete %v", r2.Unique, r2.Complete)
	}
}

// The static encoding kept with each object is the one it would be given afresh, on every state
// of random walks through every built-in scenario and level with every fault: no object changes
// once encoded, and no copy inherits an encoding.
func TestEncodingCacheIsTheFreshEncoding(t *testing.T) {
	defer func() { *orchestration.EncodingCache = true }()
	for _, sc := range scenario.Builtins() {
		for _, level := range datastore.Levels() {
			m := model(t, sc.Name, func(s *scenario.Settings) {
				s.Consistency, s.Controllers, s.Restart, s.NodeCrash, s.ContainerExit = level, 2, true, true, true
			})
			walk(m, uint64(level)+7, 120, func(s orchestration.State, a orchestration.Action) {
				for _, b := range m.Actions(s, nil) {
					next, _ := m.Next(s, b)
					*orchestration.EncodingCache = true
					cached := m.Encode(nil, next)
					*orchestration.EncodingCache = false
					fresh := m.Encode(nil, next)
					*orchestration.EncodingCache = true
					if !bytes.Equal(cached, fresh) {
						t.Fatalf("%s %v: after %s the cached encoding differs from the fresh one", sc.Name, level, m.FormatAction(s, b))
					}
				}
			})
		}
	}
}

// TestWritesAreUpstreams: every write the controllers make, in random walks through every
// built-in scenario under every level with every fault, is one of controllers.Writes, with
// exactly its preconditions; every entry of the table is met; and the README's table is the
// table.
func TestWritesAreUpstreams(t *testing.T) {
	met := make([]bool, len(controllers.Writes))
	for _, b := range scenario.Builtins() {
		for _, level := range datastore.Levels() {
			m := model(t, b.Name, func(s *scenario.Settings) {
				s.Consistency, s.Restart, s.NodeCrash, s.ContainerExit = level, true, true, true
			})
			for seed := range uint64(6) {
				walk(m, seed, 120, func(s orchestration.State, _ orchestration.Action) {
					for _, a := range m.Actions(s, nil) {
						name, w := m.StepIntentWrite(s, a)
						if w == nil {
							continue
						}
						site := controllers.SiteOf(name, *w)
						i := slices.IndexFunc(controllers.Writes, site.Same)
						if i < 0 {
							t.Fatalf("%s: %s makes a write the table lacks: %+v", b.Name, m.FormatAction(s, a), site)
						}
						met[i] = true
					}
				})
			}
		}
	}
	// The writes the scenarios do not reach, which the controllers package's
	// TestWriteTableViews makes on views built for them.
	views := []controllers.WriteSite{
		{Controller: "replicaset-controller", Verb: datastore.Patch, Kind: cluster.KindPod, UID: true},
		{Controller: "deployment-controller", Verb: datastore.Patch, Kind: cluster.KindReplicaSet, UID: true},
		{Controller: "deployment-controller", Verb: datastore.Delete, Kind: cluster.KindReplicaSet},
		{Controller: "statefulset-controller", Verb: datastore.Patch, Kind: cluster.KindPod, UID: true},
		{Controller: "statefulset-controller", Verb: datastore.Update, Kind: cluster.KindPod, UID: true, RV: true},
		{Controller: "statefulset-controller", Verb: datastore.Update, Kind: cluster.KindControllerRevision, UID: true, RV: true},
		{Controller: "statefulset-controller", Verb: datastore.Delete, Kind: cluster.KindControllerRevision},
		{Controller: "statefulset-controller", Verb: datastore.Delete, Kind: cluster.KindPod},
		{Controller: "job-controller", Verb: datastore.Patch, Kind: cluster.KindPod, UID: true},
	}
	for i, ok := range met {
		if !ok && !slices.ContainsFunc(views, controllers.Writes[i].Same) {
			t.Errorf("no walk made the write %+v", controllers.Writes[i])
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range controllers.Writes {
		if !strings.Contains(string(readme), w.MarkdownRow()+"\n") {
			t.Errorf("the README's table of writes lacks the row\n%s", w.MarkdownRow())
		}
	}
}

// TestMovedLocalsInBlock: the copies normalize makes of the Locals whose sessions move when a
// write slides the history are in the successor's block of moved copies, hold the moved
// sessions, and go back zeroed when the search drops the successor (Model.Recycle).
func TestMovedLocalsInBlock(t *testing.T) {
	m := model(t, "replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency, s.Controllers = datastore.MonotonicSession, 2 })
	frontier := m.Init()
	for depth := 0; depth < 8; depth++ {
		var next []orchestration.State
		for _, s := range frontier {
			for _, a := range m.Actions(s, nil) {
				ns, ok := m.Next(s, a)
				if !ok {
					continue
				}
				n, zero := orchestration.MovedLocals(ns)
				if n == 0 {
					next = append(next, ns)
					continue
				}
				oldest := ns.Store.History[0].Number
				for i, l := range ns.Local {
					if l != s.Local[i] && i != a.Ctrl && l.Session > 0 && int64(l.Session) < oldest {
						t.Fatalf("controller %d's moved copy still reads revision %d, older than the history's %d", i, l.Session, oldest)
					}
				}
				m.Recycle(s, a, ns)
				if !zero() {
					t.Fatal("Recycle kept the moved copies of a dropped successor")
				}
				return
			}
		}
		frontier = next
	}
	t.Fatal("no successor within 8 steps moved another controller's Local into its block")
}

// TestSuccessorLocalsApart: successors whose controller list is allocated with the acting
// controller's Local (up to 8 controllers) and apart (more) explore the same states: the same
// check with either gives the same counts and counterexample.
func TestSuccessorLocalsApart(t *testing.T) {
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	run := func(inline int) checker.Result[orchestration.State, orchestration.Action] {
		defer func(v int) { *orchestration.InlineLocals = v }(*orchestration.InlineLocals)
		*orchestration.InlineLocals = inline
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 2, NoReduction: true})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	together, apart := run(8), run(0)
	if together.Unique != 84282 || together.Generated != 309363 {
		t.Fatalf("together: %d states, %d generated; want 84,282 and 309,363", together.Unique, together.Generated)
	}
	if apart.Unique != together.Unique || apart.Generated != together.Generated || len(apart.Properties) != len(together.Properties) {
		t.Fatalf("apart: %d states, %d generated; together: %d, %d", apart.Unique, apart.Generated, together.Unique, together.Generated)
	}
	violated := 0
	for k, p := range together.Properties {
		q := apart.Properties[k]
		if p.Status != q.Status || (p.Trace == nil) != (q.Trace == nil) {
			t.Fatalf("%s: %v together, %v apart", p.Name, p.Status, q.Status)
		}
		if p.Trace != nil && len(p.Trace.Steps) != len(q.Trace.Steps) {
			t.Fatalf("%s: %d steps together, %d apart", p.Name, len(p.Trace.Steps), len(q.Trace.Steps))
		}
		if p.Status == checker.Violated {
			violated++
		}
	}
	if violated == 0 {
		t.Fatal("no property violated: the 59848 check finds one")
	}
}

// TestRecyclingKeepsTheSearch: reusing the memory of dropped successors (Model.Recycle) changes
// nothing a search finds: with and without it, on two workers, every built-in scenario under
// every level with every fault (the first 2,000 states, with the liveness pass on what they
// reach), and the whole 59848 check with every step explored, give the same counts, verdicts
// and traces.
func TestRecyclingKeepsTheSearch(t *testing.T) {
	defer func() { *orchestration.Recycling = true }()
	run := func(m *orchestration.Model, opts checker.Options, recycle bool) searchOutcome {
		*orchestration.Recycling = recycle
		c := &countRecycled{Model: m}
		o := search(t, m, c, opts)
		if opts.MaxStates == 0 && c.n.Load() == 0 {
			t.Fatal("the search recycled nothing")
		}
		return o
	}
	compare := func(name string, m *orchestration.Model, opts checker.Options) {
		with, without := run(m, opts, true), run(m, opts, false)
		if !reflect.DeepEqual(with, without) {
			t.Fatalf("%s: recycling gives %d states, %d generated, %v; without, %d, %d, %v (or the traces differ)",
				name, with.unique, with.generated, with.statuses, without.unique, without.generated, without.statuses)
		}
	}
	for _, sc := range scenario.Builtins() {
		for _, level := range datastore.Levels() {
			m := model(t, sc.Name, func(s *scenario.Settings) {
				s.Consistency, s.Restart, s.NodeCrash, s.ContainerExit = level, true, true, true
			})
			compare(fmt.Sprintf("%s %v", sc.Name, level), m, checker.Options{Workers: 2, MaxStates: 2000, Symmetry: true})
		}
	}
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	compare("59848, every step", m, checker.Options{Workers: 2, NoReduction: true})

	// Recycle gives a dropped successor's memory back; it leaves alone a copy whose list is
	// elsewhere (as symmetry's permutations are).
	*orchestration.Recycling = true
	s := m.Init()[0]
	a := m.Actions(s, nil)[0]
	next, _ := m.Next(s, a)
	copied := next
	copied.Local = slices.Clone(next.Local)
	m.Recycle(s, a, copied)
	if orchestration.Released(next) {
		t.Fatal("Recycle gave back the memory of a successor whose list is elsewhere")
	}
	m.Recycle(s, a, next)
	if !orchestration.Released(next) {
		t.Fatal("Recycle kept a dropped successor's memory")
	}
}

// searchOutcome is what a search finds, for the tests that compare two ways of making the same
// search: its counts, and each property's verdict and trace (encoded states and actions).
type searchOutcome struct {
	unique, generated int64
	statuses          []checker.Status
	traces            []string
}

// search checks c (m, or a wrapper of it) with opts and returns what it found.
func search(t testing.TB, m *orchestration.Model, c checker.Model[orchestration.State, orchestration.Action], opts checker.Options) searchOutcome {
	t.Helper()
	r, err := checker.Check(context.Background(), c, opts)
	if err != nil {
		t.Fatal(err)
	}
	o := searchOutcome{unique: r.Unique, generated: r.Generated}
	for _, p := range r.Properties {
		var b strings.Builder
		if tr := p.Trace; tr != nil {
			fmt.Fprintf(&b, "%x\n", m.Encode(nil, tr.Init))
			for _, st := range tr.Steps {
				fmt.Fprintf(&b, "%s\n%x\n", m.FormatAction(tr.Init, st.Action), m.Encode(nil, st.State))
			}
		}
		o.statuses, o.traces = append(o.statuses, p.Status), append(o.traces, b.String())
	}
	return o
}

// TestOneModelSearchedBothWays: a model that served a search with every step explored, and
// then one under the reduction, finds what fresh models find, and so in the other order (it
// goes on working out signatures, unused); on the bounded replicaset check of two controllers,
// whose reconciles repeat the most, and on the 59848 check. And states a model stepped through
// before a search under the reduction started (the playground's explorer), whose reconciles
// it memoised without the signatures that mark covered steps, get those marks after, as from a
// model that had them from the start.
func TestOneModelSearchedBothWays(t *testing.T) {
	for _, c := range []struct {
		name     string
		settings func(*scenario.Settings)
		bound    int64
	}{
		{"replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency, s.Controllers = datastore.MonotonicSession, 2 }, 5000},
		{"statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession }, 0},
	} {
		unreduced := checker.Options{Workers: 2, MaxStates: c.bound, KeepGoing: c.bound > 0, NoReduction: true}
		reduced := unreduced
		reduced.NoReduction = false
		fresh := func(opts checker.Options) searchOutcome {
			m := model(t, c.name, c.settings)
			return search(t, m, m, opts)
		}
		want := [2]searchOutcome{fresh(unreduced), fresh(reduced)}
		if want[0].unique == want[1].unique {
			t.Fatalf("%s: the reduction merges nothing (%d states)", c.name, want[0].unique)
		}
		for _, order := range [][2]int{{0, 1}, {1, 0}} {
			m := model(t, c.name, c.settings)
			for _, k := range order {
				if got := search(t, m, m, []checker.Options{unreduced, reduced}[k]); !reflect.DeepEqual(got, want[k]) {
					t.Errorf("%s, search %d of order %v: %d states, %d generated, %v; a fresh model %d, %d, %v (or the traces differ)",
						c.name, k, order, got.unique, got.generated, got.statuses, want[k].unique, want[k].generated, want[k].statuses)
				}
			}
		}
	}

	// Stepping by hand: the first 300 states breadth first, then a search under the reduction.
	m := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	states := m.Init()
	for k := 0; k < len(states) && len(states) < 300; k++ {
		for _, a := range m.Actions(states[k], nil) {
			if next, ok := m.Next(states[k], a); ok {
				states = append(states, next)
			}
		}
	}
	search(t, m, m, checker.Options{Workers: 1, MaxStates: 10})
	signing := model(t, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	signing.StartCovering()
	covered := 0
	for _, s := range states {
		got, want := m.Actions(s, nil), signing.Actions(s, nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after the search, state %x lists %v; a model under the reduction from the start, %v", m.Encode(nil, s), got, want)
		}
		for _, a := range got {
			if m.CoveredStep(s, a) {
				covered++
			}
		}
	}
	if covered == 0 {
		t.Fatalf("no covered step among the actions of %d states", len(states))
	}
}

// TestWriteMemoKeepsTheSearch: the datastore's memo of writes (datastore.WriteMemo), with the
// interning of the objects writes send and the store encodings by content, changes nothing a
// search finds: with and without them, on two workers, every built-in scenario under every
// level with every fault (every step explored, as the memos are on only then: the first 2,000
// states, with the liveness pass on what they reach), and the whole 59848 check with every step
// explored and with the reduction, give the same counts, verdicts and traces. And with the
// memo, a write repeated gives the snapshot it gave before.
func TestWriteMemoKeepsTheSearch(t *testing.T) {
	defer func() { *orchestration.WriteMemo = true }()
	compare := func(name string, settings func(*scenario.Settings), opts checker.Options) {
		var got [2]searchOutcome
		for k, memo := range []bool{true, false} {
			*orchestration.WriteMemo = memo
			m := model(t, name, settings)
			got[k] = search(t, m, m, opts)
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Fatalf("%s: with the memo %d states, %d generated, %v; without, %d, %d, %v (or the traces differ)",
				name, got[0].unique, got[0].generated, got[0].statuses, got[1].unique, got[1].generated, got[1].statuses)
		}
	}
	for _, sc := range scenario.Builtins() {
		for _, level := range datastore.Levels() {
			compare(sc.Name, func(s *scenario.Settings) {
				s.Consistency, s.Restart, s.NodeCrash, s.ContainerExit = level, true, true, true
			}, checker.Options{Workers: 2, MaxStates: 2000, Symmetry: true, NoReduction: true})
		}
	}
	headline := func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession }
	compare("statefulset/stale-reads", headline, checker.Options{Workers: 2, NoReduction: true})
	// Under the reduction the model stops memoising once the search starts (StartCovering).
	compare("statefulset/stale-reads", headline, checker.Options{Workers: 2})

	// The same step taken twice writes the same snapshot, with the memo; an equal copy without.
	for _, memo := range []bool{true, false} {
		*orchestration.WriteMemo = memo
		m := model(t, "statefulset/stale-reads", headline)
		s := m.Init()[0]
		var wrote []orchestration.State
		for _, a := range m.Actions(s, nil) {
			if next, ok := m.Next(s, a); ok && next.Store.Latest().Number > s.Store.Latest().Number {
				again, _ := m.Next(s, a)
				wrote = append(wrote, next, again)
				break
			}
		}
		if len(wrote) == 0 {
			t.Fatal("no step of the first state writes")
		}
		a, b := wrote[0].Store.Latest().Cluster, wrote[1].Store.Latest().Cluster
		if shared := a == b; shared != memo {
			t.Fatalf("memo %v: the step's two snapshots are shared: %v", memo, shared)
		}
		if len(a.Objects()) != len(b.Objects()) {
			t.Fatalf("memo %v: the same step wrote snapshots of %d and %d objects", memo, len(a.Objects()), len(b.Objects()))
		}
		for i, o := range a.Objects() {
			if !cluster.SameContent(o, b.Objects()[i]) {
				t.Fatalf("memo %v: the same step wrote different copies of %v", memo, cluster.KeyOf(o))
			}
		}
	}
}

// countRecycled counts the successors the search recycles.
type countRecycled struct {
	*orchestration.Model
	n atomic.Int64
}

func (c *countRecycled) Recycle(s orchestration.State, a orchestration.Action, next orchestration.State) {
	c.n.Add(1)
	c.Model.Recycle(s, a, next)
}
