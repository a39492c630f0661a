package orchestration

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Config is an instance of the model: the initial cluster, the controllers, the datastore's
// consistency, the faults and what the client may do.
type Config struct {
	// Objects is the initial cluster. Nodes listed here have joined; Kubelets names every node
	// that has a kubelet (its Node object is created, or re-created after a crash, by it).
	Objects  []cluster.Object
	Kubelets []*cluster.Node
	// Replicas is the number of replicas of each controller kind but the kubelet (scheduler,
	// workload controllers, pod GC): more than one models duplicates without leader election.
	Replicas  int
	Level     datastore.Level
	Staleness int // revisions behind the latest a read may be; datastore.Unbounded for any
	// Cache says whether a step reads one revision for every kind (CacheSnapshot, the default)
	// or each kind through a cache of its own (CacheInformer).
	Cache  CacheMode
	Faults Faults
	// Expectations says how the ReplicaSet and Job controllers' expectations behave (on by
	// default, as upstream).
	Expectations ExpectationsMode
	// NoPodGCLiveCheck: pod GC deletes the pods of a node its view lacks without confirming,
	// by a read of the latest revision, that the node is gone (upstream before its fix, PR
	// 82365 of Kubernetes 1.17; controllers.PodGC).
	NoPodGCLiveCheck bool
	Client           Client
	// Fair names the kinds of environment actions that are weakly fair too (EnvironmentGroups);
	// controllers always are. See Model.ActionGroup.
	Fair []string
}

// fault is a kind of fault.
type fault struct {
	kind  ActionKind
	name  string
	group func(ctrl string) string
}

// faults are the kinds of fault, one row each: the action kind, its name in Config.Fair, and its
// fairness group's name for a controller (faults are grouped by kind and component). Adding a
// fault kind is a row here, its enabling in Actions, its effect in Next and its sentence.
var faults = []fault{
	{Restart, "restart", func(c string) string { return "restart " + c }},
	{Crash, "crash", func(c string) string { return "crash " + c }},
	{Rejoin, "rejoin", func(c string) string { return "rejoin " + c }},
	{Exit, "exit", func(c string) string { return "exit on " + c }},
	{Expire, "expire", func(c string) string { return "expire " + c }},
}

// faultGroups is, by action kind, the index of a fault's fairness group among a controller's
// groups (its row in faults, after the controller's steps), or 0 for a kind that is no fault.
var faultGroups = func() (g [Expire + 1]int) {
	for i, f := range faults {
		g[f.kind] = i + 1
	}
	return g
}()

// EnvironmentGroups are the kinds of environment actions a configuration may declare fair: a
// controller's restart, a node's crash or rejoin, a container's exit, a controller's
// expectations expiring, the client's actions.
var EnvironmentGroups = func() []string {
	var out []string
	for _, f := range faults {
		out = append(out, f.name)
	}
	return append(out, "client")
}()

// ExpectationsMode is how the ReplicaSet and Job controllers' expectations behave
// (controllers.Expectations).
type ExpectationsMode uint8

// The expectations modes.
const (
	// ExpectationsOn: upstream's; a controller waits to observe its own creates and deletes,
	// and they do not expire within a run.
	ExpectationsOn ExpectationsMode = iota
	// ExpectationsExpiring: upstream's, and their time-to-live (five minutes) may pass at any
	// moment: an environment action (Expire) drops an owner's expectations.
	ExpectationsExpiring
	// ExpectationsOff: none; a sync never waits for its own writes (for teaching what they
	// prevent).
	ExpectationsOff
)

var expectationsNames = modeNames{setting: "expectations", names: []string{"on", "expiring", "off"}}

// String is the mode's name: on, expiring or off.
func (e ExpectationsMode) String() string {
	return expectationsNames.name(uint8(e), "ExpectationsMode")
}

// ParseExpectations reads an expectations mode by name.
func ParseExpectations(s string) (ExpectationsMode, error) {
	i, err := expectationsNames.parse(s)
	return ExpectationsMode(i), err
}

// ExpectationsModes lists the modes' names, in order.
func ExpectationsModes() []string { return slices.Clone(expectationsNames.names) }

// modeNames are the names of a setting's modes, by value.
type modeNames struct {
	setting string
	names   []string
}

// name is mode v's name, or typ(v) for a value without one.
func (n modeNames) name(v uint8, typ string) string {
	if int(v) < len(n.names) {
		return n.names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

// parse reads a mode by name; the error lists the names ("cache must be snapshot or
// informer, not \"x\"").
func (n modeNames) parse(s string) (uint8, error) {
	if i := slices.Index(n.names, s); i >= 0 {
		return uint8(i), nil
	}
	list := n.names[len(n.names)-1]
	if len(n.names) > 1 {
		list = strings.Join(n.names[:len(n.names)-1], ", ") + " or " + list
	}
	return 0, fmt.Errorf("%s must be %s, not %q", n.setting, list, s)
}

// Faults are the fault switches.
type Faults struct {
	Restart       bool // a controller restarts: it loses its session (and cache)
	NodeCrash     bool // a node crashes (its containers die, its Node object is deleted) and may rejoin
	ContainerExit bool // a container exits: successfully unless restartPolicy is Always, failing only under Never
}

// Client is what the environment (a user) may do.
type Client struct {
	Scale []ScaleRange // workloads the client scales, one replica at a time, within a range
	Image []ImageChoice
	Pause []string // Deployments the client pauses and resumes
	// Suspend lists the Jobs the client suspends and resumes.
	Suspend []string
	// Anytime lets the client act in any state. By default it acts only at quiescence (no
	// controller has anything to do, no node is down), like a user who waits for the last
	// change to settle; acting anytime lets terminating pods pile up without bound while
	// kubelets lag, so the state space is infinite and a check needs bounds.
	Anytime bool
}

// ScaleRange lets the client scale a ReplicaSet, Deployment or StatefulSet between Min and
// Max replicas; with OwnedBy (a Deployment's name) instead of Name, every ReplicaSet that
// Deployment controls, as a user or an autoscaler scaling a Deployment's ReplicaSet directly
// does (Kubernetes PR 138840's race).
type ScaleRange struct {
	Kind     cluster.Kind
	Name     string
	OwnedBy  string
	Min, Max int64
}

// ImageChoice lets the client set the image of a workload's pod template to one of Images.
type ImageChoice struct {
	Kind   cluster.Kind
	Name   string
	Images []string
}

// Scalable reports whether the client may scale or change the image of objects of kind k.
func Scalable(k cluster.Kind) bool {
	return k == cluster.KindReplicaSet || k == cluster.KindDeployment || k == cluster.KindStatefulSet
}

// Validate reports every bad field at once: Problems, joined by "; ".
func (c *Config) Validate() error {
	if bad := c.Problems(); len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	return nil
}

// Problems lists every bad field, each as "field: what is wrong", the field named as a scenario
// file's spec names it ("client.scale[0]", "objects", "fair"); nil when c is valid.
func (c *Config) Problems() []string {
	var bad []string
	if c.Replicas < 1 || c.Replicas > 4 {
		bad = append(bad, fmt.Sprintf("controllers: want 1 to 4 replicas of each controller, not %d", c.Replicas))
	}
	if c.Staleness < datastore.Unbounded {
		bad = append(bad, "staleness: must be >= 0 or unbounded")
	}
	if c.Cache > CacheInformer {
		bad = append(bad, "cache: unknown mode")
	}
	if c.Expectations > ExpectationsOff {
		bad = append(bad, "expectations: unknown mode")
	}
	if c.Level > datastore.Causal {
		bad = append(bad, "consistency: unknown level")
	}
	seen := map[string]bool{} // only looked up
	for _, o := range c.Objects {
		key := o.Kind().String() + "/" + o.Meta().Name
		if o.Meta().Name == "" {
			bad = append(bad, fmt.Sprintf("objects: a %s has no name", o.Kind()))
		} else if seen[key] {
			bad = append(bad, fmt.Sprintf("objects: %s is defined twice", key))
		}
		seen[key] = true
	}
	for _, n := range c.Kubelets {
		if n.Name == "" {
			bad = append(bad, "nodes: a node has no name")
		}
	}
	has := func(k cluster.Kind, name string) bool { return seen[k.String()+"/"+name] }
	for i, sc := range c.Client.Scale {
		if sc.OwnedBy != "" {
			if sc.Kind != cluster.KindReplicaSet || !has(cluster.KindDeployment, sc.OwnedBy) {
				bad = append(bad, fmt.Sprintf("client.scale[%d]: no Deployment %q whose ReplicaSets to scale", i, sc.OwnedBy))
			}
		} else if !Scalable(sc.Kind) || !has(sc.Kind, sc.Name) {
			bad = append(bad, fmt.Sprintf("client.scale[%d]: no ReplicaSet, Deployment or StatefulSet %s/%s", i, sc.Kind, sc.Name))
		}
		if sc.Min < 0 || sc.Max < sc.Min {
			bad = append(bad, fmt.Sprintf("client.scale[%d]: %s/%s: want 0 <= min <= max, not %d..%d", i, sc.Kind, sc.Name, sc.Min, sc.Max))
		}
	}
	for i, im := range c.Client.Image {
		if !Scalable(im.Kind) || !has(im.Kind, im.Name) {
			bad = append(bad, fmt.Sprintf("client.image[%d]: no ReplicaSet, Deployment or StatefulSet %s/%s", i, im.Kind, im.Name))
		}
		if len(im.Images) < 2 {
			bad = append(bad, fmt.Sprintf("client.image[%d]: %s/%s: give at least two images to switch between", i, im.Kind, im.Name))
		}
	}
	for i, name := range c.Client.Pause {
		if !has(cluster.KindDeployment, name) {
			bad = append(bad, fmt.Sprintf("client.pause[%d]: no Deployment %q", i, name))
		}
	}
	for i, name := range c.Client.Suspend {
		if !has(cluster.KindJob, name) {
			bad = append(bad, fmt.Sprintf("client.suspend[%d]: no Job %q", i, name))
		}
	}
	for _, f := range c.Fair {
		if !slices.Contains(EnvironmentGroups, f) {
			bad = append(bad, fmt.Sprintf("fair: no environment action %q (there are: %s)", f, strings.Join(EnvironmentGroups, ", ")))
		}
	}
	return bad
}
