// Package scenario is the scenario format: an instance of the orchestration model written as
// data (YAML in the Kubernetes style, or JSON), validated with errors that name the field, and
// the built-in scenarios.
package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
)

// APIVersion and Kind head every scenario file.
const (
	APIVersion = "themelios.dev/v1alpha1"
	Kind       = "Scenario"
)

// Scenario is a parsed scenario: the initial cluster, and the defaults of its parameters.
type Scenario struct {
	Name        string
	Description string
	Settings    Settings
	NodeCPU     int64 // allocatable millicores of each node (0: no limit)
	NodePods    int64 // allocatable pods of each node (0: no limit)
	// MaxStates is the state bound a check uses when none is given (0: none), for a scenario
	// whose space is too large to explore under its default settings.
	MaxStates int64
	Objects   []cluster.Object
	Client    orchestration.Client
	// Nodes, if any (from manifests), are the nodes with kubelets, instead of node-1..node-N;
	// the nodes setting is then their number.
	Nodes []*cluster.Node
}

// Settings are the parameters a user may change (--set name=value).
type Settings struct {
	Consistency datastore.Level
	Staleness   int
	// Cache is whether a controller reads one revision for every kind, or each kind through a
	// cache of its own (per-kind informers).
	Cache         orchestration.CacheMode
	Controllers   int
	Nodes         int
	Restart       bool
	NodeCrash     bool
	ContainerExit bool
	// Expectations is how the ReplicaSet and Job controllers' expectations behave.
	Expectations orchestration.ExpectationsMode
	// PodGCLiveCheck: pod GC re-reads a vanished node from the API server before deleting its
	// pods (upstream's fix, on by default).
	PodGCLiveCheck bool
	// Scale is the client's scaling: "scenario" (the file's client.scale), "off", or "MIN..MAX"
	// for every ReplicaSet, Deployment and StatefulSet of the scenario.
	Scale string
	// Fair lists the environment's actions that are weakly fair (orchestration.EnvironmentGroups),
	// in that order; none by default.
	Fair []string
}

// DefaultSettings are the settings a scenario has unless its file or the command line says
// otherwise.
func DefaultSettings() Settings {
	return Settings{Controllers: 1, Nodes: 2, Staleness: 2, PodGCLiveCheck: true}
}

// Param is a setting: its name on the command line (--set name=value; in a scenario file, the
// camelCase field, FieldName), its help and allowed values for the catalog and the playground,
// and how it reads and writes Settings. One row of Params per setting: adding a setting is a
// field of Settings and a row.
type Param struct {
	Name    string
	Help    string
	Choices []string // for enumerations
	Min     int      // for integers
	Max     int
	get     func(*Settings) string
	set     func(*Settings, string) error // validates
}

// Params lists the settings of every scenario, in order.
var Params = []Param{
	{Name: "consistency", Help: "what a controller may read: synchronous, the latest revision only; the other levels, older ones too", Choices: levelNames(),
		get: func(s *Settings) string { return s.Consistency.String() },
		set: func(s *Settings, v string) (err error) { s.Consistency, err = datastore.ParseLevel(v); return err }},
	{Name: "staleness", Help: "how many revisions behind the latest a read may be (a number, or unbounded)",
		get: func(s *Settings) string {
			if s.Staleness == datastore.Unbounded {
				return "unbounded"
			}
			return strconv.Itoa(s.Staleness)
		},
		set: func(s *Settings, v string) (err error) { s.Staleness, err = datastore.ParseStaleness(v); return err }},
	{Name: "cache", Help: "how a controller reads: one revision for every kind (snapshot), or each kind it watches through an informer cache of its own, each as stale as the level allows on its own (informer: a fresh Job with stale pods)",
		Choices: orchestration.CacheModes(),
		get:     func(s *Settings) string { return s.Cache.String() },
		set:     func(s *Settings, v string) (err error) { s.Cache, err = orchestration.ParseCache(v); return err }},
	intParam("controllers", "replicas of each controller (scheduler, workload controllers, pod GC), without leader election", 1, 4,
		func(s *Settings) *int { return &s.Controllers }),
	intParam("nodes", "number of nodes, each with a kubelet", 1, 6, func(s *Settings) *int { return &s.Nodes }),
	boolParam("restart", "a controller may restart, losing its session and cache", func(s *Settings) *bool { return &s.Restart }),
	boolParam("node-crash", "a node may crash (its containers die, its Node object is deleted) and rejoin", func(s *Settings) *bool { return &s.NodeCrash }),
	boolParam("container-exit", "a container may exit: successfully unless its pod restarts it always, with a failure under restartPolicy Never",
		func(s *Settings) *bool { return &s.ContainerExit }),
	{Name: "expectations", Help: "whether the ReplicaSet and Job controllers wait to observe their own creates and deletes before making more (on, as upstream), may stop waiting at any moment (expiring: upstream's five-minute time-to-live), or never wait (off)",
		Choices: orchestration.ExpectationsModes(),
		get:     func(s *Settings) string { return s.Expectations.String() },
		set: func(s *Settings, v string) (err error) {
			s.Expectations, err = orchestration.ParseExpectations(v)
			return err
		}},
	boolParam("podgc-live-check", "pod GC confirms that a node is gone with a read of the latest revision before deleting its pods (upstream's fix since Kubernetes 1.17), or trusts its cache (false)",
		func(s *Settings) *bool { return &s.PodGCLiveCheck }),
	{Name: "scale", Help: "the user scales every ReplicaSet, Deployment and StatefulSet within MIN..MAX replicas, one at a time (MIN..MAX, off, or scenario: as the file says)",
		get: func(s *Settings) string {
			if s.Scale == "" {
				return "scenario"
			}
			return s.Scale
		},
		set: func(s *Settings, v string) error {
			if _, _, ok := scaleRange(v); !ok && v != "off" && v != "scenario" {
				return fmt.Errorf("scale must be MIN..MAX (0 <= MIN <= MAX <= 10), off or scenario, not %q", v)
			}
			s.Scale = v
			return nil
		}},
	{Name: "fair", Help: "environment actions that are weakly fair, like every controller: none, or a comma list of " + strings.Join(orchestration.EnvironmentGroups, ", ") + " (liveness only)",
		get: func(s *Settings) string {
			if len(s.Fair) == 0 {
				return "none"
			}
			return strings.Join(s.Fair, ",")
		},
		set: func(s *Settings, v string) (err error) { s.Fair, err = parseFair(v); return err }},
}

// boolParam is a true/false setting stored in the field f returns.
func boolParam(name, help string, f func(*Settings) *bool) Param {
	return Param{Name: name, Help: help, Choices: []string{"false", "true"},
		get: func(s *Settings) string { return strconv.FormatBool(*f(s)) },
		set: func(s *Settings, v string) error {
			switch v {
			case "true", "false":
				*f(s) = v == "true"
				return nil
			}
			return fmt.Errorf("%s must be true or false, not %q", name, v)
		}}
}

// intParam is an integer setting from lo to hi stored in the field f returns.
func intParam(name, help string, lo, hi int, f func(*Settings) *int) Param {
	return Param{Name: name, Help: help, Min: lo, Max: hi,
		get: func(s *Settings) string { return strconv.Itoa(*f(s)) },
		set: func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("%s must be an integer from %d to %d, not %q", name, lo, hi, v)
			}
			*f(s) = n
			return nil
		}}
}

func levelNames() []string {
	var n []string
	for _, l := range datastore.Levels() {
		n = append(n, l.String())
	}
	return n
}

// param is the setting of that name.
func param(name string) (Param, bool) {
	for _, p := range Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Get returns a setting's value as text ("" for no such setting).
func (s Settings) Get(name string) string {
	if p, ok := param(name); ok {
		return p.get(&s)
	}
	return ""
}

// Set changes a setting from text, validating it.
func (s *Settings) Set(name, value string) error {
	p, ok := param(name)
	if !ok {
		var names []string
		for _, p := range Params {
			names = append(names, p.Name)
		}
		return fmt.Errorf("no parameter %q (there are: %s)", name, strings.Join(names, ", "))
	}
	return p.set(s, value)
}

// Parse reads a scenario from YAML or JSON, reporting every problem with its field.
func Parse(data []byte) (*Scenario, error) {
	docs := documents(data)
	if len(docs) > 0 { // empty documents before it (a lone "---") are skipped
		data = fromLine(data, docs[0].Content[0].Line)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %v", err)
	}
	var v any
	if err := yaml.Unmarshal(js, &v); err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %v", err)
	}
	if len(docs) > 1 {
		return nil, fmt.Errorf("line %d: a scenario file holds one document (the Scenario); put objects under spec.objects", docs[1].Content[0].Line)
	}
	d := &decoder{}
	s := decodeScenario(node{d: d, v: v})
	if len(d.errs) > 0 {
		var doc yaml3.Node
		if yaml3.Unmarshal(data, &doc) == nil {
			d.errs = withLines(d.errs, lines(&doc), "")
			sort.SliceStable(d.errs, func(i, j int) bool { return lineOf(d.errs[i]) < lineOf(d.errs[j]) })
		}
		return nil, errors.New(strings.Join(d.errs, "\n"))
	}
	return s, nil
}

// documents returns data's YAML documents that are not empty, up to the first that does not
// parse (its error is reported by the reader of the first).
func documents(data []byte) []*yaml3.Node {
	var docs []*yaml3.Node
	dec := yaml3.NewDecoder(bytes.NewReader(data))
	for {
		n := new(yaml3.Node)
		if dec.Decode(n) != nil {
			return docs
		}
		if !emptyDocument(n) {
			docs = append(docs, n)
		}
	}
}

// fromLine blanks data's lines before line (1-based), so that a reader starts there and the
// lines keep their numbers.
func fromLine(data []byte, line int) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if line <= 1 || line > len(lines) {
		return data
	}
	return append(bytes.Repeat([]byte("\n"), line-1), bytes.Join(lines[line-1:], nil)...)
}

// emptyDocument reports whether a decoded YAML document holds nothing (a lone "---", or null).
func emptyDocument(n *yaml3.Node) bool {
	return len(n.Content) == 0 || n.Content[0].Kind == yaml3.ScalarNode && n.Content[0].Tag == "!!null"
}

func decodeScenario(n node) *Scenario {
	o := n.object()
	if v := o.field("apiVersion").str(""); v != APIVersion {
		o.d.fail("apiVersion", "want %s, not %q", APIVersion, v)
	}
	if k := o.field("kind").str(""); k != Kind {
		o.d.fail("kind", "want %s, not %q", Kind, k)
	}
	meta := o.field("metadata").object()
	s := &Scenario{Name: meta.field("name").str(""), Description: meta.field("description").str("")}
	if s.Name == "" {
		o.d.fail("metadata.name", "is required")
	}
	meta.done()
	spec := o.field("spec").object()
	s.Settings = DefaultSettings()
	for _, p := range Params {
		key := FieldName(p.Name)
		if !spec.has(key) {
			continue
		}
		f := spec.field(key)
		text := describe(f.v)
		switch x := f.v.(type) {
		case string:
			text = x
		case bool: // YAML 1.1 reads a bare on or off as a boolean
			switch {
			case slices.Contains(p.Choices, "true"):
			case p.Name == "fair" && !x:
				text = "none"
			default:
				text = map[bool]string{true: "on", false: "off"}[x]
			}
		case []any: // a list setting (fair), as its comma list
			var items []string
			for _, it := range x {
				items = append(items, fmt.Sprint(it))
			}
			text = strings.Join(items, ",")
		}
		if err := s.Settings.Set(p.Name, text); err != nil {
			o.d.fail(f.path, "%v", err)
		}
	}
	nodes := spec.field("node").object()
	s.NodeCPU = nodes.field("cpu").milliCPU()
	s.NodePods = nodes.field("pods").count()
	if s.MaxStates = spec.field("maxStates").integer(0); s.MaxStates < 0 {
		o.d.fail("spec.maxStates", "must be >= 0, not %d", s.MaxStates)
	}
	nodes.done()
	clientErrs := len(o.d.errs)
	client := spec.field("client").object()
	for _, sc := range client.field("scale").list() {
		so := sc.object()
		r := orchestration.ScaleRange{Kind: cluster.KindReplicaSet}
		if so.has("replicaSetsOf") { // the ReplicaSets a Deployment controls
			if r.OwnedBy = so.field("replicaSetsOf").str(""); r.OwnedBy == "" {
				so.d.fail(so.at("replicaSetsOf"), "name a Deployment")
			}
			for _, t := range targetKeys {
				if so.has(t.key) {
					so.field(t.key)
					so.d.fail(so.at(t.key), "name either replicaSetsOf or one of replicaSet, deployment and statefulSet, not both")
				}
			}
		} else {
			r.Kind, r.Name = target(so)
		}
		r.Min, r.Max = so.field("min").integer(0), so.field("max").integer(0)
		s.Client.Scale = append(s.Client.Scale, r)
		so.done()
	}
	for _, x := range client.field("image").list() {
		xo := x.object()
		k, name := target(xo)
		im := orchestration.ImageChoice{Kind: k, Name: name}
		for _, i := range xo.field("images").list() {
			im.Images = append(im.Images, i.str(""))
		}
		xo.done()
		s.Client.Image = append(s.Client.Image, im)
	}
	for _, x := range client.field("pause").list() {
		s.Client.Pause = append(s.Client.Pause, x.str(""))
	}
	for _, x := range client.field("suspend").list() {
		s.Client.Suspend = append(s.Client.Suspend, x.str(""))
	}
	s.Client.Anytime = client.field("anytime").boolean(false)
	client.done()
	clientWhole := len(o.d.errs) == clientErrs // every client entry decoded
	objects := spec.field("objects")
	_, isList := objects.v.([]any)
	whole := isList || objects.v == nil // every object decoded
	for _, obj := range objects.list() {
		if x := decodeObject(obj); x != nil {
			s.Objects = append(s.Objects, x)
		} else {
			whole = false
		}
	}
	spec.done()
	o.done()
	// The checks across fields, with the others (every problem at once), unless an object is
	// missing (they would report names it defines as undefined); those of the client's entries
	// only if every entry decoded (an entry without its target would name none).
	if whole {
		_, bad := s.config(s.Settings)
		for _, b := range bad {
			if strings.HasSuffix(b, "has no name") || !clientWhole && strings.HasPrefix(b, "client.") {
				continue // the object's metadata.name is reported as required; the entry's error is
			}
			if field, msg, ok := strings.Cut(b, ": "); ok && !strings.Contains(field, " ") {
				o.d.fail("spec."+field, "%s", msg)
			} else {
				o.d.fail("spec", "%s", b)
			}
		}
	}
	return s
}

// nodeCount is "1 node", "2 nodes".
func nodeCount(n int) string {
	if n == 1 {
		return "1 node"
	}
	return fmt.Sprintf("%d nodes", n)
}

// targetKeys name the workload a client entry is about.
var targetKeys = []struct {
	key  string
	kind cluster.Kind
}{{"replicaSet", cluster.KindReplicaSet}, {"deployment", cluster.KindDeployment}, {"statefulSet", cluster.KindStatefulSet}}

// target reads the one key of a client entry that names its workload.
func target(o object) (cluster.Kind, string) {
	var kind cluster.Kind
	var name string
	n := 0
	for _, t := range targetKeys {
		if o.has(t.key) {
			kind, name = t.kind, o.field(t.key).str("")
			n++
		}
	}
	if n != 1 {
		o.d.fail(o.at("replicaSet"), "name exactly one of replicaSet, deployment or statefulSet")
	}
	return kind, name
}

// parseFair reads the fair setting: none, or a comma list of environment actions, returned in
// orchestration.EnvironmentGroups' order.
func parseFair(v string) ([]string, error) {
	if v == "none" || v == "" {
		return nil, nil
	}
	want := map[string]bool{} // only looked up
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(orchestration.EnvironmentGroups, f) {
			return nil, fmt.Errorf("fair must be none or a comma list of %s, not %q", strings.Join(orchestration.EnvironmentGroups, ", "), v)
		}
		want[f] = true
	}
	var out []string
	for _, f := range orchestration.EnvironmentGroups {
		if want[f] {
			out = append(out, f)
		}
	}
	return out, nil
}

// scaleRange reads "MIN..MAX".
func scaleRange(v string) (lo, hi int64, ok bool) {
	a, b, found := strings.Cut(v, "..")
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if !found || err1 != nil || err2 != nil || x < 0 || y < x || y > 10 {
		return 0, 0, false
	}
	return x, y, true
}

// FieldName is a setting's field in a scenario file: node-crash → nodeCrash.
func FieldName(name string) string {
	parts := strings.Split(name, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// NodeName is the name of node i (from 1).
func NodeName(i int) string { return fmt.Sprintf("node-%d", i) }

// Config builds the model's configuration with the given settings: nodes node-1..node-N, each
// joined and with a kubelet, then the scenario's objects.
func (s *Scenario) Config(set Settings) (orchestration.Config, error) {
	cfg, bad := s.config(set)
	if len(bad) > 0 {
		return cfg, errors.New(strings.Join(bad, "; "))
	}
	return cfg, nil
}

// config is Config with its problems listed, each "field: what is wrong" (the field as spec
// names it).
func (s *Scenario) config(set Settings) (orchestration.Config, []string) {
	cfg := orchestration.Config{
		Replicas: set.Controllers, Level: set.Consistency, Staleness: set.Staleness, Cache: set.Cache, Client: s.Client,
		Faults: orchestration.Faults{Restart: set.Restart, NodeCrash: set.NodeCrash, ContainerExit: set.ContainerExit},
		Fair:   set.Fair, Expectations: set.Expectations, NoPodGCLiveCheck: !set.PodGCLiveCheck,
	}
	cfg.Client.Scale = append([]orchestration.ScaleRange(nil), s.Client.Scale...)
	if set.Scale == "off" {
		cfg.Client.Scale = nil
	} else if lo, hi, ok := scaleRange(set.Scale); ok {
		cfg.Client.Scale = nil
		for _, o := range s.Objects {
			if orchestration.Scalable(o.Kind()) {
				cfg.Client.Scale = append(cfg.Client.Scale, orchestration.ScaleRange{Kind: o.Kind(), Name: o.Meta().Name, Min: lo, Max: hi})
			}
		}
	}
	names := map[string]bool{} // only looked up
	nodes := s.Nodes
	if len(nodes) == 0 {
		for i := 1; i <= set.Nodes; i++ {
			nodes = append(nodes, &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: NodeName(i)},
				Status: cluster.NodeStatus{Ready: true, AllocatableCPU: s.NodeCPU, AllocatablePods: s.NodePods}})
		}
	}
	var bad []string
	if len(s.Nodes) > 0 && set.Nodes != len(s.Nodes) {
		bad = append(bad, fmt.Sprintf("nodes: the manifests define %s, not %d", nodeCount(len(s.Nodes)), set.Nodes))
	}
	for _, n := range nodes {
		cfg.Kubelets = append(cfg.Kubelets, n)
		cfg.Objects = append(cfg.Objects, n.DeepCopy())
		names[n.Name] = true
	}
	for _, o := range s.Objects {
		if p, ok := o.(*cluster.Pod); ok && p.Spec.NodeName != "" && !names[p.Spec.NodeName] {
			bad = append(bad, fmt.Sprintf("pod %s is bound to %s, but there %s", p.Name, p.Spec.NodeName,
				map[bool]string{true: "is 1 node", false: "are " + nodeCount(set.Nodes)}[set.Nodes == 1]))
		}
		cfg.Objects = append(cfg.Objects, o.DeepCopy())
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return cfg, bad
	}
	return cfg, cfg.Problems()
}
