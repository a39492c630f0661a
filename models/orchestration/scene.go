package orchestration

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/scene"
)

// The picture's types are package scene's (the playground decodes them without the model).
type (
	Scene           = scene.Scene
	SceneNode       = scene.Node
	ScenePod        = scene.Pod
	SceneWorkload   = scene.Workload
	SceneController = scene.Controller
	StepRead        = scene.StepRead
	KindRead        = scene.KindRead
)

// Scene describes s for a picture (checker.SceneDescriber).
func (m *Model) Scene(s State) any {
	return m.scene(s, s.Store.Latest().Cluster, s.Store.Latest().Number, true)
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
