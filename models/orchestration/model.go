package orchestration

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// ControllerKind is the kind of a controller.
type ControllerKind uint8

// The controller kinds.
const (
	KubeletKind ControllerKind = iota
	SchedulerKind
	ReplicaSetKind
	DeploymentKind
	StatefulSetKind
	JobKind
	PodGCKind
)

// Controller is one controller instance of the model.
type Controller struct {
	Kind    ControllerKind
	Name    string              // as in traces: "kubelet/node-1", "replicaset-controller-2"
	Kubelet controllers.Kubelet // for a kubelet
}

// Local is a controller's own state.
type Local struct {
	// Session is the revision of its last read (CacheSnapshot), or of its pod cache
	// (CacheInformer): datastore.SessionNew before its first read, SessionReset after a
	// restart.
	Session datastore.Session
	// Caches are, under CacheInformer, the positions of its caches of the other kinds it
	// watches, in the order Model.watches gives (the rest are unused).
	Caches     [moreCaches]datastore.Session
	Containers []controllers.Container // a kubelet's running (or exited) containers, by pod name
	Down       bool                    // a kubelet whose node has crashed
	// Scheduler is a scheduler's queue back-off and assumed pods (controllers.SchedulerState).
	Scheduler controllers.SchedulerState
	// Expect is a ReplicaSet or Job controller's expectations: its creates and deletes not
	// yet observed in every view it may read (controllers.Expectations).
	Expect controllers.Expectations
	// LastRead is, for people, the revision each cache last read (the pod cache first, then
	// Caches' order; one under CacheSnapshot), 0 before the first read: Session may have been
	// moved up since (history no controller can read any more is dropped, and under
	// CacheInformer a cache moves to the end of its run), which is the same state but would
	// read as a step the controller did not take. It is not part of the state: Encode leaves
	// it out, and nothing the model decides reads it, so states equal but for it are one
	// state, shown with the value of the path that reached it (a trace is replayed along its
	// path).
	LastRead [1 + moreCaches]int64
}

// State is a state of the model. States share their history and snapshots, and their
// controllers' local states: Next copies what it changes (a successor copies the acting
// controller's Local and those normalize moves; the rest are its parent's). Never change a
// Local in place.
type State struct {
	Store datastore.Store
	Local []*Local // one per controller, kubelets first (by node), then by kind and replica
	// Broken records the transition properties that some step of the run has broken (a
	// monitor: the properties are about steps, not states).
	Broken Monitor
	// locals is the memory Next allocated for a successor's controller list, the acting
	// controller's Local (newLocals) and the copies normalize made (writable), which Recycle
	// may reuse; nil for initial states. A copy of a state that replaces its list (symmetry's
	// permutations) still carries it, so Recycle reuses it only for a state whose list is in
	// it. It is not part of the state.
	locals *successorLocals
}

// Monitor is a set of transition properties, one bit each.
type Monitor uint16

// The transition properties a step can break.
const (
	BrokenPaused            Monitor = 1 << iota // a ReplicaSet was created for a paused Deployment
	BrokenOrderCreate                           // a StatefulSet pod was created before its predecessors were Running and Ready
	BrokenOrderDelete                           // a StatefulSet pod was deleted before its successors were gone
	BrokenJobCount                              // a Job counted a pod that still carries its tracking finalizer
	BrokenReplicaSetStatus                      // a ReplicaSet's status was written with counts its view does not have
	BrokenStatefulSetStatus                     // a StatefulSet's status was written with counts its view does not have
	BrokenJobStatus                             // a Job's active or ready count was written that its view does not have
	BrokenTerminalRun                           // a kubelet started a pod whose phase was Succeeded or Failed
	BrokenReplicaSetCreate                      // the ReplicaSet controller created a pod for a ReplicaSet with spec.replicas active pods or more
	BrokenJobCreate                             // the Job controller created a pod for a Job with as many active pods as it wants or more
)

// ActionKind is the kind of an action.
type ActionKind uint8

// The action kinds.
const (
	Step    ActionKind = iota // a controller reads a revision and acts on one intent
	Restart                   // a controller restarts
	Crash                     // a node crashes
	Rejoin                    // a crashed node comes back
	Exit                      // a container exits (Value: controllers.Succeeded or Failed)
	Scale                     // the client sets a workload's replicas to Value
	Image                     // the client sets a workload's image to Image
	Pause                     // the client pauses (Value 1) or resumes (0) a Deployment
	Suspend                   // the client suspends (Value 1) or resumes (0) a Job
	Expire                    // a controller's expectations of one owner (Value: its UID) expire
)

// Action is a transition of the model.
type Action struct {
	Kind ActionKind
	Ctrl int   // Step, Restart; the kubelet for Crash, Rejoin, Exit
	Read int64 // Step: the revision read (under CacheInformer, by the pod cache)
	// Caches are, for a Step under CacheInformer, the revisions its caches of the other kinds
	// it watches read (Model.reads).
	Caches [moreCaches]int64
	Item   int          // Step: which of the controller's intents
	Name   string       // Exit: the pod; client actions: the object
	On     cluster.Kind // client actions: the object's kind
	Value  int64        // Exit: how; Scale: replicas; Pause, Suspend: 1 or 0; Expire: the owner's UID
	Image  string
	// covered marks a Step that another read of the same state, of an older revision, covers
	// (see CoveredStep): set by Actions, for that state only.
	covered bool
}

// Model is the orchestration model for one Config.
type Model struct {
	cfg   Config
	store datastore.Config
	// encodings are the store encodings Encode wrote, by the store's content (nil: with no
	// write memo).
	encodings *storeEncodings
	// sent interns the objects the reconciles' writes send (nil: with no write memo).
	sent *sentObjects
	// reducing says that a search under the reduction started (StartCovering): one that skips
	// most of the steps that repeat a write. The write memo, the interning of the objects writes
	// send and the store encodings by content then cost more than they save: left on, the
	// 59848 check with the reduction took 1.27x the time, 1.22x under symmetry too, where
	// every step explored took 0.72x; and snapshots that many states share thrash the
	// reconciles memoised on them. They stop for the model's later steps and encodings (a
	// model the playground reuses for a check without the reduction stays without them); they
	// change no state, count or trace either way.
	reducing atomic.Bool
	ctrls    []Controller
	// groups are each controller's action groups for fairness: its steps, then one per fault
	// kind (restart, crash, rejoin, exit, expire), named after it; client is the client's.
	groups [][]checker.ActionGroup
	// groupAt is each controller's group's place in groups (controller, index).
	groupAt map[checker.ActionGroup][2]int
	client  checker.ActionGroup
	shares  []int // per controller, the one whose reconciles it shares (replicas of a kind)
	// siblings says that a read may cover another (CoveredStep): the level's writes land on
	// the latest revision, whatever revision was read.
	siblings bool
	// watch are, per controller under CacheInformer, the kinds it watches besides pods, one
	// cache each (Model.watches); nil under CacheSnapshot.
	watch [][]cluster.Kind
	// noCacheRuns turns off the reductions of CacheInformer (cacheReads, toRunEnds): for tests.
	noCacheRuns bool
	// workloads are the workload controllers (newWorkloads), running or not.
	workloads []workload
	// unlisted are the monitor's bits of properties the configuration does not list (the
	// create properties with expectations off): not recorded, so that they split no states.
	unlisted Monitor
	// nodes is the model's symmetry under renaming nodes, nil when it has none.
	nodes *nodeSymmetry
	// everything makes an Observer's model list the properties of every workload controller
	// and the fit properties, whatever its configuration holds (has, limited).
	everything bool
}

// New validates cfg and builds the model.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, store: datastore.Config{Level: cfg.Level, Staleness: cfg.Staleness, Restarts: cfg.Faults.Restart || cfg.Faults.NodeCrash},
		workloads: newWorkloads()}
	if writeMemo {
		m.store.Memo, m.sent, m.encodings = datastore.NewWriteMemo(), newSentObjects(), newStoreEncodings()
	}
	if cfg.Expectations == ExpectationsOff {
		m.unlisted = BrokenReplicaSetCreate | BrokenJobCreate
	}
	kubelets := append([]*cluster.Node(nil), cfg.Kubelets...)
	sort.Slice(kubelets, func(i, j int) bool { return kubelets[i].Name < kubelets[j].Name })
	m.nodes = newNodeSymmetry(kubelets, cfg.Objects)
	for _, n := range kubelets {
		k := controllers.Kubelet{Template: n}
		m.ctrls = append(m.ctrls, Controller{Kind: KubeletKind, Name: k.String(), Kubelet: k})
	}
	type kind struct {
		kind ControllerKind
		name string
		when []cluster.Kind // the controller runs when the cluster starts with one of these
	}
	kinds := []kind{{SchedulerKind, "scheduler", nil}}
	for _, w := range m.workloads {
		kinds = append(kinds, kind{w.kind, w.name, w.runsWith})
	}
	for _, k := range append(kinds, kind{PodGCKind, "podgc", nil}) {
		if k.when != nil && !m.has(k.when...) {
			continue
		}
		for i := 1; i <= cfg.Replicas; i++ {
			m.ctrls = append(m.ctrls, Controller{Kind: k.kind, Name: fmt.Sprintf("%s-%d", k.name, i)})
		}
	}
	for i, c := range m.ctrls {
		var w []cluster.Kind
		if cfg.Cache == CacheInformer {
			if w = m.watches(c.Kind); len(w) > moreCaches {
				return nil, fmt.Errorf("%s watches %d kinds besides pods; the model keeps at most %d caches more", c.Name, len(w), moreCaches)
			}
		}
		m.watch = append(m.watch, w)
		m.shares = append(m.shares, i)
		if c.Kind != KubeletKind && i > 0 && m.ctrls[i-1].Kind == c.Kind {
			m.shares[i] = m.shares[i-1]
		}
	}
	m.siblings = cfg.Level != datastore.Optimistic && cfg.Level != datastore.Causal
	m.client = checker.ActionGroup{Name: "client", Fair: slices.Contains(cfg.Fair, "client"), Environment: true}
	for _, c := range m.ctrls {
		g := []checker.ActionGroup{{Name: c.Name, Fair: true}}
		for _, f := range faults {
			g = append(g, checker.ActionGroup{Name: f.group(c.Name), Fair: slices.Contains(cfg.Fair, f.name), Environment: true})
		}
		m.groups = append(m.groups, g)
	}
	m.groupAt = map[checker.ActionGroup][2]int{}
	for i, g := range m.groups {
		for k, grp := range g {
			m.groupAt[grp] = [2]int{i, k}
		}
	}
	return m, nil
}

// ActionGroup implements checker.Fairness: each controller replica's steps are a weakly fair
// group of their own (a controller that could act does act, on some view it may read); faults
// are grouped by kind and component ("restart scheduler-1", "crash kubelet/node-1", "exit on
// kubelet/node-1", "expire replicaset-controller-1": the faults table) and the client's actions
// form one group, "client": these are the environment, fair only when Config.Fair names their
// kind.
func (m *Model) ActionGroup(a Action) checker.ActionGroup {
	k := 0 // a controller step
	if a.Kind != Step {
		if int(a.Kind) >= len(faultGroups) || faultGroups[a.Kind] == 0 {
			return m.client
		}
		k = faultGroups[a.Kind]
	}
	if a.Ctrl < 0 || a.Ctrl >= len(m.groups) {
		return checker.ActionGroup{Environment: true}
	}
	return m.groups[a.Ctrl][k]
}

// has reports whether the initial cluster has an object of one of the kinds.
func (m *Model) has(kinds ...cluster.Kind) bool {
	if m.everything {
		return true
	}
	for _, o := range m.cfg.Objects {
		for _, k := range kinds {
			if o.Kind() == k {
				return true
			}
		}
	}
	return false
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Init is the initial cluster at revision 1 with every controller fresh.
func (m *Model) Init() []State {
	objs := make([]cluster.Object, len(m.cfg.Objects))
	for i, o := range m.cfg.Objects {
		objs[i] = o.DeepCopy()
		objs[i].Meta().ResourceVersion, objs[i].Meta().CreationRevision = 1, 1
		if objs[i].Meta().Generation == 0 {
			objs[i].Meta().Generation = 1
		}
	}
	// UIDs in order of the cluster's canonical order, where not given.
	c := cluster.New(objs...)
	uid := maxUID(c)
	for _, o := range c.Objects() {
		if o.Meta().UID == 0 {
			uid++
			o.Meta().UID = uid
		}
	}
	local := make([]*Local, len(m.ctrls))
	for i := range local {
		local[i] = new(Local)
	}
	return []State{{Store: datastore.NewStore(c), Local: local}}
}

// intents returns controller i's reconcile of revision r, whose snapshot is v (see
// reconciled). Do not modify the result.
func (m *Model) intents(i int, r int64, v *cluster.Cluster, loc Local, latest *cluster.Cluster) []controllers.Intent {
	in, _ := m.stepIntents(i, r, v, loc, latest, m.signing())
	return in
}

// stepIntents returns controller i's intents on revision r, whose snapshot is v, and their
// signatures when sign (Model.signing, which the caller reads once for all the steps whose
// signatures it compares): its reconcile, with the intents that wait for
// expectations not satisfied at r replaced by what the sync does instead (controllers.
// Expectations.Gated), and pod GC's deletes of a node's pods dropped while the latest revision,
// which its live read sees, still has the node (controllers.PodGC). Do not modify the results.
func (m *Model) stepIntents(i int, r int64, v *cluster.Cluster, loc Local, latest *cluster.Cluster, sign bool) ([]controllers.Intent, []string) {
	e := m.reconciled(i, v, localAt(loc, r), sign)
	in := e.in
	if m.cfg.Expectations != ExpectationsOff && len(loc.Expect) > 0 {
		in = loc.Expect.Gated(in, r)
	}
	if !m.cfg.NoPodGCLiveCheck && m.ctrls[i].Kind == PodGCKind && slices.ContainsFunc(in, func(x controllers.Intent) bool { return x.GoneNode != "" && latest.Node(x.GoneNode) != nil }) {
		var out []controllers.Intent
		for _, x := range in {
			// A delete whose node the live read finds gives way to the next pod to collect.
			y := &x
			for y != nil && y.GoneNode != "" && latest.Node(y.GoneNode) != nil {
				y = y.Instead
			}
			if y != nil {
				out = append(out, *y)
			}
		}
		in = out
	}
	if !sign {
		return in, nil
	}
	if len(in) == len(e.in) && (len(in) == 0 || &in[0] == &e.in[0]) {
		return in, e.sigs
	}
	sigs := make([]string, len(in))
	for k := range in {
		sigs[k] = m.signature(in[k], v)
	}
	return in, sigs
}

// localAt is a controller's local state as it reads revision r: a scheduler's assumed pods are
// those whose binding r predates (controllers.SchedulerState.At).
func localAt(loc Local, r int64) Local {
	loc.Scheduler = loc.Scheduler.At(r)
	return loc
}

// reconciled returns controller i's reconcile of view v, memoised on the view: replicas of a
// kind share theirs; a kubelet's also depend on its containers and a scheduler's on its queue
// and assumed pods (SchedulerState), compared by content, so that states whose Locals are
// equal in other copies share the entry too. Each share keeps its last intentChain entries
// of the view: the replicas of a kind, and states that share a snapshot, reconcile it with
// other containers and queues in turn. With sign, the entry holds the intents' signatures
// too (an entry made without them is made again).
func (m *Model) reconciled(i int, v *cluster.Cluster, loc Local, sign bool) *intentEntry {
	t := cluster.Memo(v, intentsSlot, func() *intentTable {
		return &intentTable{model: m, entries: make([]atomic.Pointer[intentEntry], len(m.ctrls))}
	})
	if t.model != m { // a snapshot another model made (tests)
		e := &intentEntry{in: m.reconcile(i, v, loc)}
		for _, in := range e.in {
			e.sigs = append(e.sigs, m.signature(in, v))
		}
		return e
	}
	if m.ctrls[i].Kind != KubeletKind {
		loc.Containers = nil
	}
	slot := &t.entries[m.shares[i]]
	head := slot.Load()
	for e := head; e != nil; e = e.next {
		if e.reconciledWith(loc) && (e.signed || !sign) {
			return e
		}
	}
	e := &intentEntry{containers: loc.Containers, sched: loc.Scheduler, in: m.reconcile(i, v, loc), signed: sign}
	if head != nil && head.depth+1 < intentChain {
		e.next, e.depth = head, head.depth+1
	}
	if m.sent != nil && !m.reducing.Load() {
		m.sent.internWrites(e.in, v)
	}
	if sign {
		for _, in := range e.in {
			e.sigs = append(e.sigs, m.signature(in, v))
		}
	}
	slot.Store(e)
	return e
}

// intentChain is how many reconciles of one view a share keeps at most (the newest; a chain
// that is full starts again).
const intentChain = 4

// reconciledWith says whether e is the reconcile of a controller with loc's containers and
// scheduler state (what a reconcile reads of its Local: Model.reconcile).
func (e *intentEntry) reconciledWith(loc Local) bool {
	return slices.Equal(e.containers, loc.Containers) && slices.Equal(e.sched.Backoff, loc.Scheduler.Backoff) &&
		slices.Equal(e.sched.Assumed, loc.Scheduler.Assumed)
}

// intentsSlot keeps on each snapshot the reconciles of it, by controller.
var intentsSlot = cluster.NewMemoSlot[intentTable]()

// intentTable holds a snapshot's reconciles, one entry per controller (replicas of a kind
// share the first's).
type intentTable struct {
	model   *Model
	entries []atomic.Pointer[intentEntry]
}

// intentEntry is a reconcile of a snapshot, for a kubelet with containers or a scheduler with
// the state sched (Model.reconciled).
type intentEntry struct {
	containers []controllers.Container // the kubelet's containers it was computed with
	sched      controllers.SchedulerState
	next       *intentEntry // an older entry of the same share, and their number
	depth      int
	in         []controllers.Intent
	sigs       []string // each intent's signature, when signed
	signed     bool
}

// reconcile runs controller i's reconcile on view v.
func (m *Model) reconcile(i int, v *cluster.Cluster, loc Local) []controllers.Intent {
	switch c := m.ctrls[i]; c.Kind {
	case KubeletKind:
		return c.Kubelet.Reconcile(v, loc.Containers)
	case SchedulerKind:
		return controllers.Scheduler{}.ReconcileQueue(v, loc.Scheduler)
	case PodGCKind:
		return controllers.PodGC{}.Reconcile(v)
	default:
		return m.workload(c.Kind).reconcile(v)
	}
}

// Actions lists, in order: controller steps (by controller, revision read, intent; under
// CacheInformer by controller, combination of its caches' reads, intent: informerSteps),
// faults, then client actions.
func (m *Model) Actions(s State, buf []Action) []Action {
	latest := s.Store.Latest().Cluster
	sign := m.signing()
	for i := range m.ctrls {
		loc := s.Local[i]
		if loc.Down {
			continue
		}
		if m.cfg.Cache == CacheInformer {
			buf = m.informerSteps(buf, i, s, latest, sign)
			continue
		}
		var mem [32]string
		seen := mem[:0] // the signatures of the older reads' intents
		for r := m.store.OldestReadable(s.Store, loc.Session); r <= s.Store.Latest().Number; r++ {
			in, sigs := m.stepIntents(i, r, s.Store.At(r), *loc, latest, sign)
			for k := range in {
				a := Action{Kind: Step, Ctrl: i, Read: r, Item: k}
				if sign {
					a.covered = slices.Contains(seen, sigs[k])
				}
				buf = append(buf, a)
			}
			if sign {
				seen = append(seen, sigs...)
			}
		}
	}
	f := m.cfg.Faults
	for i, c := range m.ctrls {
		loc := s.Local[i]
		if f.Restart && !loc.Down && loc.Session != datastore.SessionReset {
			buf = append(buf, Action{Kind: Restart, Ctrl: i})
		}
		if m.cfg.Expectations == ExpectationsExpiring {
			for _, o := range loc.Expect.Owners() {
				buf = append(buf, Action{Kind: Expire, Ctrl: i, Value: int64(o)})
			}
		}
		if c.Kind != KubeletKind {
			continue
		}
		if f.NodeCrash {
			if loc.Down {
				buf = append(buf, Action{Kind: Rejoin, Ctrl: i})
			} else {
				buf = append(buf, Action{Kind: Crash, Ctrl: i})
			}
		}
		if f.ContainerExit {
			for _, ct := range loc.Containers {
				if p := latest.Pod(ct.Pod); ct.Exit == controllers.Running && p != nil {
					for _, e := range controllers.Exits(p) {
						buf = append(buf, Action{Kind: Exit, Ctrl: i, Name: ct.Pod, Value: int64(e)})
					}
				}
			}
		}
	}
	if !m.cfg.Client.Anytime && !m.Quiescent(s) {
		return buf
	}
	return append(buf, m.clientActions(latest)...)
}

// clientActions lists what the client may do to the latest cluster c, each action once (client
// entries may overlap: two scale ranges of one object).
func (m *Model) clientActions(c *cluster.Cluster) []Action {
	var out []Action
	cl := m.cfg.Client
	scale := func(sc ScaleRange, o cluster.Workload) {
		n := o.DesiredReplicas()
		for _, v := range []int64{n - 1, n + 1} {
			if a := (Action{Kind: Scale, On: o.Kind(), Name: o.Meta().Name, Value: v}); v >= sc.Min && v <= sc.Max && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	for _, sc := range cl.Scale {
		if sc.OwnedBy != "" {
			d, ok := c.Get(cluster.KindDeployment, sc.OwnedBy).(*cluster.Deployment)
			for _, rs := range c.ReplicaSets() {
				if ref, owned := rs.ControllerRef(); ok && owned && ref.UID == d.UID {
					scale(sc, rs)
				}
			}
		} else if o, ok := c.Get(sc.Kind, sc.Name).(cluster.Workload); ok {
			scale(sc, o)
		}
	}
	for _, im := range cl.Image {
		if o, ok := c.Get(im.Kind, im.Name).(cluster.Workload); ok {
			for _, img := range im.Images {
				if a := (Action{Kind: Image, On: im.Kind, Name: im.Name, Image: img}); img != o.PodTemplate().Spec.Image && !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	for _, name := range cl.Pause {
		if d, ok := c.Get(cluster.KindDeployment, name).(*cluster.Deployment); ok {
			out = append(out, Action{Kind: Pause, On: cluster.KindDeployment, Name: name, Value: boolValue(!d.Spec.Paused)})
		}
	}
	for _, name := range cl.Suspend {
		if j, ok := c.Get(cluster.KindJob, name).(*cluster.Job); ok {
			out = append(out, Action{Kind: Suspend, On: cluster.KindJob, Name: name, Value: boolValue(!j.Spec.Suspend)})
		}
	}
	return out
}

func boolValue(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// clientWrite is the object a client action writes, if the client may take it in c.
func (m *Model) clientWrite(c *cluster.Cluster, a Action) (cluster.Object, bool) {
	for _, x := range m.clientActions(c) {
		if x != a {
			continue
		}
		q := c.Get(a.On, a.Name).DeepCopy()
		switch x := q.(type) {
		case *cluster.ReplicaSet:
			x.Spec.Replicas, x.Spec.Template = scaledOrImaged(a, x.Spec.Replicas, x.Spec.Template)
		case *cluster.Deployment:
			x.Spec.Replicas, x.Spec.Template = scaledOrImaged(a, x.Spec.Replicas, x.Spec.Template)
			if a.Kind == Pause {
				x.Spec.Paused = a.Value == 1
			}
		case *cluster.StatefulSet:
			x.Spec.Replicas, x.Spec.Template = scaledOrImaged(a, x.Spec.Replicas, x.Spec.Template)
		case *cluster.Job:
			x.Spec.Suspend = a.Value == 1
		}
		return q, true
	}
	return nil, false
}

// scaledOrImaged applies a Scale or Image action to a workload's replicas and template.
func scaledOrImaged(a Action, replicas int64, t cluster.PodTemplate) (int64, cluster.PodTemplate) {
	switch a.Kind {
	case Scale:
		replicas = a.Value
	case Image:
		t.Spec.Image = a.Image
	}
	return replicas, t
}

// Next applies a to s; it reports false if a is not enabled in s.
func (m *Model) Next(s State, a Action) (State, bool) {
	ns, _, ok := m.next(s, a)
	return ns, ok
}

// StepWrite is what action a does to the datastore from state s, for the conformance oracle of
// the API rules: the next state, the write the action sends (nil for a step that writes
// nothing), the revision whose snapshot the write applies to (the latest one but under
// optimistic and causal levels, where it is the one read), and the model API server's outcome.
// ok is false for an action not enabled in s.
func (m *Model) StepWrite(s State, a Action) (next State, w *datastore.Write, on int64, out datastore.Outcome, ok bool) {
	next, ef, ok := m.next(s, a)
	if !ok || !ef.wrote {
		return next, nil, 0, out, ok
	}
	on = s.Store.Latest().Number
	if a.Kind == Step && (m.cfg.Level == datastore.Optimistic || m.cfg.Level == datastore.Causal) {
		on = m.newest(a)
	}
	return next, &ef.write, on, ef.outcome, true
}

// next applies a and also returns what happened, for traces.
func (m *Model) next(s State, a Action) (State, effect, bool) {
	var ef effect
	if a.Ctrl < 0 || a.Ctrl >= len(m.ctrls) {
		return s, ef, false
	}
	// The successor shares its controllers' local states with s but the acting one's (copy on
	// write: normalize copies those it changes).
	ns := State{Store: s.Store, Broken: s.Broken}
	loc := newLocals(&ns, s, a.Ctrl)
	latest := s.Store.Latest().Cluster
	switch a.Kind {
	case Step:
		v := m.view(a.Ctrl, s.Store, a.Read, a.Caches)
		if v == nil || loc.Down {
			return disabled(s, ns)
		}
		in := m.intents(a.Ctrl, a.Read, v, *loc, latest)
		if a.Item < 0 || a.Item >= len(in) {
			return disabled(s, ns)
		}
		ef.intent = in[a.Item]
		loc.Session, loc.LastRead[0] = datastore.Session(a.Read), a.Read
		for j := range m.watch[a.Ctrl] {
			loc.Caches[j], loc.LastRead[1+j] = datastore.Session(a.Caches[j]), a.Caches[j]
		}
		if run := ef.intent.Run; run != nil && run.Exit == controllers.Running {
			if p := latest.Pod(run.Pod); p != nil && p.UID == run.UID && p.Finished() {
				ns.Broken |= BrokenTerminalRun // judged against the truth before the step
			}
		}
		applied := ef.intent
		if w := ef.intent.Write; w != nil {
			ef.wrote, ef.write = true, *w
			var uid cluster.UID
			var running func(string) bool
			if w.Verb == datastore.Create { // the only writes that give a UID or a name
				uid, running = nextUID(s), runningPod(s)
			}
			ns.Store, ef.outcome = m.writes().WriteAvoiding(s.Store, m.newest(a), *w, uid, running)
			ns.Broken |= m.monitor(m.ctrls[a.Ctrl].Kind, v, s, ns, ef)
			if !ef.outcome.OK() {
				applied.Report = nil // reported only once the phase is written
			}
		}
		loc.Containers = controllers.ApplyContainers(loc.Containers, applied)
		if ef.intent.Expects && ef.outcome.OK() && m.cfg.Expectations != ExpectationsOff && ns.Store.Latest().Number != s.Store.Latest().Number {
			loc.Expect = loc.Expect.Add(ef.intent.Gate, ns.Store.Latest().Number)
		}
		if m.ctrls[a.Ctrl].Kind == SchedulerKind {
			loc.Scheduler = loc.Scheduler.Next(v, ef.intent, ef.outcome.OK(), ns.Store.Latest().Number)
		}
	case Restart:
		if !m.cfg.Faults.Restart || loc.Down || loc.Session == datastore.SessionReset {
			return disabled(s, ns)
		}
		// a restarted scheduler starts empty, and a workload controller without expectations
		loc.Session, loc.Scheduler, loc.Expect = datastore.SessionReset, controllers.SchedulerState{}, nil
		loc.resetCaches(len(m.watch[a.Ctrl]))
		if m.ctrls[a.Ctrl].Kind == KubeletKind {
			loc.Containers = controllers.Restart(loc.Containers)
		}
	case Crash, Rejoin:
		if !m.cfg.Faults.NodeCrash || m.ctrls[a.Ctrl].Kind != KubeletKind || loc.Down != (a.Kind == Rejoin) {
			return disabled(s, ns)
		}
		loc.Down, loc.Session, loc.Containers = a.Kind == Crash, datastore.SessionReset, nil
		loc.resetCaches(len(m.watch[a.Ctrl]))
		if a.Kind == Crash {
			node := m.ctrls[a.Ctrl].Kubelet.Template.Name
			if n := latest.Node(node); n != nil {
				ef.wrote = true
				ef.write = datastore.Write{Verb: datastore.Delete, Kind: cluster.KindNode, Name: node, UID: n.UID, Force: true}
				ns.Store, ef.outcome = m.writes().Write(s.Store, s.Store.Latest().Number, ef.write, 0)
			}
		}
	case Exit:
		i := containerIndex(loc.Containers, a.Name)
		p := latest.Pod(a.Name)
		if !m.cfg.Faults.ContainerExit || i < 0 || loc.Containers[i].Exit != controllers.Running || p == nil ||
			!slices.Contains(controllers.Exits(p), controllers.Exit(a.Value)) {
			return disabled(s, ns)
		}
		loc.Containers = append([]controllers.Container(nil), loc.Containers...)
		loc.Containers[i].Exit = controllers.Exit(a.Value)
	case Expire:
		if m.cfg.Expectations != ExpectationsExpiring || !slices.Contains(loc.Expect.Owners(), cluster.UID(a.Value)) {
			return disabled(s, ns)
		}
		loc.Expect = loc.Expect.Expire(cluster.UID(a.Value))
	case Scale, Image, Pause, Suspend:
		if !m.cfg.Client.Anytime && !m.Quiescent(s) {
			return disabled(s, ns)
		}
		q, ok := m.clientWrite(latest, a)
		if !ok {
			return disabled(s, ns)
		}
		ef.wrote, ef.write = true, datastore.Write{Verb: datastore.Update, Object: q}
		ns.Store, ef.outcome = m.writes().Write(s.Store, s.Store.Latest().Number, ef.write, 0)
	default:
		return disabled(s, ns)
	}
	m.normalize(&ns, s.Local)
	return ns, ef, true
}

// successorLocals is a successor's controller list and the acting controller's own copy of its
// Local, made in one allocation when there are few controllers, and the block of the copies
// normalize makes of the Locals it changes (writable), when it makes some.
type successorLocals struct {
	own   Local
	local [8]*Local
	moved *movedLocals // nil until writable needs it
}

// movedLocals holds the copies normalize makes of a successor's Locals that it changes: their
// sessions or caches moved up, their expectations or scheduler state pruned. They are common:
// each write that slides the retained history moves every session left at its oldest
// revision. On the unreduced 59848 check 22% of the successors have one such copy or more (3%
// two); on the bounded replicaset/spec-replicas-change check under monotonic-session with two
// controllers, 60% do (37% three or more). Kept apart from the successor's block, which most
// successors of the 59848 check fill alone, and recycled with it when the search drops the
// successor, instead of left to the collector. Past three copies, writable allocates them one
// by one.
type movedLocals struct {
	local [3]Local
	n     int // local[:n] are in use
}

// movedMemory holds the movedLocals of successors the search dropped, zeroed.
var movedMemory = sync.Pool{New: func() any { return new(movedLocals) }}

// inlineLocals is the most controllers whose list newLocals allocates with the acting one's
// Local (tests set 0 to compare with separate allocations).
var inlineLocals = len(successorLocals{}.local)

// successorMemory holds the successorLocals of successors the search dropped (Recycle), for
// newLocals to reuse: zeroed, from any goroutine.
var successorMemory = sync.Pool{New: func() any { return new(successorLocals) }}

// writes is the datastore's configuration for a write: without its memo once the model is
// reducing.
func (m *Model) writes() datastore.Config {
	if m.reducing.Load() {
		c := m.store
		c.Memo = nil
		return c
	}
	return m.store
}

// writeMemo says whether New gives the model's datastore a WriteMemo (with the store
// encodings by content, which its shared snapshots make worth keeping), so that the successors
// that send the same write to the same snapshot share the snapshot it gives (tests turn it off
// to compare), and the objects the reconciles send interned (sentObjects), so that the memo
// knows a write sent again from another view. On the unreduced 59848 check the memo answers
// 84% of the writes; on the bounded replicaset/spec-replicas-change check under
// monotonic-session with two controllers, 90%.
var writeMemo = true

// recycling says whether the memory of successors that are dropped (Recycle) or never made (an
// action not enabled) goes back to successorMemory (tests turn it off to compare).
var recycling = true

// newLocals gives ns the controllers' Locals of s, sharing all but controller i's, which it
// copies and returns (copy on write: normalize copies those it changes).
func newLocals(ns *State, s State, i int) *Local {
	var own *Local
	if n := len(s.Local); n <= inlineLocals {
		mem := successorMemory.Get().(*successorLocals)
		mem.own = *s.Local[i]
		own, ns.Local, ns.locals = &mem.own, mem.local[:n:n], mem
		copy(ns.Local, s.Local)
	} else {
		c := *s.Local[i]
		own, ns.Local = &c, append([]*Local(nil), s.Local...)
	}
	ns.Local[i] = own
	return own
}

// Recycle implements checker.Recycler: the search dropped next, a successor of s by a, so the
// memory newLocals and writable allocated for it (its controller list, the acting controller's
// Local and the copies of those normalize changed) goes back for another successor. Nothing
// else refers to that memory: Next allocates it for next alone, and only next's successors
// would share next's Locals, and next, dropped, has none. Dropped successors are 73% of the
// unreduced 59848 check's; reusing their memory cut its bytes allocated per generated state
// by 13%.
func (m *Model) Recycle(s State, _ Action, next State) {
	mem := next.locals
	// Defensive: a copy that replaced its list (symmetry's permutations) still carries the
	// block, and its list may hold the block's Local; Next returns no such state, nor s's block.
	if mem == nil || mem == s.locals || len(next.Local) == 0 || &next.Local[0] != &mem.local[0] {
		return
	}
	release(mem)
}

// release gives mem back to successorMemory, and its moved copies to movedMemory, zeroed.
func release(mem *successorLocals) {
	if recycling && mem != nil {
		if mv := mem.moved; mv != nil {
			clear(mv.local[:mv.n])
			mv.n = 0
			movedMemory.Put(mv)
		}
		*mem = successorLocals{}
		successorMemory.Put(mem)
	}
}

// disabled is next's answer for an action a state does not enable: the state itself, and
// false. The memory newLocals took for the successor ns, which nothing refers to, goes back.
func disabled(s, ns State) (State, effect, bool) {
	release(ns.locals)
	return s, effect{}, false
}

// resetCaches marks a controller's n caches besides its pod cache as restarted.
func (l *Local) resetCaches(n int) {
	for j := range n {
		l.Caches[j] = datastore.SessionReset
	}
}

// runningPod reports whether some kubelet of s holds containers of a pod of that name.
func runningPod(s State) func(string) bool {
	return func(name string) bool {
		for _, l := range s.Local {
			if containerIndex(l.Containers, name) >= 0 {
				return true
			}
		}
		return false
	}
}

// effect is what a step did: the intent acted on and the write's outcome.
type effect struct {
	intent  controllers.Intent
	wrote   bool
	outcome datastore.Outcome
	write   datastore.Write // what was sent, when wrote
}

// normalize drops unreadable history, moves sessions older than anything readable up, and
// drops from a scheduler's queue and assumed pods what no revision it may read makes matter.
// parent is the Local list of the state s succeeds: a Local of s that is not its parent's is
// s's alone and changes in place; the others are copied before they change (writable).
func (m *Model) normalize(s *State, parent []*Local) {
	var small [32]datastore.Session
	sessions := m.positions(s, small[:0])
	s.Store = m.store.Normalize(s.Store, sessions)
	m.setPositions(s, sessions, parent)
	if m.cfg.Cache == CacheInformer && m.siblings && !m.noCacheRuns {
		m.toRunEnds(s, parent)
		sessions = m.positions(s, sessions[:0])
		s.Store = m.store.Normalize(s.Store, sessions)
		m.setPositions(s, sessions, parent)
	}
	for i := range s.Local {
		if e := s.Local[i].Expect; len(e) > 0 {
			if pruned := e.Prune(m.store.OldestReadable(s.Store, s.Local[i].Session)); len(pruned) != len(e) {
				writable(s, parent, i).Expect = pruned
			}
		}
		if st := s.Local[i].Scheduler; len(st.Backoff)+len(st.Assumed) > 0 {
			var mem [8]*cluster.Cluster
			views := mem[:0]
			oldest := m.store.OldestReadable(s.Store, s.Local[i].Session)
			for r := oldest; r <= s.Store.Latest().Number; r++ {
				views = append(views, s.Store.At(r))
			}
			if pruned := st.Prune(oldest, views); len(pruned.Backoff) != len(st.Backoff) || len(pruned.Assumed) != len(st.Assumed) {
				writable(s, parent, i).Scheduler = pruned
			}
		}
	}
}

// writable returns s.Local[i] ready to change: itself when s holds it alone (it is not the
// Local of s's parent, whose list is parent), else a copy put in its place (copy on write:
// states share their controllers' local states), in s's block of moved copies while it has
// room.
func writable(s *State, parent []*Local, i int) *Local {
	if s.Local[i] != parent[i] {
		return s.Local[i]
	}
	// In the block of s's moved copies when it has room (s's list is in s's own block:
	// newLocals made it for s).
	if mem := s.locals; mem != nil && &s.Local[0] == &mem.local[0] {
		if mem.moved == nil {
			mem.moved = movedMemory.Get().(*movedLocals)
		}
		if mv := mem.moved; mv.n < len(mv.local) {
			c := &mv.local[mv.n]
			mv.n++
			*c = *s.Local[i]
			s.Local[i] = c
			return c
		}
	}
	c := *s.Local[i]
	s.Local[i] = &c
	return &c
}

func containerIndex(cs []controllers.Container, pod string) int {
	for i, c := range cs {
		if c.Pod == pod {
			return i
		}
	}
	return -1
}

// maxUID is the largest UID an object of c carries or refers to.
func maxUID(c *cluster.Cluster) cluster.UID {
	var u cluster.UID
	for _, o := range c.Objects() {
		u = max(u, objectMaxUID(o))
	}
	return u
}

// objectMaxUID is the largest UID o carries or refers to (its owners').
func objectMaxUID(o cluster.Object) cluster.UID {
	m := o.Meta()
	u := m.UID
	for _, r := range m.OwnerReferences {
		u = max(u, r.UID)
	}
	return u
}

// nextUID is a UID that nothing in s carries or refers to.
func nextUID(s State) cluster.UID {
	var u cluster.UID
	for _, r := range s.Store.History {
		u = max(u, counters(r.Cluster, nil).maxUID)
	}
	for _, l := range s.Local {
		for _, c := range l.Containers {
			u = max(u, c.UID)
		}
		for _, b := range l.Scheduler.Backoff {
			u = max(u, b)
		}
		for _, a := range l.Scheduler.Assumed {
			u = max(u, a.UID)
		}
		for _, x := range l.Expect {
			u = max(u, x.Owner)
		}
	}
	return u + 1
}

// Representative orders the replicas of each controller kind by their session (and the
// positions of their other caches, CacheInformer), their expectations and, for schedulers,
// their back-off queue and assumed pods (the only local state a controller other than a
// kubelet has; compared by raw UID, so that equivalent states may keep two orders): replicas
// of a kind run the same reconcile and no property names one, so they are interchangeable.
// Where the configuration treats its nodes alike (newNodeSymmetry), it then renames the nodes
// into a canonical order (canonicalNodes): a kubelet is bound to its node's name, which
// objects carry, so a renaming moves its local state and renames the node in every object.
func (m *Model) Representative(s State) State {
	out := m.sortReplicas(s, nil)
	if m.nodes != nil {
		out, _, _, _ = m.canonicalNodes(out, nil, nil)
	}
	return out
}

// RepresentativeOf implements checker.ProcessSymmetry, whose processes are the controllers
// (kubelets first, one per node): Representative(s), and the permutation p that makes it,
// written into buf: controller i's local state in s is controller p[i]'s in the
// representative (replicas of a kind reordered, kubelets moved with their nodes).
func (m *Model) RepresentativeOf(s State, buf []int) (State, []int) {
	out, p, _, _ := m.RepresentativeEncoded(s, buf, nil)
	return out, p
}

// RepresentativeEncoded implements checker.EncodedSymmetric: RepresentativeOf(s, buf) and, when
// the nodes' signatures tied and canonicalNodes compared the candidates' encodings, enc with
// the representative's appended (the search does not encode it a third time).
func (m *Model) RepresentativeEncoded(s State, buf []int, enc []byte) (State, []int, []byte, bool) {
	// at[j] is the controller of s whose local state is at position j.
	at := buf[:0]
	for i := range m.ctrls {
		at = append(at, i)
	}
	out := m.sortReplicas(s, at)
	ok := false
	if m.nodes != nil {
		out, at, enc, ok = m.canonicalNodes(out, at, enc)
	}
	var small [16]int
	p := append(small[:0], at...)
	for j, i := range p {
		at[i] = j
	}
	return out, at, enc, ok
}

// Permute implements checker.ProcessSymmetry: p·s, each controller's local state moved to the
// place p gives it, and the nodes renamed with their kubelets (p maps kubelets to kubelets,
// and replicas to replicas of their kind, as RepresentativeOf's permutations do).
func (m *Model) Permute(s State, p []int) State {
	out, n := s, 0
	if m.nodes != nil {
		n = len(m.nodes.names)
		out = m.permute(s, m.nodes.index(p[:n]))
	}
	local := slices.Clone(out.Local)
	for i := n; i < len(p); i++ {
		local[p[i]] = out.Local[i]
	}
	out.Local = local
	return out
}

// Interchangeable implements checker.Interchangeable: replicas of one controller kind whose
// local states are equal may be exchanged without changing s (Permute moves only their local
// states); kubelets are each alone (exchanging two renames their nodes).
func (m *Model) Interchangeable(s State, buf []int) []int {
	out := buf[:0]
	for i := range m.ctrls {
		out = append(out, i)
	}
	for i, c := range m.ctrls {
		if c.Kind == KubeletKind {
			continue
		}
		for j := m.shares[i]; j < i; j++ {
			if out[j] == j && sameLocal(s.Local[i], s.Local[j], len(m.watch[i])) {
				out[i] = j
				break
			}
		}
	}
	return out
}

// sameLocal reports whether two local states are equal in all that Encode writes of them (raw
// UIDs compared).
func sameLocal(a, b *Local, caches int) bool {
	return a == b || a.Session == b.Session && slices.Equal(a.Caches[:caches], b.Caches[:caches]) && a.Down == b.Down &&
		slices.Equal(a.Containers, b.Containers) && slices.Equal(a.Scheduler.Backoff, b.Scheduler.Backoff) &&
		slices.Equal(a.Scheduler.Assumed, b.Scheduler.Assumed) && slices.Equal(a.Expect, b.Expect)
}

// RenameGroup implements checker.ProcessSymmetry: a controller's group (its steps, or one of its
// faults) becomes the same group of the controller it is renamed to; the client's stays.
func (m *Model) RenameGroup(g checker.ActionGroup, p []int) checker.ActionGroup {
	if at, ok := m.groupAt[g]; ok {
		return m.groups[p[at[0]]][at[1]]
	}
	return g
}

// RenameInstance implements checker.ProcessSymmetry: the instances of PodsRun are the kubelets,
// renamed with their nodes; no other property has instances.
func (m *Model) RenameInstance(property string, k int, p []int) int {
	if property == PodsRun {
		return p[k]
	}
	return k
}

// HasSymmetry implements checker.SymmetryReporter: the model has a symmetry when its
// controllers run in more than one replica or its nodes are interchangeable.
func (m *Model) HasSymmetry() bool { return m.cfg.Replicas > 1 || m.nodes != nil }

// sortReplicas orders the replicas of each controller kind (see Representative).
// When at is not nil, it is the controllers whose local states s holds, by position, and
// sortReplicas reorders it as it reorders them.
func (m *Model) sortReplicas(s State, at []int) State {
	out := s
	for i := 0; i < len(m.ctrls); {
		j := i + 1
		for j < len(m.ctrls) && m.ctrls[j].Kind == m.ctrls[i].Kind {
			j++
		}
		bySession := func(a, b *Local) int {
			if c := cmp.Compare(a.Session, b.Session); c != 0 {
				return c
			}
			if c := slices.Compare(a.Caches[:], b.Caches[:]); c != 0 {
				return c
			}
			if c := slices.Compare(a.Scheduler.Backoff, b.Scheduler.Backoff); c != 0 {
				return c
			}
			if c := slices.CompareFunc(a.Expect, b.Expect, func(x, y controllers.Expected) int {
				return cmp.Or(cmp.Compare(x.Owner, y.Owner), cmp.Compare(x.Rev, y.Rev))
			}); c != 0 {
				return c
			}
			return slices.CompareFunc(a.Scheduler.Assumed, b.Scheduler.Assumed, func(x, y controllers.Assumed) int {
				return cmp.Or(cmp.Compare(x.UID, y.UID), cmp.Compare(x.Node, y.Node), cmp.Compare(x.CPU, y.CPU), cmp.Compare(x.Rev, y.Rev))
			})
		}
		if m.ctrls[i].Kind != KubeletKind && !slices.IsSortedFunc(out.Local[i:j], bySession) {
			if &out.Local[0] == &s.Local[0] {
				out.Local = slices.Clone(s.Local)
			}
			// A stable sort of the positions, which moves at along with the local states.
			var small, moved [16]int
			pos := small[:0]
			for x := i; x < j; x++ {
				pos = append(pos, x)
			}
			slices.SortStableFunc(pos, func(a, b int) int { return bySession(s.Local[a], s.Local[b]) })
			ctrls := moved[:0]
			if at != nil {
				ctrls = append(ctrls, at[i:j]...)
			}
			for x, from := range pos {
				out.Local[i+x] = s.Local[from]
				if at != nil {
					at[i+x] = ctrls[from-i]
				}
			}
		}
		i = j
	}
	return out
}
