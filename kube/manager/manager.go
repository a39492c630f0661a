// Package manager runs the model's controllers on a real cluster: a controller manager whose
// reconcile functions are the ones the checker explores (models/controllers, through
// orchestration.Reconcilers), fed by client-go informers and writing through the API
// (kube/adapter), with the model's scheduler and simulated kubelets (hollow nodes) if asked.
//
// Each controller is a loop: on any informer event (or every resync period) it converts the
// caches into a view, reconciles it, and makes each write its intents carry, logging each as
// the model's traces word it. After an accepted write it waits (up to WriteWait) until its
// informer shows it, so that its next view has its own writes: what upstream's expectations
// and the scheduler's assumed pods exist for, which the live loop therefore does not keep.
// Two managers without leader election do not see each other's writes that way, as two
// upstream controller managers do not.
package manager

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/themelios/themelios/kube/adapter"
	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// ExitAnnotation on a pod (or its template) says how its containers end when they do (a pod
// that does not restart Always): "Succeeded" (the default) or "Failed".
const ExitAnnotation = "themelios.dev/exit"

// WriteWait is how long a controller waits for its informer to show its own write.
const WriteWait = 5 * time.Second

// Config is what a manager runs.
type Config struct {
	Namespace   string   // where the workloads are (nodes are cluster-wide)
	Controllers []string // by the model's names (Names); nil for all of them
	Scheduler   bool     // run the model's scheduler too
	Nodes       int      // simulated kubelets, registering nodes node-1..node-N
	NodeCPU     int64    // each simulated node's allocatable CPU, millicores (0: no limit)
	NodePods    int64    // each simulated node's allocatable pods (0: no limit)
	// RunFor is how long the containers of a pod that does not restart Always run on a
	// simulated node before they exit (see ExitAnnotation).
	RunFor time.Duration
	Resync time.Duration // a sync of every controller without events (0: 30 s)
	Log    io.Writer     // one line per write (nil: discarded)
	Name   string        // this instance, prefixed to its log lines ("" for none)
}

// Names lists the controllers a manager can run, by the model's names.
func Names() []string {
	var out []string
	for _, r := range orchestration.Reconcilers() {
		out = append(out, r.Name)
	}
	return out
}

// Validate checks cfg: known controller names, non-negative counts.
func (cfg Config) Validate() error {
	for _, n := range cfg.Controllers {
		if !slices.Contains(Names(), n) {
			return fmt.Errorf("unknown controller %q (known: %s)", n, strings.Join(Names(), ", "))
		}
	}
	if cfg.Nodes < 0 || cfg.NodeCPU < 0 || cfg.NodePods < 0 || cfg.RunFor < 0 {
		return fmt.Errorf("nodes, node CPU, node pods and run time must not be negative")
	}
	if cfg.Namespace == "" {
		return fmt.Errorf("a namespace is required")
	}
	return nil
}

// Manager is a running controller manager.
type Manager struct {
	cfg    Config
	cs     kubernetes.Interface
	cache  *adapter.Cache
	writer *adapter.Writer
	logMu  sync.Mutex
	loops  []*loop
}

// loop is one controller: sync makes one round of its writes and reports whether one was
// accepted (acted) and whether one was rejected (failed).
type loop struct {
	name string
	kick chan struct{}
	sync func(ctx context.Context) (acted, failed bool)
}

// Run runs the controllers of cfg on the cluster of cs until ctx is done; it returns nil then,
// or the error that stopped it before (the informers could not sync).
func Run(ctx context.Context, cs kubernetes.Interface, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Resync == 0 {
		cfg.Resync = 30 * time.Second
	}
	ids := convert.NewIdentities()
	c := adapter.NewCache(cs, cfg.Namespace, ids)
	m := &Manager{cfg: cfg, cs: cs, cache: c, writer: adapter.NewWriter(cs, cfg.Namespace, ids, c)}
	for _, r := range orchestration.Reconcilers() {
		if cfg.Controllers == nil || slices.Contains(cfg.Controllers, r.Name) {
			m.add(r.Name, m.workloadSync(r))
		}
	}
	if cfg.Scheduler {
		m.add("scheduler", m.schedulerSync())
	}
	for i := 1; i <= cfg.Nodes; i++ {
		k := &kubelet{m: m, k: controllers.Kubelet{Template: &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: scenario.NodeName(i)},
			Status: cluster.NodeStatus{Ready: true, AllocatableCPU: cfg.NodeCPU, AllocatablePods: cfg.NodePods}}}}
		l := m.add(k.k.String(), k.sync)
		k.kick = l.kick
	}
	c.OnChange(func(cluster.Kind, runtime.Object, bool) {
		for _, l := range m.loops {
			select {
			case l.kick <- struct{}{}:
			default:
			}
		}
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		c.Shutdown()
		if ctx.Err() != nil {
			m.logf("stopped before the informers synced")
			return nil // interrupted: a clean stop
		}
		return err
	}
	defer c.Shutdown()
	m.logf("started %s in namespace %s", strings.Join(m.names(), ", "), cfg.Namespace)
	var wg sync.WaitGroup
	for _, l := range m.loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.run(ctx, l)
		}()
	}
	wg.Wait()
	m.logf("stopped")
	return nil
}

func (m *Manager) names() []string {
	var out []string
	for _, l := range m.loops {
		out = append(out, l.name)
	}
	return out
}

func (m *Manager) add(name string, sync func(context.Context) (bool, bool)) *loop {
	l := &loop{name: name, kick: make(chan struct{}, 1), sync: sync}
	m.loops = append(m.loops, l)
	return l
}

// run drives loop l: a round after each kick or resync, then again while rounds make
// progress; after a round whose writes were all rejected it backs off (100 ms, doubling up to
// 10 s, until a round makes progress or has nothing to do).
func (m *Manager) run(ctx context.Context, l *loop) {
	tick := time.NewTicker(m.cfg.Resync)
	defer tick.Stop()
	backoff := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
		case <-tick.C:
		}
		for ctx.Err() == nil {
			acted, failed := l.sync(ctx)
			if acted {
				backoff = 0
				continue
			}
			if !failed {
				backoff = 0
				break
			}
			backoff = min(max(2*backoff, 100*time.Millisecond), 10*time.Second)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			break
		}
	}
}

func (m *Manager) logf(format string, a ...any) {
	if m.cfg.Log == nil {
		return
	}
	line := fmt.Sprintf(format, a...)
	if m.cfg.Name != "" {
		line = m.cfg.Name + ": " + line
	}
	m.logMu.Lock()
	defer m.logMu.Unlock()
	fmt.Fprintln(m.cfg.Log, time.Now().Format("15:04:05.000"), line)
}

// view reads the caches, or logs why it cannot.
func (m *Manager) view(name string) (*cluster.Cluster, int64, bool) {
	v, rev, err := m.cache.View()
	if err != nil {
		m.logf("%s: cannot read its caches: %v", name, err)
		return nil, 0, false
	}
	return v, rev, true
}

// write makes in's write, logs it, and waits for the informer to show it. It reports whether
// the write was accepted (true for an intent without a write).
func (m *Manager) write(ctx context.Context, name string, read int64, in controllers.Intent) bool {
	w := in.Write
	if w == nil {
		if in.Run != nil || in.Stop != nil {
			m.logf("%s", orchestration.Sentence(name, read, in, datastore.Outcome{Code: 200}))
		}
		return true
	}
	res, err := m.writer.Send(ctx, *w)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		m.logf("%s", orchestration.Sentence(name, read, in, datastore.Refused(adapter.Code(err), adapter.Message(err))))
		return false
	}
	code := 200
	if w.Verb == datastore.Create {
		code = 201
	}
	m.logf("%s", orchestration.Sentence(name, read, in, datastore.Outcome{Code: code, Name: res.Name}))
	kind, _ := w.Target()
	if res.Gone {
		m.cache.WaitGone(ctx, kind, res.Name, WriteWait)
	} else {
		m.cache.WaitSeen(ctx, kind, res.RV, WriteWait)
	}
	return true
}

// workloadSync is the round of a workload controller or pod GC: every intent of its
// reconcile of the view (one per object it syncs), each made in turn.
func (m *Manager) workloadSync(r orchestration.Reconciler) func(context.Context) (bool, bool) {
	return func(ctx context.Context) (acted, failed bool) {
		v, rev, ok := m.view(r.Name)
		if !ok {
			return false, true
		}
		for _, in := range r.Reconcile(v) {
			// Pod GC deletes an orphan only once a live read says its node is gone.
			x := &in
			for x != nil && x.GoneNode != "" {
				_, err := m.cs.CoreV1().Nodes().Get(ctx, x.GoneNode, metav1.GetOptions{})
				if !apierrors.IsNotFound(err) {
					x = x.Instead
					continue
				}
				break
			}
			if x == nil {
				continue
			}
			if m.write(ctx, r.Name, rev, *x) {
				acted = true
			} else {
				failed = true
			}
		}
		return acted, failed
	}
}

// schedulerSync is the scheduler's round: one binding, its queue kept between rounds (a pod
// whose binding failed goes to the back). Of the least loaded nodes, each a choice in the model,
// it takes the first by name.
func (m *Manager) schedulerSync() func(context.Context) (bool, bool) {
	var st controllers.SchedulerState
	return func(ctx context.Context) (bool, bool) {
		v, rev, ok := m.view("scheduler")
		if !ok {
			return false, true
		}
		in := controllers.Scheduler{}.ReconcileQueue(v, st)
		if len(in) == 0 {
			return false, false
		}
		accepted := m.write(ctx, "scheduler", rev, in[0])
		// The write was waited for: no view from now on predates it (nothing assumed).
		st = st.Next(v, in[0], accepted, math.MaxInt64).At(math.MaxInt64)
		return accepted, !accepted
	}
}

// kubelet is a simulated node: the model's kubelet with the containers it runs in memory.
type kubelet struct {
	m    *Manager
	k    controllers.Kubelet
	kick chan struct{}

	mu      sync.Mutex
	running []controllers.Container
}

func (k *kubelet) sync(ctx context.Context) (acted, failed bool) {
	name := k.k.String()
	v, rev, ok := k.m.view(name)
	if !ok {
		return false, true
	}
	k.mu.Lock()
	running := k.running
	k.mu.Unlock()
	for _, in := range k.k.Reconcile(v, running) {
		accepted := k.m.write(ctx, name, rev, in)
		acted, failed = acted || accepted, failed || !accepted
		applied := in
		if !accepted {
			if in.Write != nil && in.Write.Verb == datastore.Create {
				continue
			}
			applied.Report = nil // reported only once the phase is written
		}
		k.mu.Lock()
		k.running = controllers.ApplyContainers(k.running, applied)
		k.mu.Unlock()
		if run := in.Run; run != nil && run.Exit == controllers.Running {
			if p := v.Pod(run.Pod); p != nil && len(controllers.Exits(p)) > 0 {
				k.exitLater(ctx, *run, exitOf(p))
			}
		}
	}
	return acted, failed
}

// exitOf is how pod p's containers end (ExitAnnotation), among the ends its restart policy
// lets show (controllers.Exits).
func exitOf(p *cluster.Pod) controllers.Exit {
	if v, _ := p.Annotations.Get(ExitAnnotation); v == string(cluster.PodFailed) && slices.Contains(controllers.Exits(p), controllers.Failed) {
		return controllers.Failed
	}
	return controllers.Succeeded
}

// exitLater ends the containers of c after the configured run time.
func (k *kubelet) exitLater(ctx context.Context, c controllers.Container, how controllers.Exit) {
	time.AfterFunc(k.m.cfg.RunFor, func() {
		if ctx.Err() != nil {
			return
		}
		k.mu.Lock()
		for i := range k.running {
			if k.running[i].Pod == c.Pod && k.running[i].UID == c.UID && k.running[i].Exit == controllers.Running {
				k.running = slices.Clone(k.running)
				k.running[i].Exit = how
				k.m.logf("%s", orchestration.ExitSentence(c.Pod, k.k.Template.Name, how))
			}
		}
		k.mu.Unlock()
		select {
		case k.kick <- struct{}{}:
		default:
		}
	})
}
