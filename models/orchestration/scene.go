package orchestration

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// Scene is a state as data for a picture of the cluster (checker.SceneDescriber; the
// playground draws it): the nodes with the pods bound to each in the latest revision and the
// containers each kubelet runs, the pods bound to no node, the workloads with their desired and
// ready counts, and each controller with what it read. It says nothing of how to draw it.
type Scene struct {
	Revision    int64             `json:"revision"`
	Nodes       []SceneNode       `json:"nodes"`
	Unbound     []ScenePod        `json:"unbound,omitempty"`
	Workloads   []SceneWorkload   `json:"workloads,omitempty"`
	Controllers []SceneController `json:"controllers"`
}

// SceneNode is a node: its kubelet's, whether its Node object is in the latest revision and
// Ready, whether it crashed (down), and its pods by name.
type SceneNode struct {
	Name  string     `json:"name"`
	Ready bool       `json:"ready"`
	Down  bool       `json:"down,omitempty"`
	Pods  []ScenePod `json:"pods,omitempty"`
}

// ScenePod is a pod on a node (or bound to none): as the latest revision has it (Phase empty
// when the store no longer has a pod of that name and UID), whether it is bound to this node
// there, whether this node's kubelet runs its containers, and whether its identity (its name)
// runs on more than one node (the property OneNodePerPod broken).
type ScenePod struct {
	Name        string `json:"name"`
	UID         int64  `json:"uid,omitempty"`
	Phase       string `json:"phase,omitempty"`
	Ready       bool   `json:"ready,omitempty"`
	Terminating bool   `json:"terminating,omitempty"`
	Bound       bool   `json:"bound,omitempty"`
	Running     bool   `json:"running,omitempty"`
	Twice       bool   `json:"twice,omitempty"`
}

// SceneWorkload is a ReplicaSet, Deployment, StatefulSet (desired: spec.replicas) or Job
// (desired: the active pods it wants, JobWants), with its ready count from its status.
type SceneWorkload struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Desired int64  `json:"desired"`
	Ready   int64  `json:"ready"`
}

// SceneController is a controller with what it read ("rev 4", "pods rev 4, jobs rev 6",
// "restarted", "-" before its first read) and whether its node is down.
type SceneController struct {
	Name string `json:"name"`
	Read string `json:"read"`
	Down bool   `json:"down,omitempty"`
}

// Scene describes s for a picture (checker.SceneDescriber).
func (m *Model) Scene(s State) any {
	return m.scene(s, s.Store.Latest().Cluster, s.Store.Latest().Number, true)
}

// StepRead is what a controller step read (checker.ReadDescriber): the controller, the latest
// revision when it stepped, each cache's read (one for every kind under CacheSnapshot), and the
// cluster as it saw it (Saw: the view, without what the controllers hold locally).
type StepRead struct {
	Controller string     `json:"controller"`
	Latest     int64      `json:"latest"`
	Reads      []KindRead `json:"reads"`
	Saw        Scene      `json:"saw"`
}

// KindRead is the revision a step read objects of a kind at ("*" under CacheSnapshot: every
// kind).
type KindRead struct {
	Kind string `json:"kind"`
	Rev  int64  `json:"rev"`
}

// DescribeRead says what step a read in s (checker.ReadDescriber); nil for an action that is
// not a controller step, or is not enabled.
func (m *Model) DescribeRead(s State, a Action) any {
	if a.Kind != Step || a.Ctrl < 0 || a.Ctrl >= len(m.ctrls) {
		return nil
	}
	v := m.view(a.Ctrl, s.Store, a.Read, a.Caches)
	if v == nil {
		return nil
	}
	r := StepRead{Controller: m.ctrls[a.Ctrl].Name, Latest: s.Store.Latest().Number, Saw: m.scene(s, v, a.Read, false)}
	if len(m.watch[a.Ctrl]) == 0 {
		r.Reads = []KindRead{{Kind: "*", Rev: a.Read}}
	} else {
		rd := m.reads(a)
		for j, k := range rd.Kind {
			r.Reads = append(r.Reads, KindRead{Kind: k.Resource(), Rev: rd.Rev[j]})
		}
	}
	return r
}

// scene describes cluster c (of revision rev) with s's controllers: with local, also what
// the kubelets run and what each controller read.
func (m *Model) scene(s State, c *cluster.Cluster, rev int64, local bool) Scene {
	sc := Scene{Revision: rev}
	running := map[string]int{} // pod name → how many kubelets run its containers; only looked up
	for _, l := range s.Local {
		if !local {
			break
		}
		for _, ct := range l.Containers {
			if ct.Exit == controllers.Running {
				running[ct.Pod]++
			}
		}
	}
	pod := func(p *cluster.Pod) ScenePod {
		return ScenePod{Name: p.Name, UID: int64(p.UID), Phase: string(p.Status.Phase), Ready: p.Status.Ready, Terminating: p.Terminating()}
	}
	placed := map[string]bool{} // pods bound to a node the scene draws; only looked up
	for i, ctl := range m.ctrls {
		if ctl.Kind != KubeletKind {
			continue
		}
		name := ctl.Kubelet.Template.Name
		l := s.Local[i]
		if !local {
			l = &Local{}
		}
		n := SceneNode{Name: name, Down: l.Down}
		if o := c.Node(name); o != nil {
			n.Ready = o.Status.Ready
		}
		for _, p := range c.Pods() {
			if p.Spec.NodeName == name {
				x := pod(p)
				x.Bound, placed[p.Name] = true, true
				n.Pods = append(n.Pods, x)
			}
		}
		for _, ct := range l.Containers {
			if ct.Exit != controllers.Running {
				continue
			}
			k := -1
			for j, x := range n.Pods {
				if x.Name == ct.Pod && x.UID == int64(ct.UID) {
					k = j
				}
			}
			if k < 0 { // containers of a pod bound elsewhere now, or gone from the store
				x := ScenePod{Name: ct.Pod, UID: int64(ct.UID)}
				if p := c.Pod(ct.Pod); p != nil && p.UID == ct.UID {
					x = pod(p)
				}
				n.Pods, k = append(n.Pods, x), len(n.Pods)
			}
			n.Pods[k].Running = true
			n.Pods[k].Twice = running[ct.Pod] > 1
		}
		sc.Nodes = append(sc.Nodes, n)
	}
	for _, p := range c.Pods() {
		if !placed[p.Name] {
			sc.Unbound = append(sc.Unbound, pod(p))
		}
	}
	for _, o := range c.Objects() {
		w := SceneWorkload{Kind: o.Kind().String(), Name: o.Meta().Name}
		switch x := o.(type) {
		case *cluster.ReplicaSet:
			w.Desired, w.Ready = x.Spec.Replicas, x.Status.ReadyReplicas
		case *cluster.Deployment:
			w.Desired, w.Ready = x.Spec.Replicas, x.Status.ReadyReplicas
		case *cluster.StatefulSet:
			w.Desired, w.Ready = x.Spec.Replicas, x.Status.ReadyReplicas
		case *cluster.Job:
			w.Desired, w.Ready = controllers.JobWants(x), x.Status.Ready
		default:
			continue
		}
		sc.Workloads = append(sc.Workloads, w)
	}
	for i, ctl := range m.ctrls {
		if !local {
			break
		}
		l := s.Local[i]
		sc.Controllers = append(sc.Controllers, SceneController{Name: ctl.Name, Read: m.readOf(i, *l), Down: l.Down})
	}
	return sc
}
