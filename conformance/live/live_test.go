// Package live tests themelios controller-manager, monitor and apply end to end: on a real
// kube-apiserver and etcd (package controlplane), the model's controllers with the model's
// scheduler and two simulated nodes run four built-in scenarios to their end state, which
// kubectl checks, while the monitor watches for the model's safety properties; then two
// controller managers run at once, without leader election and with it.
package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/themelios/themelios/conformance/controlplane"
	"github.com/themelios/themelios/kube/monitor"
	"github.com/themelios/themelios/models/orchestration"
)

// harness is a control plane, the themelios binary and kubectl.
type harness struct {
	t          *testing.T
	ctx        context.Context
	kubeconfig string
	themelios  string
	kubectl    string
	dir        string
}

func start(t *testing.T) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	bin, err := controlplane.APIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := controlplane.Start(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	h := &harness{t: t, ctx: ctx, dir: t.TempDir()}
	h.kubeconfig = filepath.Join(h.dir, "kubeconfig")
	if err := cp.Kubeconfig(h.kubeconfig, ""); err != nil {
		t.Fatal(err)
	}
	// The themelios binary: $THEMELIOS, or built from the main module (the repository's root).
	h.themelios = os.Getenv("THEMELIOS")
	if h.themelios == "" {
		h.themelios = filepath.Join(h.dir, "themelios")
		build := exec.CommandContext(ctx, "go", "build", "-o", h.themelios, "./cmd/themelios")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building themelios: %v\n%s", err, out)
		}
	}
	h.kubectl = os.Getenv("KUBECTL")
	if h.kubectl == "" {
		if h.kubectl, err = exec.LookPath("kubectl"); err != nil {
			t.Fatal("no kubectl: set $KUBECTL or put kubectl on the PATH (make live builds one)")
		}
	}
	return h
}

// proc is a started themelios command whose output is kept.
type proc struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// run starts themelios with args.
func (h *harness) run(name string, args ...string) *proc {
	h.t.Helper()
	p := &proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(h.themelios, append(args, "--kubeconfig", h.kubeconfig)...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t := h.t
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("%s:\n%s", p.name, p.output())
		}
	})
	return p
}

// stop interrupts p (Ctrl-C) and waits for it; it fails the test if p does not stop within
// 20 s. It returns p's exit status.
func (p *proc) stop(t *testing.T) int {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Errorf("%s did not stop within 20 s of an interrupt:\n%s", p.name, p.output())
	}
	return p.cmd.ProcessState.ExitCode()
}

// kubectl runs kubectl in namespace ns and returns its output, failing the test on an error.
func (h *harness) kubectlIn(ns string, args ...string) string {
	h.t.Helper()
	out, err := h.kubectlErr(ns, args...)
	if err != nil {
		h.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (h *harness) kubectlErr(ns string, args ...string) (string, error) {
	cmd := exec.CommandContext(h.ctx, h.kubectl, append([]string{"--kubeconfig", h.kubeconfig, "--namespace", ns}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// eventually polls until kubectl's output of args satisfies ok, for at most limit.
func (h *harness) eventually(ns string, limit time.Duration, what string, ok func(string) bool, args ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	var out string
	for {
		out, _ = h.kubectlErr(ns, args...)
		if ok(out) {
			return out
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: not within %v; kubectl %s says:\n%s", what, limit, strings.Join(args, " "), out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// phases are the pods of selector with their phase, node and image: "web-0 Running node-1 web:1".
func podLines(out string) []string {
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

const podColumns = `-o=jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName} {.spec.containers[0].image} {.metadata.deletionTimestamp}{"\n"}{end}`

// running counts the lines of pods that are Running, not terminating, with image (any if "").
func running(out, image string) int {
	n := 0
	for _, l := range podLines(out) {
		f := strings.Fields(l)
		if len(f) == 4 && f[1] == "Running" && (image == "" || f[3] == image) {
			n++
		}
	}
	return n
}

// summary reads the monitor's JSON summary, its last line.
func summary(t *testing.T, out string) monitor.Summary {
	t.Helper()
	lines := podLines(out)
	if len(lines) == 0 {
		t.Fatalf("the monitor printed nothing")
	}
	var s struct {
		Summary *monitor.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil || s.Summary == nil {
		t.Fatalf("the monitor's last line is not its summary (%v):\n%s", err, out)
	}
	return *s.Summary
}

// startMonitor starts a monitor (--json) on namespace ns and waits for its start line.
func (h *harness) startMonitor(ns, name string) *proc {
	h.t.Helper()
	mon := h.run(name, "monitor", "--namespace", ns, "--json")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.HasPrefix(mon.output(), `{"start":`) {
		if time.Now().After(deadline) {
			h.t.Fatalf("%s did not start within 30 s:\n%s", name, mon.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return mon
}

// kubectlStdin runs kubectl in namespace ns with stdin.
func (h *harness) kubectlStdin(ns, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(h.ctx, h.kubectl, append([]string{"--kubeconfig", h.kubeconfig, "--namespace", ns}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// scenarioRun starts a monitor and a controller manager on namespace ns, applies target, and
// returns them.
func (h *harness) scenarioRun(ns, target string, managers ...[]string) (mon *proc, cms []*proc) {
	h.t.Helper()
	h.kubectlIn("default", "create", "namespace", ns)
	mon = h.startMonitor(ns, "monitor")
	for i, extra := range managers {
		cms = append(cms, h.run(fmt.Sprintf("controller-manager %d", i+1), append([]string{"controller-manager", "--namespace", ns}, extra...)...))
	}
	out, err := exec.CommandContext(h.ctx, h.themelios, "apply", target, "--namespace", ns, "--kubeconfig", h.kubeconfig).CombinedOutput()
	if err != nil {
		h.t.Fatalf("themelios apply %s: %v\n%s", target, err, out)
	}
	h.t.Logf("themelios apply %s:\n%s", target, out)
	return mon, cms
}

// finish stops the controller managers and the monitor, logs their output, and returns the
// monitor's summary.
func (h *harness) finish(mon *proc, cms []*proc) monitor.Summary {
	h.t.Helper()
	for _, cm := range cms {
		if code := cm.stop(h.t); code != 0 {
			h.t.Errorf("%s exited with status %d", cm.name, code)
		}
		if !strings.Contains(cm.output(), "stopped") {
			h.t.Errorf("%s did not log its clean stop", cm.name)
		}
		h.t.Logf("%s:\n%s", cm.name, cm.output())
	}
	mon.stop(h.t)
	h.t.Logf("monitor:\n%s", mon.output())
	return summary(h.t, mon.output())
}

// finishClean is finish, for a run in which the monitor must observe the changes (at least
// least of them, none late) and no violation.
func (h *harness) finishClean(mon *proc, cms []*proc, least int) {
	h.t.Helper()
	if s := h.finish(mon, cms); len(s.Violations) != 0 || s.Changes < least || s.Late != 0 {
		h.t.Errorf("monitor: %d changes (%d late, at least %d wanted), violations %+v", s.Changes, s.Late, least, s.Violations)
	}
}

// refused returns the lines of a controller manager's log that report a write the API server
// refused with the HTTP status code: "... tried to update status of job once: 422 Invalid: ...".
// A bare "422" would also match a timestamp's milliseconds (17:46:44.422) or a revision.
func refused(log string, code int) []string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, " tried to ") && strings.Contains(l, fmt.Sprintf(": %d ", code)) {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestRefused(t *testing.T) {
	log := "17:46:44.422 job-controller read revision 422 and created pod once-x422k (0 of 1 pods active)\n" +
		"17:46:44.500 job-controller read revision 430 and tried to update status of job once: 422 Invalid: status.conditions: Invalid value\n" +
		"17:46:44.510 scheduler read revision 431 and tried to bind pod once-x422k: 409 Conflict: already assigned\n"
	if got := refused(log, 422); len(got) != 1 || !strings.Contains(got[0], "422 Invalid") {
		t.Errorf("refused(log, 422) = %q, want the one refused status update", got)
	}
	if got := refused(log, 409); len(got) != 1 || !strings.Contains(got[0], "bind pod") {
		t.Errorf("refused(log, 409) = %q, want the one refused binding", got)
	}
}

var managerFlags = []string{"--scheduler", "--nodes", "2", "--run-for", "1s"}

func TestScenarios(t *testing.T) {
	h := start(t)

	t.Run("replicaset/spec-replicas-change", func(t *testing.T) {
		h.t = t
		ns := "replicaset"
		mon, cms := h.scenarioRun(ns, "replicaset/spec-replicas-change", managerFlags)
		h.eventually(ns, time.Minute, "2 Running pods", func(s string) bool { return running(s, "") == 2 }, "get", "pods", "-l", "app=web", podColumns)
		h.kubectlIn(ns, "scale", "replicaset/web", "--replicas=3")
		out := h.eventually(ns, time.Minute, "3 Running pods after a scale to 3", func(s string) bool { return running(s, "") == 3 && len(podLines(s)) == 3 }, "get", "pods", "-l", "app=web", podColumns)
		t.Logf("pods:\n%s", out)
		h.eventually(ns, time.Minute, "the status says 3 ready", func(s string) bool { return s == "3 3" }, "get", "replicaset/web", "-o=jsonpath={.status.replicas} {.status.readyReplicas}")
		// A second monitor starts on the populated namespace; then someone else creates a pod
		// for the full ReplicaSet (as a second controller would): both monitors report it, and
		// the ReplicaSet controller deletes a pod.
		late := h.startMonitor(ns, "monitor 2")
		uid := h.kubectlIn(ns, "get", "replicaset/web", "-o=jsonpath={.metadata.uid}")
		extra := fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"extra","labels":{"app":"web"},`+
			`"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":%q,"controller":true}]},`+
			`"spec":{"containers":[{"name":"web","image":"web:1"}]}}`, uid)
		if out, err := h.kubectlStdin(ns, extra, "create", "-f", "-"); err != nil {
			t.Fatalf("kubectl create: %v\n%s", err, out)
		}
		h.eventually(ns, time.Minute, "3 Running pods again", func(s string) bool { return running(s, "") == 3 && len(podLines(s)) == 3 }, "get", "pods", "-l", "app=web", podColumns)
		if !strings.Contains(cms[0].output(), "replicaset-controller read revision") || !strings.Contains(cms[0].output(), "asked to delete pod") {
			t.Errorf("the ReplicaSet controller did not delete the extra pod")
		}
		late.stop(t)
		t.Logf("monitor 2:\n%s", late.output())
		for i, s := range []monitor.Summary{h.finish(mon, cms), summary(t, late.output())} {
			if len(s.Violations) != 1 || s.Violations[0].Property != orchestration.ReplicaSetCreates || s.Violations[0].Change != "create pod extra" || s.Late != 0 {
				t.Errorf("monitor %d: %d changes (%d late), violations %+v; want the extra pod's create, on time", i+1, s.Changes, s.Late, s.Violations)
			}
		}
	})

	t.Run("deployment/rolling-update", func(t *testing.T) {
		h.t = t
		ns := "deployment"
		mon, cms := h.scenarioRun(ns, "deployment/rolling-update", managerFlags)
		h.kubectlIn(ns, "rollout", "status", "deployment/web", "--timeout=60s")
		h.eventually(ns, time.Minute, "2 Running pods of web:1", func(s string) bool { return running(s, "web:1") == 2 }, "get", "pods", "-l", "app=web", podColumns)
		h.kubectlIn(ns, "set", "image", "deployment/web", "web=web:2")
		h.kubectlIn(ns, "rollout", "status", "deployment/web", "--timeout=60s")
		out := h.eventually(ns, time.Minute, "2 Running pods of web:2 and no other", func(s string) bool { return running(s, "web:2") == 2 && len(podLines(s)) == 2 },
			"get", "pods", "-l", "app=web", podColumns)
		t.Logf("pods:\n%s", out)
		sets := h.kubectlIn(ns, "get", "replicasets", `-o=jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas}{"\n"}{end}`)
		if got := podLines(sets); !slices.Equal(got, []string{"web:1=0", "web:2=2"}) && !slices.Equal(got, []string{"web:2=2", "web:1=0"}) {
			t.Errorf("ReplicaSets after the rollout: %q, want web:2 at 2 replicas and web:1 at 0", got)
		}
		h.finishClean(mon, cms, 10)
	})

	t.Run("statefulset/available", func(t *testing.T) {
		h.t = t
		ns := "statefulset"
		mon, cms := h.scenarioRun(ns, "statefulset/available", managerFlags)
		out := h.eventually(ns, time.Minute, "4 Running pods", func(s string) bool { return running(s, "") == 4 }, "get", "pods", "-l", "app=web", podColumns)
		t.Logf("pods:\n%s", out)
		h.eventually(ns, time.Minute, "the status says 4 ready", func(s string) bool { return s == "4 4" }, "get", "statefulset/web", "-o=jsonpath={.status.replicas} {.status.readyReplicas}")
		// Scaled down to 2, the highest ordinals go first, one at a time.
		h.kubectlIn(ns, "scale", "statefulset/web", "--replicas=2")
		out = h.eventually(ns, time.Minute, "web-0 and web-1 left", func(s string) bool {
			return running(s, "") == 2 && len(podLines(s)) == 2 && strings.HasPrefix(s, "web-0 ") && strings.Contains(s, "\nweb-1 ")
		}, "get", "pods", "-l", "app=web", podColumns)
		t.Logf("pods after the scale-down:\n%s", out)
		h.finishClean(mon, cms, 10)
		// The ordinals were created 0..3 in order, each once, and deleted 3, then 2.
		order := func(verb string) []string {
			var names []string
			for _, m := range regexp.MustCompile(`statefulset-controller read revision \d+ and `+verb+` pod (web-\d+)`).FindAllStringSubmatch(cms[0].output(), -1) {
				names = append(names, m[1])
			}
			return names
		}
		if got := order("created"); !slices.Equal(got, []string{"web-0", "web-1", "web-2", "web-3"}) {
			t.Errorf("pods created in the order %q, want web-0..web-3", got)
		}
		if got := order("asked to delete"); !slices.Equal(got, []string{"web-3", "web-2"}) {
			t.Errorf("pods deleted in the order %q, want web-3, web-2", got)
		}
	})

	// A Job whose pod fails (the simulated kubelet exits it as its annotation says), with no
	// retries: the Job controller marks it Failed, which the API server accepts only with the
	// FailureTarget condition first.
	t.Run("job/failed", func(t *testing.T) {
		h.t = t
		ns := "job-failed"
		manifest := filepath.Join(h.dir, "failing-job.yaml")
		os.WriteFile(manifest, []byte(`apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations: {themelios.dev/exit: Failed}
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: worker:1}]
`), 0o600)
		mon, cms := h.scenarioRun(ns, manifest, managerFlags)
		h.kubectlIn(ns, "wait", "--for=condition=failed", "job/once", "--timeout=60s")
		out := h.kubectlIn(ns, "get", "job/once", `-o=jsonpath=failed={.status.failed} succeeded={.status.succeeded} {range .status.conditions[*]}{.type}={.status} {end}`)
		if !strings.Contains(out, "failed=1 succeeded= ") || !strings.Contains(out, "FailureTarget=True") || !strings.Contains(out, "Failed=True") {
			t.Errorf("job status %q, want one failure and the FailureTarget and Failed conditions", out)
		}
		if bad := refused(cms[0].output(), 422); len(bad) != 0 {
			t.Errorf("the API server refused a write:\n%s", strings.Join(bad, "\n"))
		}
		// The Job's create, the pod's create, binding, Running and Failed, and the Job
		// controller's three status updates and its finalizer patch: 9 changes at least (11 when
		// the controller also records the pod active, then ready, before it fails).
		h.finishClean(mon, cms, 9)
	})

	t.Run("job/parallel", func(t *testing.T) {
		h.t = t
		ns := "job"
		mon, cms := h.scenarioRun(ns, "job/parallel", managerFlags)
		h.kubectlIn(ns, "wait", "--for=condition=complete", "job/batch", "--timeout=90s")
		// Zero counts are omitted by the API.
		out := h.kubectlIn(ns, "get", "job/batch", "-o=jsonpath=succeeded={.status.succeeded} failed={.status.failed} active={.status.active}")
		if strings.TrimSpace(out) != "succeeded=5 failed= active=" {
			t.Errorf("job status %q, want 5 succeeded and none failed or active", out)
		}
		pods := h.eventually(ns, time.Minute, "5 Succeeded pods without the tracking finalizer", func(s string) bool {
			n := 0
			for _, l := range podLines(s) {
				if f := strings.Fields(l); len(f) == 2 && f[1] == "Succeeded" {
					n++
				}
			}
			return n == 5 && len(podLines(s)) == 5
		}, "get", "pods", `-o=jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.metadata.finalizers}{"\n"}{end}`)
		t.Logf("pods:\n%s", pods)
		h.finishClean(mon, cms, 10)
	})
}

// Two controller managers on one namespace, a ReplicaSet scaled from 2 to 6: without leader
// election both act, and the monitor reports what it sees (the test asserts only that the
// ReplicaSet ends at its replicas); with it exactly one leads, and the monitor sees no
// violation.
func TestTwoManagers(t *testing.T) {
	h := start(t)
	for _, elect := range []bool{false, true} {
		name := "without-leader-election"
		extra := []string{}
		if elect {
			name, extra = "with-leader-election", []string{"--leader-elect"}
		}
		t.Run(name, func(t *testing.T) {
			h.t = t
			ns := name
			// One manager runs the nodes (a node has one kubelet); both run the controllers and
			// the scheduler.
			first := append(append([]string{"--name", "a"}, managerFlags...), extra...)
			second := append([]string{"--name", "b", "--scheduler"}, extra...)
			mon, cms := h.scenarioRun(ns, "replicaset/spec-replicas-change", first, second)
			// A scale-up by several pods gives both managers creates to race on.
			h.kubectlIn(ns, "scale", "replicaset/web", "--replicas=6")
			out := h.eventually(ns, 2*time.Minute, "6 Running pods and no other", func(s string) bool { return running(s, "") == 6 && len(podLines(s)) == 6 }, "get", "pods", "-l", "app=web", podColumns)
			t.Logf("pods:\n%s", out)
			s := h.finish(mon, cms)
			leaders := 0
			for _, cm := range cms {
				if strings.Contains(cm.output(), "became the leader") {
					leaders++
				}
			}
			creates := 0
			for _, cm := range cms {
				creates += len(regexp.MustCompile(`replicaset-controller read revision \d+ and created pod`).FindAllString(cm.output(), -1))
			}
			deletes := 0
			for _, cm := range cms {
				deletes += len(regexp.MustCompile(`replicaset-controller read revision \d+ and asked to delete pod`).FindAllString(cm.output(), -1))
			}
			t.Logf("%s: %d pods created and %d deleted in all, %d leaders; the monitor observed %d changes and %d violations", name, creates, deletes, leaders, s.Changes, len(s.Violations))
			for _, v := range s.Violations {
				b, _ := json.Marshal(v)
				t.Logf("  monitor: %s", b)
			}
			if elect {
				if leaders != 1 {
					t.Errorf("%d instances became the leader, want 1", leaders)
				}
				if len(s.Violations) != 0 {
					t.Errorf("with leader election the monitor saw %d violations", len(s.Violations))
				}
			}
		})
	}
}
