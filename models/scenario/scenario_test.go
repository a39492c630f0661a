package scenario

import (
	"strings"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/orchestration"
)

func TestBuiltinsParse(t *testing.T) {
	b := Builtins()
	var names []string
	for _, s := range b {
		names = append(names, s.Name)
		if _, err := s.Config(s.Settings); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
	if got := strings.Join(names, " "); got != "bugs/deployment-stale-annotation bugs/job-duplicate-pod bugs/kubelet-restart-reruns-terminated bugs/podgc-stale-node-cache bugs/rs-expectations-expire bugs/scheduler-restart-overcommit bugs/sts-ordered-stale-ready deployment/new deployment/paused deployment/rolling-update job/non-parallel job/parallel "+
		"node/restart pod/restart-loop replicaset/node-loss replicaset/overlapping replicaset/spec-replicas-change replicaset/stale-churn "+
		"statefulset/available statefulset/spec-replicas-change statefulset/stale-reads" {
		t.Fatalf("built-ins: %s", got)
	}
}

func TestParseReportsEveryBadField(t *testing.T) {
	doc := `
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata:
  name: bad
spec:
  consistency: sometimes
  controllers: 9
  nodes: 2
  colour: blue
  client:
    scale:
    - replicaSet: nope
      min: 3
      max: 1
  objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: a
    spec:
      restartPolicy: Sometimes
      containers:
      - name: a
        resources:
          requests:
            cpu: lots
  - apiVersion: v1
    kind: Deamonset
    metadata:
      name: b
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata:
      name: web
    spec:
      replicas: -1
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: api
        spec:
          containers:
          - name: web
            image: web:1
`
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`spec.consistency: unknown consistency level "sometimes"`,
		`spec.controllers: controllers must be an integer from 1 to 4`,
		`spec.colour: unknown or unsupported field`,
		`spec.objects[0].spec.restartPolicy: want Always, OnFailure or Never`,
		`spec.objects[0].spec.containers[0].image: is required`,
		`spec.objects[0].spec.containers[0].resources.requests.cpu: want a CPU quantity`,
		`spec.objects[1].kind: unsupported kind "Deamonset"`,
		`spec.objects[2].spec.replicas: must be >= 0`,
		`spec.objects[2].spec.template.metadata.labels: must match the selector`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	// Once the fields are right, the cross-field checks run.
	_, err = Parse([]byte(strings.NewReplacer("sometimes", "optimistic", "controllers: 9", "controllers: 2", "  colour: blue\n", "",
		"Sometimes", "Never", "cpu: lots", "cpu: 500m", "      - name: a\n", "      - name: a\n        image: a:1\n", "Deamonset", "PersistentVolumeClaim", "replicas: -1", "replicas: 1",
		"app: api", "app: web").Replace(doc)))
	if err == nil || !strings.Contains(err.Error(), `line 12: spec.client.scale[0]: no ReplicaSet, Deployment or StatefulSet ReplicaSet/nope`) {
		t.Fatalf("cross-field error: %v", err)
	}
}

func TestParseJSONAndSettings(t *testing.T) {
	doc := `{"apiVersion": "themelios.dev/v1alpha1", "kind": "Scenario", "metadata": {"name": "j"},
	  "spec": {"staleness": "unbounded", "nodeCrash": true, "nodes": 3, "node": {"cpu": "2", "pods": 4},
	    "objects": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	      "spec": {"nodeName": "node-3", "containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": 0.5}}}]}}]}}`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Settings.Staleness != -1 || !s.Settings.NodeCrash || s.Settings.Nodes != 3 || s.NodeCPU != 2000 || s.NodePods != 4 {
		t.Fatalf("settings %+v, node %d %d", s.Settings, s.NodeCPU, s.NodePods)
	}
	cfg, err := s.Config(s.Settings)
	if err != nil || len(cfg.Kubelets) != 3 || len(cfg.Objects) != 4 {
		t.Fatalf("config: %v, %d kubelets, %d objects", err, len(cfg.Kubelets), len(cfg.Objects))
	}
	set := s.Settings
	set.Nodes = 2
	if _, err := s.Config(set); err == nil || !strings.Contains(err.Error(), "pod p is bound to node-3, but there are 2 nodes") {
		t.Fatalf("fewer nodes: %v", err)
	}
	for _, p := range Params {
		var x Settings
		if err := x.Set(p.Name, s.Settings.Get(p.Name)); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	if err := set.Set("colour", "red"); err == nil {
		t.Error("unknown setting accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range Builtins() {
		f.Add(b.Source)
	}
	f.Add([]byte(`{"apiVersion": 3}`))
	f.Add([]byte("spec:\n  objects: [1, [2], {kind: Pod}]\n"))
	f.Add([]byte("\t\x00:"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		checkParsed(t, s, err)
	})
}

// checkParsed fails if a parse error is empty, or if what parsed has an invalid configuration.
func checkParsed(t *testing.T, s *Scenario, err error) {
	if err != nil {
		if err.Error() == "" {
			t.Fatal("an empty error")
		}
		return
	}
	if _, err := s.Config(s.Settings); err != nil {
		t.Fatalf("parsed, but its configuration is invalid: %v", err)
	}
}

func TestScaleSetting(t *testing.T) {
	var s *Scenario
	for _, b := range Builtins() {
		if b.Name == "replicaset/overlapping" {
			s = b.Scenario
		}
	}
	set := s.Settings
	if set.Get("scale") != "scenario" {
		t.Fatalf("default scale %q", set.Get("scale"))
	}
	cfg, _ := s.Config(set)
	if len(cfg.Client.Scale) != 0 {
		t.Fatal("overlapping scales by default")
	}
	if err := set.Set("scale", "1..3"); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(set)
	if err != nil || len(cfg.Client.Scale) != 2 || cfg.Client.Scale[1].Name != "two" || cfg.Client.Scale[1].Max != 3 {
		t.Fatalf("scale 1..3: %v %+v", err, cfg.Client.Scale)
	}
	for _, bad := range []string{"3..1", "1-3", "0..11", "x"} {
		if err := set.Set("scale", bad); err == nil {
			t.Errorf("scale=%s accepted", bad)
		}
	}
	set.Set("scale", "off")
	for _, b := range Builtins() {
		if b.Name == "replicaset/spec-replicas-change" {
			cfg, _ := b.Config(set)
			if len(cfg.Client.Scale) != 0 {
				t.Fatal("scale=off kept the file's scaling")
			}
		}
	}
}

// Deployments, StatefulSets and Jobs are read with their defaults, and every bad field of
// theirs is reported with its path.
func TestWorkloadManifests(t *testing.T) {
	doc := `
apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata: {name: w}
spec:
  client:
    scale: [{deployment: web, min: 1, max: 3}]
    image: [{statefulSet: db, images: [db:1, db:2]}]
    pause: [web]
    suspend: [pi]
  objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 10%}}
      template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web:1}]}}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      replicas: 3
      podManagementPolicy: Parallel
      ordinals: {start: 2}
      updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}
      selector: {matchLabels: {app: db}}
      template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db:1}]}}
      volumeClaimTemplates: [{metadata: {name: data}}]
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: pi}
    spec:
      completions: 3
      completionMode: Indexed
      template: {spec: {restartPolicy: Never, containers: [{name: pi, image: perl}]}}
`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	d, ss, j := s.Objects[0].(*cluster.Deployment), s.Objects[1].(*cluster.StatefulSet), s.Objects[2].(*cluster.Job)
	if d.Spec.Replicas != 1 || d.Spec.Strategy != "RollingUpdate" || d.Spec.MaxSurge != "1" || d.Spec.MaxUnavailable != "10%" || d.Spec.RevisionHistoryLimit != 10 {
		t.Errorf("deployment: %+v", d.Spec)
	}
	if ss.Spec.PodManagementPolicy != "Parallel" || ss.Spec.StartOrdinal != 2 || ss.Spec.Partition != 1 || len(ss.Spec.VolumeClaimTemplates) != 1 {
		t.Errorf("statefulset: %+v", ss.Spec)
	}
	if j.Spec.Parallelism != 1 || j.Spec.Completions != 3 || j.Spec.BackoffLimit != 6 || j.Spec.CompletionMode != "Indexed" ||
		!j.Spec.Selector.Matches(j.Spec.Template.Labels) {
		t.Errorf("job: %+v", j.Spec)
	}
	if c := s.Client; len(c.Scale) != 1 || c.Scale[0].Kind != cluster.KindDeployment || len(c.Image) != 1 || c.Image[0].Kind != cluster.KindStatefulSet ||
		len(c.Pause) != 1 || len(c.Suspend) != 1 {
		t.Errorf("client: %+v", c)
	}
	bad := strings.NewReplacer("maxSurge: 1,", "maxSurge: lots,", "podManagementPolicy: Parallel", "podManagementPolicy: Random",
		"restartPolicy: Never", "restartPolicy: Always", "{deployment: web, min", "{deployment: web, replicaSet: x, min",
		"completionMode: Indexed", "completionMode: Sorted").Replace(doc)
	_, err = Parse([]byte(bad))
	for _, want := range []string{
		`spec.objects[0].spec.strategy.rollingUpdate.maxSurge: want a number or a percentage, not "lots"`,
		`spec.objects[1].spec.podManagementPolicy: want OrderedReady or Parallel, not "Random"`,
		`spec.objects[2].spec.template.spec.restartPolicy: a Job's pods restart Never or OnFailure, not Always (a pod's default)`,
		`spec.objects[2].spec.completionMode: want NonIndexed or Indexed, not "Sorted"`,
		`name exactly one of replicaSet, deployment or statefulSet`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// Every error names its line: the field's own, or its nearest ancestor's when it is missing.
func TestErrorsNameTheirLine(t *testing.T) {
	doc := `apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata:
  name: lines
spec:
  nodes: 9
  objects:
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: -2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web}]
`
	_, err := Parse([]byte(doc))
	for _, want := range []string{
		"line 6: spec.nodes: nodes must be an integer from 1 to 6",
		"line 12: spec.objects[0].spec.replicas: must be >= 0",
		"line 17: spec.objects[0].spec.template.spec.containers[0].image: is required",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// Node manifests are the scenario's nodes, each with a kubelet.
func TestManifestNodes(t *testing.T) {
	doc := `apiVersion: v1
kind: Node
metadata: {name: a}
status: {allocatable: {cpu: "2"}}
---
apiVersion: v1
kind: Node
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {nodeName: b, containers: [{name: c, image: "c:1"}]}
`
	s, warns, err := ParseManifests([]byte(doc), "m.yaml")
	if err != nil || len(warns) != 0 || len(s.Nodes) != 2 || s.Settings.Nodes != 2 {
		t.Fatalf("%v %v %+v", err, warns, s)
	}
	cfg, err := s.Config(s.Settings)
	if err != nil || len(cfg.Kubelets) != 2 || cfg.Kubelets[0].Name != "a" || cfg.Kubelets[0].Status.AllocatableCPU != 2000 {
		t.Fatalf("config: %v %+v", err, cfg.Kubelets)
	}
	set := s.Settings
	set.Nodes = 3
	if _, err := s.Config(set); err == nil || !strings.Contains(err.Error(), "the manifests define 2 nodes, not 3") {
		t.Fatalf("nodes=3: %v", err)
	}
	if _, _, err := ParseManifests([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"), "m.yaml"); err == nil {
		t.Fatal("manifests without a modelled object accepted")
	}
}

func FuzzParseManifests(f *testing.F) {
	for _, b := range Builtins() {
		f.Add(b.Source)
	}
	f.Add([]byte("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i, ports: [1]}]}}}\n"))
	f.Add([]byte("---\n---\nkind: Service\n---\n[1, 2]\n---\n&a x: *a\n"))
	f.Add([]byte("\t\x00:"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := ParseManifests(data, "fuzz.yaml")
		checkParsed(t, s, err)
	})
}

// The expectations setting: on by default; a bare on or off in YAML (a boolean to YAML 1.1)
// reads as the mode; a bad value names the field.
func TestExpectationsSetting(t *testing.T) {
	doc := func(v string) string {
		return "apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nspec:\n" + v + "  objects: []\n"
	}
	for v, want := range map[string]orchestration.ExpectationsMode{
		"": orchestration.ExpectationsOn, "  expectations: on\n": orchestration.ExpectationsOn, "  expectations: off\n": orchestration.ExpectationsOff,
		"  expectations: \"off\"\n": orchestration.ExpectationsOff, "  expectations: expiring\n": orchestration.ExpectationsExpiring,
		"  scale: off\n  fair: off\n": orchestration.ExpectationsOn,
	} {
		s, err := Parse([]byte(doc(v)))
		if err != nil || s.Settings.Expectations != want {
			t.Errorf("%q: %v, %v; want %v", v, err, s, want)
			continue
		}
		if cfg, err := s.Config(s.Settings); err != nil || cfg.Expectations != want {
			t.Errorf("%q: config %v, %v", v, cfg.Expectations, err)
		}
		if strings.Contains(v, "scale") && (s.Settings.Get("scale") != "off" || s.Settings.Get("fair") != "none") {
			t.Errorf("%q: scale %s, fair %s", v, s.Settings.Get("scale"), s.Settings.Get("fair"))
		}
	}
	if _, err := Parse([]byte(doc("  expectations: sometimes\n"))); err == nil || !strings.Contains(err.Error(), `line 5: spec.expectations: expectations must be on, expiring or off, not "sometimes"`) {
		t.Errorf("bad value: %v", err)
	}
	var set Settings
	if err := set.Set("expectations", "expiring"); err != nil || set.Get("expectations") != "expiring" {
		t.Errorf("--set expectations=expiring: %v, %q", err, set.Get("expectations"))
	}
	if err := set.Set("expectations", "true"); err == nil {
		t.Error("--set expectations=true accepted")
	}
}

// client.scale's replicaSetsOf names a Deployment whose ReplicaSets the client scales.
func TestScaleReplicaSetsOf(t *testing.T) {
	doc := func(entry string) string {
		return "apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nspec:\n  client:\n    scale: [" + entry + "]\n" +
			"  objects:\n  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: 'web:1'}]}}}}\n"
	}
	s, err := Parse([]byte(doc("{replicaSetsOf: web, min: 0, max: 2}")))
	if err != nil || len(s.Client.Scale) != 1 || s.Client.Scale[0] != (orchestration.ScaleRange{Kind: cluster.KindReplicaSet, OwnedBy: "web", Min: 0, Max: 2}) {
		t.Fatalf("%v %+v", err, s)
	}
	for entry, want := range map[string]string{
		"{replicaSetsOf: db, min: 0, max: 2}":                   `spec.client.scale[0]: no Deployment "db" whose ReplicaSets to scale`,
		"{replicaSetsOf: '', min: 0, max: 2}":                   "replicaSetsOf: name a Deployment",
		"{replicaSetsOf: web, replicaSet: web, min: 0, max: 2}": "name either replicaSetsOf or one of replicaSet, deployment and statefulSet, not both",
	} {
		if _, err := Parse([]byte(doc(entry))); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", entry, err, want)
		}
	}
}

// A scenario file is one document: a second one (another scenario, or an object meant for
// spec.objects) is an error naming its line, not silently dropped.
func TestScenarioIsOneDocument(t *testing.T) {
	one := "apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: one}\nspec:\n  objects:\n  - {apiVersion: v1, kind: Node, metadata: {name: a}}\n"
	if _, err := Parse([]byte(one + "---\n")); err != nil {
		t.Fatalf("an empty second document: %v", err)
	}
	if s, err := Parse([]byte("# a comment\n---\n---\n" + one)); err != nil || s.Name != "one" {
		t.Fatalf("after an empty first document: %v", err)
	}
	// Its lines keep their numbers.
	if _, err := Parse([]byte("---\n---\n" + strings.Replace(one, "spec:\n", "spec:\n  colour: red\n", 1))); err == nil ||
		err.Error() != "line 7: spec.colour: unknown or unsupported field" {
		t.Fatalf("an error after an empty first document: %v", err)
	}
	for _, second := range []string{
		"apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: two}\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
	} {
		_, err := Parse([]byte(one + "---\n" + second))
		if err == nil || !strings.Contains(err.Error(), "line 8: a scenario file holds one document (the Scenario); put objects under spec.objects") {
			t.Errorf("second document %.30q: %v", second, err)
		}
	}
}

// Kubernetes writes a Node's allocatable pods as a quantity string ("110", kubectl get -o yaml);
// integers and integer strings are both read, anything else is an error.
func TestAllocatablePodsQuantity(t *testing.T) {
	for _, c := range []struct {
		pods string
		want int64
		err  string
	}{
		{`110`, 110, ""}, {`"110"`, 110, ""}, {`"1k"`, 1000, ""},
		{`"lots"`, 0, `want a count such as 110, not "lots"`}, {`"-1"`, 0, `want a count such as 110, not "-1"`}, {`1.5`, 0, "want a count such as 110, not 1.5"},
	} {
		doc := "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nstatus: {allocatable: {pods: " + c.pods + "}}\n"
		s, _, err := ParseManifests([]byte(doc), "m.yaml")
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("pods: %s: %v, want %q", c.pods, err, c.err)
		case c.err == "" && (err != nil || s.Nodes[0].Status.AllocatablePods != c.want):
			t.Errorf("pods: %s: %v %+v", c.pods, err, s)
		}
	}
}

// kubectl get -o yaml prints a List: its items are the manifests, with their own lines.
func TestManifestList(t *testing.T) {
	doc := `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- apiVersion: v1
  kind: Node
  metadata: {name: a}
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    nodeName: a
    containers: [{name: c, image: "c:1"}]
    restartPolicy: Sometimes
`
	_, _, err := ParseManifests([]byte(doc), "m.yaml")
	if err == nil || err.Error() != `line 14: Pod/p.spec.restartPolicy: want Always, OnFailure or Never, not "Sometimes"` {
		t.Fatalf("%v", err)
	}
	s, warns, err := ParseManifests([]byte(strings.Replace(doc, "Sometimes", "Always", 1)), "m.yaml")
	if err != nil || len(warns) != 0 || len(s.Nodes) != 1 || len(s.Objects) != 1 || s.Objects[0].Meta().Name != "p" {
		t.Fatalf("%v %v %+v", err, warns, s)
	}
}

// The checks across fields run with the others once every object decodes, each problem on the
// line of its entry.
func TestEveryProblemAtOnce(t *testing.T) {
	doc := `apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata: {name: x}
spec:
  client:
    scale:
    - deployment: nope
      min: 3
      max: 1
    image:
    - deployment: web
      images: []
    pause: [ghost]
    suspend: [web]
  objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: api}}
        spec: {containers: [{name: w, image: "w:1"}]}
`
	_, err := Parse([]byte(doc))
	want := `line 7: spec.client.scale[0]: no ReplicaSet, Deployment or StatefulSet Deployment/nope
line 7: spec.client.scale[0]: Deployment/nope: want 0 <= min <= max, not 3..1
line 11: spec.client.image[0]: Deployment/web: give at least two images to switch between
line 13: spec.client.pause[0]: no Deployment "ghost"
line 14: spec.client.suspend[0]: no Job "web"
line 23: spec.objects[0].spec.template.metadata.labels: must match the selector`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
}

// An unknown field near a known one names it; a Job's bad restartPolicy is reported once.
func TestMisspelledFields(t *testing.T) {
	doc := `apiVersion: themelios.dev/v1alpha1
kind: Scenario
metadata: {name: x}
spec:
  node-crash: true
  stalness: 2
  colour: blue
  objects:
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: pi}
    spec:
      template:
        spec:
          restartPolicy: Sometimes
          containers: [{name: pi, image: "perl:5"}]
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: pj}
    spec:
      template:
        spec:
          containers: [{name: pi, image: "perl:5"}]
`
	_, err := Parse([]byte(doc))
	want := `line 5: spec.node-crash: unknown or unsupported field (did you mean nodeCrash?)
line 6: spec.stalness: unknown or unsupported field (did you mean staleness?)
line 7: spec.colour: unknown or unsupported field
line 15: spec.objects[0].spec.template.spec.restartPolicy: want Always, OnFailure or Never, not "Sometimes"
line 22: spec.objects[1].spec.template.spec.restartPolicy: a Job's pods restart Never or OnFailure, not Always (a pod's default)`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
}

// What the API server rejects is an error: a name that is not an RFC 1123 subdomain, a rolling
// update that may neither surge nor make a pod unavailable, a Recreate strategy with rolling
// update parameters.
func TestAPIServerValidation(t *testing.T) {
	deployment := func(name, strategy string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  selector: {matchLabels: {app: web}}\n" +
			"  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: w, image: 'w:1'}]}}\n  strategy: " + strategy + "\n"
	}
	for _, c := range []struct{ doc, want string }{
		{deployment(`"Pi_Bad!"`, "{}"), `line 3: Deployment/Pi_Bad!.metadata.name: "Pi_Bad!" is not a lowercase RFC 1123 subdomain`},
		{deployment("web", "{rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}"), "line 7: Deployment/web.spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when maxSurge is 0"},
		{deployment("web", "{type: Recreate, rollingUpdate: {maxSurge: 1}}"), "line 7: Deployment/web.spec.strategy.rollingUpdate: may not be given when the strategy type is Recreate"},
		{deployment("web.v1-a", "{rollingUpdate: {maxSurge: 0}}"), ""},
	} {
		_, _, err := ParseManifests([]byte(c.doc), "m.yaml")
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.doc, err, c.want)
		}
	}
}

// The checks across fields stay quiet about what a field error already reports: a client entry
// without its target, objects that are not a list.
func TestNoCrossFieldEchoes(t *testing.T) {
	head := "apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nspec:\n"
	web := "  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: w, image: 'w:1'}]}}}}\n"
	for doc, want := range map[string]string{
		head + "  client:\n    image: [{deploymnt: web, images: [a, b]}]\n  objects:\n" + web: "line 6: spec.client.image[0].replicaSet: name exactly one of replicaSet, deployment or statefulSet\n" +
			"line 6: spec.client.image[0].deploymnt: unknown or unsupported field (did you mean deployment?)",
		head + "  client:\n    pause: [web]\n  objects: {web: 1}\n": "line 7: spec.objects: want a list, not a mapping",
	} {
		if _, err := Parse([]byte(doc)); err == nil || err.Error() != want {
			t.Errorf("got\n%v\nwant\n%s", err, want)
		}
	}
	// A Scenario after an empty document is still a scenario file.
	if data := []byte("---\n" + head + "  objects:\n" + web); !IsScenario(data) {
		t.Error("a Scenario after a leading empty document read as manifests")
	}
}
