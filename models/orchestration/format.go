package orchestration

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/yaml"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// FormatAction renders action a, taken in state s, as a sentence a Kubernetes user reads:
// "replicaset-controller-2 read revision 4 (2 behind latest) and created pod web-7xk2".
func (m *Model) FormatAction(s State, a Action) string {
	_, ef, ok := m.next(s, a)
	if !ok {
		return "(disabled action)"
	}
	switch a.Kind {
	case Step:
		return fmt.Sprintf("%s %s and %s", m.ctrls[a.Ctrl].Name, formatReads(m.reads(a), s.Store.Latest().Number), describeIntent(ef))
	case Restart:
		return fmt.Sprintf("%s restarted: its session and cache are gone", m.ctrls[a.Ctrl].Name)
	case Crash:
		return fmt.Sprintf("node %s crashed: its containers stopped and its Node object was deleted", m.node(a.Ctrl))
	case Rejoin:
		return fmt.Sprintf("node %s came back: %s starts with an empty cache", m.node(a.Ctrl), m.ctrls[a.Ctrl].Name)
	case Exit:
		return ExitSentence(a.Name, m.node(a.Ctrl), controllers.Exit(a.Value))
	case Scale:
		return fmt.Sprintf("a user scaled %s %s to %d replicas", a.On, a.Name, a.Value)
	case Image:
		return fmt.Sprintf("a user set the image of %s %s to %s", a.On, a.Name, a.Image)
	case Pause:
		return fmt.Sprintf("a user %s Deployment %s", map[int64]string{0: "resumed", 1: "paused"}[a.Value], a.Name)
	case Suspend:
		return fmt.Sprintf("a user %s Job %s", map[int64]string{0: "resumed", 1: "suspended"}[a.Value], a.Name)
	case Expire:
		return fmt.Sprintf("the expectations of %s for %s expired (upstream's five-minute time-to-live): it no longer waits to observe its own creates and deletes", m.ctrls[a.Ctrl].Name, objectNameOf(s, cluster.UID(a.Value)))
	}
	return "(unknown action)"
}

func (m *Model) node(i int) string { return m.ctrls[i].Kubelet.Template.Name }

// ExitSentence says, as traces do, that the containers of pod on node exited, and how.
func ExitSentence(pod, node string, how controllers.Exit) string {
	word := "succeeded"
	if how == controllers.Failed {
		word = "failed"
	}
	return fmt.Sprintf("the containers of pod %s on node %s exited (%s)", pod, node, word)
}

// describeIntent says what a controller step did: its write and its outcome, or its change to
// the node's containers.
func describeIntent(ef effect) string {
	in := ef.intent
	var parts []string
	if in.Run != nil && in.Run.Exit == controllers.Running { // else a rejected pod's record
		parts = append(parts, "started the containers of pod "+in.Run.Pod)
	}
	if in.Stop != nil {
		parts = append(parts, "stopped the containers of pod "+in.Stop.Pod)
	}
	if w := in.Write; w != nil {
		parts = append(parts, describeWrite(*w, ef.outcome))
	}
	text := strings.Join(parts, ", then ")
	if in.Why != "" {
		text += " (" + in.Why + ")"
	}
	return text
}

func describeWrite(w datastore.Write, out datastore.Outcome) string {
	kind, name := w.Target()
	if out.Name != "" {
		name = out.Name
	}
	var did string
	switch w.Verb {
	case datastore.Create:
		did = fmt.Sprintf("created %s %s", strings.ToLower(kind.String()), name)
	case datastore.Bind:
		did = fmt.Sprintf("bound pod %s to node %s", name, w.Node)
	case datastore.Delete:
		did = fmt.Sprintf("deleted %s %s", strings.ToLower(kind.String()), name)
		if !w.Force {
			did = fmt.Sprintf("asked to delete %s %s", strings.ToLower(kind.String()), name)
		}
	case datastore.UpdateStatus, datastore.PatchStatus:
		did = fmt.Sprintf("updated the status of %s %s%s", strings.ToLower(kind.String()), name, statusSummary(w.Object))
	case datastore.Patch:
		did = fmt.Sprintf("patched %s %s (%s)", strings.ToLower(kind.String()), name, patchSummary(w.Patch))
	default:
		did = fmt.Sprintf("updated %s %s", strings.ToLower(kind.String()), name)
	}
	if !out.OK() {
		return fmt.Sprintf("tried to %s %s %s: %s", w.Verb, strings.ToLower(kind.String()), name, out)
	}
	return did
}

// patchSummary says what a metadata patch changes.
func patchSummary(p datastore.MetaPatch) string {
	var parts []string
	if p.AddOwner.UID != 0 {
		parts = append(parts, fmt.Sprintf("owner %s %s added", strings.ToLower(p.AddOwner.Kind.String()), p.AddOwner.Name))
	}
	if p.RemoveOwner != 0 {
		parts = append(parts, "owner removed")
	}
	if p.AddFinalizer != "" {
		parts = append(parts, "finalizer "+p.AddFinalizer+" added")
	}
	if p.RemoveFinalizer != "" {
		parts = append(parts, "finalizer "+p.RemoveFinalizer+" removed")
	}
	return strings.Join(parts, ", ")
}

func statusSummary(o cluster.Object) string {
	switch x := o.(type) {
	case *cluster.Pod:
		if x.Status.Reason != "" {
			return fmt.Sprintf(" to %s (%s)", x.Status.Phase, x.Status.Reason)
		}
		return fmt.Sprintf(" to %s", x.Status.Phase)
	case *cluster.ReplicaSet:
		return fmt.Sprintf(" to replicas=%d ready=%d", x.Status.Replicas, x.Status.ReadyReplicas)
	case *cluster.Deployment:
		return fmt.Sprintf(" to replicas=%d updated=%d available=%d", x.Status.Replicas, x.Status.UpdatedReplicas, x.Status.AvailableReplicas)
	case *cluster.StatefulSet:
		return fmt.Sprintf(" to replicas=%d ready=%d updated=%d", x.Status.Replicas, x.Status.ReadyReplicas, x.Status.UpdatedReplicas)
	case *cluster.Job:
		return fmt.Sprintf(" to active=%d succeeded=%d failed=%d", x.Status.Active, x.Status.Succeeded, x.Status.Failed)
	}
	return ""
}

// FormatState renders s as kubectl-style tables of the latest revision, then each controller's
// session and running containers.
func (m *Model) FormatState(s State) string {
	var b strings.Builder
	latest := s.Store.Latest()
	fmt.Fprintf(&b, "revision %d", latest.Number)
	if first := s.Store.History[0].Number; first != latest.Number {
		fmt.Fprintf(&b, " (history kept from %d)", first)
	}
	b.WriteString("\n")
	writeTables(&b, latest.Cluster)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROLLER\tREAD\tCONTAINERS")
	for i, c := range m.ctrls {
		l := s.Local[i]
		read := m.readOf(i, *l)
		if l.Down {
			read = "node down"
		}
		var cs []string
		for _, ct := range l.Containers {
			x := ct.Pod
			switch {
			case ct.Reported:
				x += " (exited, reported)"
			case ct.Exit != controllers.Running:
				x += " (exited)"
			}
			cs = append(cs, x)
		}
		for _, a := range l.Scheduler.Assumed {
			cs = append(cs, "assumed: "+podNameOf(s, a.UID)+" on "+a.Node)
		}
		for _, u := range l.Scheduler.Backoff {
			cs = append(cs, "back-off: "+podNameOf(s, u))
		}
		for _, x := range l.Expect {
			cs = append(cs, fmt.Sprintf("expects: its write of rev %d for %s", x.Rev, objectNameOf(s, x.Owner)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, read, strings.Join(cs, ", "))
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// writeTables writes kubectl-style tables of c's nodes, pods and ReplicaSets.
func writeTables(b *strings.Builder, c *cluster.Cluster) {
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	if nodes := c.Nodes(); len(nodes) > 0 {
		fmt.Fprintln(tw, "NODE\tREADY\tSCHEDULABLE")
		for _, n := range nodes {
			fmt.Fprintf(tw, "%s\t%v\t%v\n", n.Name, n.Status.Ready, !n.Spec.Unschedulable)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if pods := c.Pods(); len(pods) > 0 {
		fmt.Fprintln(tw, "POD\tNODE\tPHASE\tREADY\tOWNER\tUID")
		for _, p := range pods {
			node, owner, phase := p.Spec.NodeName, "-", string(p.Status.Phase)
			if node == "" {
				node = "-"
			}
			if ref, ok := p.ControllerRef(); ok {
				owner = shortKind[ref.Kind] + "/" + ref.Name
			}
			if phase == "" {
				phase = string(cluster.PodPending)
			}
			if p.Status.Reason != "" {
				phase += " (" + p.Status.Reason + ")"
			}
			if p.Terminating() {
				phase = "Terminating"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\t%d\n", p.Name, node, phase, p.Status.Ready, owner, p.UID)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if sets := c.ReplicaSets(); len(sets) > 0 {
		fmt.Fprintln(tw, "REPLICASET\tDESIRED\tCURRENT\tREADY\tGENERATION\tOBSERVED\tIMAGE")
		for _, rs := range sets {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", rs.Name, rs.Spec.Replicas, rs.Status.Replicas, rs.Status.ReadyReplicas,
				rs.Generation, rs.Status.ObservedGeneration, rs.Spec.Template.Spec.Image)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if ds := c.Deployments(); len(ds) > 0 {
		fmt.Fprintln(tw, "DEPLOYMENT\tREADY\tUP-TO-DATE\tAVAILABLE\tREVISION\tPAUSED\tPROGRESSING\tIMAGE")
		for _, d := range ds {
			rev, _ := d.Annotations.Get(controllers.RevisionAnnotation)
			fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%d\t%s\t%v\t%s\t%s\n", d.Name, d.Status.ReadyReplicas, d.Spec.Replicas, d.Status.UpdatedReplicas,
				d.Status.AvailableReplicas, dash(rev), d.Spec.Paused, dash(d.Status.Progressing), d.Spec.Template.Spec.Image)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if sets := c.StatefulSets(); len(sets) > 0 {
		fmt.Fprintln(tw, "STATEFULSET\tREADY\tCURRENT\tUPDATED\tCURRENT-REVISION\tUPDATE-REVISION\tIMAGE")
		for _, x := range sets {
			fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%d\t%s\t%s\t%s\n", x.Name, x.Status.ReadyReplicas, x.Spec.Replicas, x.Status.CurrentReplicas,
				x.Status.UpdatedReplicas, dash(x.Status.CurrentRevision), dash(x.Status.UpdateRevision), x.Spec.Template.Spec.Image)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if jobs := c.Jobs(); len(jobs) > 0 {
		fmt.Fprintln(tw, "JOB\tCOMPLETIONS\tACTIVE\tREADY\tFAILED\tUNCOUNTED\tSUSPENDED\tCONDITION")
		for _, j := range jobs {
			fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%d\t%d\t%d\t%v\t%s\n", j.Name, j.Status.Succeeded, j.Spec.Completions, j.Status.Active, j.Status.Ready,
				j.Status.Failed, len(j.Status.UncountedSucceeded)+len(j.Status.UncountedFailed), j.Spec.Suspend, dash(j.Status.Condition))
		}
		tw.Flush()
		b.WriteString("\n")
	}
}

// shortKind is kubectl's short name of the kinds that own pods.
var shortKind = map[cluster.Kind]string{ // only looked up
	cluster.KindReplicaSet: "rs", cluster.KindStatefulSet: "sts", cluster.KindJob: "job", cluster.KindDeployment: "deploy", cluster.KindNode: "node",
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// LabelState is a graph node's label, lines that tell most states apart: the latest revision
// (and the oldest kept, when older) with each pod's node and phase; what each kubelet runs, and
// the nodes down; where each controller's session stands, in controller order ("-" before its
// first read, "r" for a restart's re-list; per-kind caches joined by "/"); and the monitor's
// broken step properties, if any.
func (m *Model) LabelState(s State) string {
	latest := s.Store.Latest()
	head := fmt.Sprintf("r%d", latest.Number)
	if first := s.Store.History[0].Number; first != latest.Number {
		head += fmt.Sprintf(" (from r%d)", first)
	}
	var pods []string
	for _, p := range latest.Cluster.Pods() {
		pods = append(pods, fmt.Sprintf("%s@%s %s", p.Name, dash(p.Spec.NodeName), p.Status.Phase))
	}
	lines := []string{strings.Join(append([]string{head}, pods...), " · ")}
	var run, reads []string
	at := func(x datastore.Session) string {
		switch {
		case x == datastore.SessionReset:
			return "r"
		case x <= 0:
			return "-"
		}
		return strconv.FormatInt(int64(x), 10)
	}
	for i, c := range m.ctrls {
		l := s.Local[i]
		pos := []string{at(l.Session)}
		for _, x := range l.Caches[:len(m.watch[i])] {
			pos = append(pos, at(x))
		}
		reads = append(reads, strings.Join(pos, "/"))
		if c.Kind != KubeletKind {
			continue
		}
		node := c.Kubelet.Template.Name
		if l.Down {
			run = append(run, node+" down")
			continue
		}
		var names []string
		for _, ct := range l.Containers {
			if ct.Exit == controllers.Running {
				names = append(names, ct.Pod)
			}
		}
		if len(names) > 0 {
			run = append(run, node+" runs "+strings.Join(names, ","))
		}
	}
	if len(run) > 0 {
		lines = append(lines, strings.Join(run, " · "))
	}
	lines = append(lines, "reads "+strings.Join(reads, " "))
	if h := historyLine(s.Store); h != "" {
		lines = append(lines, h)
	}
	if s.Broken != 0 {
		lines = append(lines, fmt.Sprintf("broken %#x", uint16(s.Broken)))
	}
	return strings.Join(lines, "\n")
}

// historyLine says what each retained revision after the oldest wrote: "r3 +db-0 r4 ~db-0"
// (+ created, ~ changed, - deleted; names cut to 10 characters), so that states with the same
// present and different pasts have different labels.
func historyLine(st datastore.Store) string {
	var parts []string
	for i := 1; i < len(st.History); i++ {
		a, b := st.History[i-1].Cluster, st.History[i].Cluster
		ka, kb := a.Keys(), b.Keys()
		var ch []string
		short := func(n string) string {
			if len(n) > 10 {
				return n[:10]
			}
			return n
		}
		x, y := 0, 0
		for x < len(ka) || y < len(kb) {
			switch {
			case y == len(kb) || x < len(ka) && ka[x].Less(kb[y]):
				ch = append(ch, "-"+short(ka[x].Name))
				x++
			case x == len(ka) || kb[y].Less(ka[x]):
				ch = append(ch, "+"+short(kb[y].Name))
				y++
			default:
				if a.Objects()[x] != b.Objects()[y] {
					ch = append(ch, "~"+short(kb[y].Name))
				}
				x, y = x+1, y+1
			}
		}
		parts = append(parts, fmt.Sprintf("r%d %s", st.History[i].Number, strings.Join(ch, ",")))
	}
	return strings.Join(parts, " ")
}

// FormatObjects renders every object of the latest revision as YAML documents, in kind and
// name order (the per-object view of a state).
func (m *Model) FormatObjects(s State) string {
	var docs []string
	for _, o := range s.Store.Latest().Cluster.Objects() {
		y, err := yaml.Marshal(o)
		if err != nil {
			y = []byte(fmt.Sprintf("# %s %s: %v\n", o.Kind(), o.Meta().Name, err))
		}
		docs = append(docs, fmt.Sprintf("kind: %s\n%s", o.Kind(), y))
	}
	return strings.Join(docs, "---\n")
}

// podNameOf names the pod of UID u from the newest retained revision that has it.
func podNameOf(s State, u cluster.UID) string {
	for i := len(s.Store.History) - 1; i >= 0; i-- {
		for _, p := range s.Store.History[i].Cluster.Pods() {
			if p.UID == u {
				return p.Name
			}
		}
	}
	return fmt.Sprintf("uid %d", u)
}

// objectNameOf is the kind and name of the object with UID u in the latest revision that has
// it, for traces: "ReplicaSet web".
func objectNameOf(s State, u cluster.UID) string {
	for i := len(s.Store.History) - 1; i >= 0; i-- {
		for _, o := range s.Store.History[i].Cluster.Objects() {
			if o.Meta().UID == u {
				return o.Kind().String() + " " + o.Meta().Name
			}
		}
	}
	return fmt.Sprintf("uid %d", u)
}
