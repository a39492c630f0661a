package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/themelios/themelios/kube/apply"
	"github.com/themelios/themelios/kube/manager"
	"github.com/themelios/themelios/kube/monitor"
)

// The live commands: the model's controllers on a real cluster, a monitor of its properties,
// and a scenario's objects put on it.

// connection reads the kubeconfig (path, or $KUBECONFIG and ~/.kube/config when empty) and
// returns the client configuration and the namespace: ns if set, else the context's, else
// "default".
func connection(path, ns string) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = path
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %v", err)
	}
	if ns == "" {
		if ns, _, err = cc.Namespace(); err != nil || ns == "" {
			ns = "default"
		}
	}
	cfg.QPS, cfg.Burst = 50, 100
	// Informers retry an unreachable server for ever: ask it its version first, briefly.
	probe := rest.CopyConfig(cfg)
	probe.Timeout = 10 * time.Second
	dc, err := discovery.NewDiscoveryClientForConfig(probe)
	if err == nil {
		_, err = dc.ServerVersion()
	}
	if err != nil {
		return nil, "", fmt.Errorf("cannot reach the API server at %s: %v", cfg.Host, err)
	}
	return cfg, ns, nil
}

// liveFlags are the flags every live command has.
func liveFlags(fs *flag.FlagSet) (kubeconfig, namespace *string) {
	return fs.String("kubeconfig", "", "the kubeconfig `file` ($KUBECONFIG or ~/.kube/config if empty)"),
		fs.String("namespace", "", "the `namespace` of the workloads (the kubeconfig context's, or default)")
}

func parseLive(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			printFlags(stdout, fs)
			return exitOK, false
		}
		return fail(stderr, "%s: %v", fs.Name(), err), false
	}
	return 0, true
}

const controllerManagerUsage = `Usage: themelios controller-manager [flags]

Runs the model's controllers, the very reconcile functions the checker explores, on a real
cluster through client-go informers, until interrupted (Ctrl-C stops it cleanly). Each write is
logged as the checker's traces word it:

  replicaset-controller read revision 812 and created pod web-x7k2p (1 of 3 replicas exist)

With --nodes N it also runs N simulated kubelets (hollow nodes): they register Nodes
node-1..node-N, start the pods bound to them (Running and Ready), delete terminating pods, and
let the containers of pods that do not restart Always exit after --run-for (successfully, or as
the pod's themelios.dev/exit annotation says: Failed). With --scheduler it binds pending pods
too. So a bare API server behaves as a small cluster.

Controllers: ` + "%s" + `.

Exit status: 0 stopped by Ctrl-C or SIGTERM, 1 the lease was lost or the informers could not
sync, 2 bad usage, a bad kubeconfig or an API server that cannot be reached.

Flags:
`

func controllerManager(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("controller-manager", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kubeconfig, namespace := liveFlags(fs)
	ctrls := fs.String("controllers", strings.Join(manager.Names(), ","), "the controllers to run, comma-separated (\"\" for none)")
	sched := fs.Bool("scheduler", false, "run the model's scheduler too")
	nodes := fs.Int("nodes", 0, "simulated kubelets to run (nodes node-1..node-N)")
	nodeCPU := fs.Int64("node-cpu", 0, "each simulated node's allocatable CPU, in `millicores` (0: no limit)")
	nodePods := fs.Int64("node-pods", 0, "each simulated node's allocatable pods (0: no limit)")
	runFor := fs.Duration("run-for", 2*time.Second, "how long the containers of a pod that does not restart Always run on a simulated node")
	resync := fs.Duration("resync", 30*time.Second, "how often every controller syncs without events")
	elect := fs.Bool("leader-elect", false, "run only while holding the lease (client-go leader election), as kube-controller-manager does")
	leaseNS := fs.String("leader-elect-namespace", "kube-system", "the `namespace` of the lease")
	name := fs.String("name", "", "this instance's name, prefixed to its log lines and its lease identity")
	if code, ok := parseLive(fs, args, fmt.Sprintf(controllerManagerUsage, strings.Join(manager.Names(), ", ")), stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "controller-manager takes no arguments, got %q", fs.Args())
	}
	cfg := manager.Config{Namespace: "default", Scheduler: *sched, Nodes: *nodes, NodeCPU: *nodeCPU, NodePods: *nodePods,
		RunFor: *runFor, Resync: *resync, Log: stdout, Name: *name, Controllers: []string{}}
	for c := range strings.SplitSeq(*ctrls, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cfg.Controllers = append(cfg.Controllers, c)
		}
	}
	if err := cfg.Validate(); err != nil {
		return fail(stderr, "controller-manager: %v", err)
	}
	rc, ns, err := connection(*kubeconfig, *namespace)
	if err != nil {
		return fail(stderr, "controller-manager: %v", err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fail(stderr, "controller-manager: %v", err)
	}
	cfg.Namespace = ns
	if *elect {
		identity := *name
		if identity != "" {
			host, _ := os.Hostname()
			identity = fmt.Sprintf("%s_%s_%d", identity, host, os.Getpid())
		}
		// The simulated kubelets are nodes, not part of the controller manager: they run
		// whether or not this instance leads.
		nodes := cfg
		nodes.Controllers, nodes.Scheduler, nodes.Name = []string{}, false, strings.TrimPrefix(*name+" nodes", " ")
		cfg.Nodes = 0
		errs := make(chan error, 1)
		nodesCtx, stopNodes := context.WithCancel(ctx)
		if nodes.Nodes > 0 {
			go func() { errs <- manager.Run(nodesCtx, cs, nodes) }()
		} else {
			errs <- nil
		}
		err = manager.RunLeaderElected(ctx, cs, cfg, manager.Lease{Namespace: *leaseNS, Identity: identity})
		stopNodes()
		if nerr := <-errs; err == nil {
			err = nerr
		}
	} else {
		err = manager.Run(ctx, cs, cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "themelios: controller-manager: %v\n", err)
		return exitViolation
	}
	return exitOK
}

const monitorUsage = `Usage: themelios monitor [flags]

Watches a live cluster and judges every change it observes against the model's safety
properties that the API shows (runtime verification): a pod identity created before its
predecessors are Running and Ready, a pod created for a ReplicaSet or Job that already has
what it wants, a Job that counts a pod still carrying its tracking finalizer, ... Each
violation is printed with the change and the objects involved, with the resourceVersions
seen; on Ctrl-C a summary. Changes are put in revision order after a settling delay.

Exit status: 0 stopped with no violation, 1 some violation was observed, 2 bad usage, a bad
kubeconfig, an API server that cannot be reached, or informers that could not sync.

Flags:
`

func monitorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kubeconfig, namespace := liveFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per line: the start (revision, objects, properties), each violation, and the summary last")
	settle := fs.Duration("settle", time.Second, "how long a change waits for changes of other kinds with earlier revisions")
	if code, ok := parseLive(fs, args, monitorUsage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "monitor takes no arguments, got %q", fs.Args())
	}
	if *settle < time.Millisecond {
		return fail(stderr, "monitor: --settle must be at least 1ms")
	}
	rc, ns, err := connection(*kubeconfig, *namespace)
	if err != nil {
		return fail(stderr, "monitor: %v", err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fail(stderr, "monitor: %v", err)
	}
	sum, err := monitor.Run(ctx, cs, monitor.Config{Namespace: ns, Settle: *settle, JSON: *asJSON, Out: stdout})
	if err != nil {
		fmt.Fprintf(stderr, "themelios: monitor: %v\n", err)
		return exitUsage
	}
	if len(sum.Violations) > 0 {
		return exitViolation
	}
	return exitOK
}

const applyUsage = `Usage: themelios apply SCENARIO|FILE [flags]

Creates (or updates) on a real cluster the objects of a built-in scenario (see themelios list)
or of a file: a scenario's spec.objects, or Kubernetes manifests. Objects are applied
server-side, as "kubectl apply --server-side" does, with the field manager "themelios". Nodes
are not created by a scenario: run "themelios controller-manager --nodes N" for them.

Exit status: 0 applied, 1 the API server refused an object, 2 bad usage, a bad file or
kubeconfig, or an API server that cannot be reached.

Flags:
`

func applyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kubeconfig, namespace := liveFlags(fs)
	// The target may come before the flags.
	var target string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		target, args = args[0], args[1:]
	}
	if code, ok := parseLive(fs, args, applyUsage, stdout, stderr); !ok {
		return code
	}
	if target == "" && fs.NArg() == 1 {
		target = fs.Arg(0)
	} else if fs.NArg() > 0 || target == "" {
		return fail(stderr, "apply takes one SCENARIO or FILE")
	}
	data, err := apply.Source(target, os.ReadFile)
	if err != nil {
		return fail(stderr, "apply: %v", err)
	}
	objs, err := apply.Objects(data)
	if err != nil {
		return fail(stderr, "apply: %s: %v", target, err)
	}
	rc, ns, err := connection(*kubeconfig, *namespace)
	if err != nil {
		return fail(stderr, "apply: %v", err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return fail(stderr, "apply: %v", err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return fail(stderr, "apply: %v", err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	lines, err := apply.Apply(ctx, dyn, mapper, ns, objs)
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if err != nil {
		fmt.Fprintf(stderr, "themelios: apply: %v\n", err)
		return exitViolation
	}
	return exitOK
}
