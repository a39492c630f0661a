package oracle

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/nodeunschedulable"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/tainttoleration"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// filters are upstream's filter plugins for what the model's scheduler checks (v1.34.3, the
// default profile): NodeUnschedulable, TaintToleration and NodeResourcesFit (CPU and the pod
// count).
type filters struct {
	plugins []framework.FilterPlugin
	fit     *noderesources.Fit
}

func newFilters() (*filters, error) {
	ctx := context.Background()
	var fts feature.Features
	f := &filters{}
	for _, mk := range []func() (framework.Plugin, error){
		func() (framework.Plugin, error) { return nodeunschedulable.New(ctx, nil, nil, fts) },
		func() (framework.Plugin, error) { return tainttoleration.New(ctx, nil, nil, fts) },
		func() (framework.Plugin, error) {
			return noderesources.NewFit(ctx, &config.NodeResourcesFitArgs{ScoringStrategy: &config.ScoringStrategy{
				Type: config.LeastAllocated, Resources: []config.ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}}}, nil, fts)
		},
	} {
		p, err := mk()
		if err != nil {
			return nil, err
		}
		f.plugins = append(f.plugins, p.(framework.FilterPlugin))
		if fit, ok := p.(*noderesources.Fit); ok {
			f.fit = fit
		}
	}
	return f, nil
}

var schedulerFilters *filters

// upstreamFeasible runs the filters on pod p and node n of view v: the node's pods are those
// bound to it and not in a terminal phase (what the scheduler's cache holds). A node that is
// not Ready carries the node.kubernetes.io/not-ready NoSchedule taint, as the node lifecycle
// controller puts it (TaintNodesByCondition); the scheduler filters on the taint.
func upstreamFeasible(v *cluster.Cluster, p *cluster.Pod, n *cluster.Node) (bool, string, error) {
	if schedulerFilters == nil {
		f, err := newFilters()
		if err != nil {
			return false, "", err
		}
		schedulerFilters = f
	}
	node := convert.Node(n)
	if !n.Status.Ready {
		node.Spec.Taints = append(node.Spec.Taints, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule})
	}
	info := framework.NewNodeInfo()
	info.SetNode(node)
	for _, q := range v.Pods() {
		if q.Spec.NodeName == n.Name && !q.Finished() {
			info.AddPod(convert.Pod(q))
		}
	}
	pod := convert.Pod(p)
	ctx := context.Background()
	state := framework.NewCycleState()
	if _, st := schedulerFilters.fit.PreFilter(ctx, state, pod, nil); !st.IsSuccess() {
		return false, "", fmt.Errorf("NodeResourcesFit PreFilter: %v", st.AsError())
	}
	for _, pl := range schedulerFilters.plugins {
		if st := pl.Filter(ctx, state, pod, info); !st.IsSuccess() {
			return false, pl.Name(), nil
		}
	}
	return true, "", nil
}

// Scheduler compares, for each pending pod of view v (not bound, not terminating or finished)
// and each node, the model's filters (controllers.Feasible) with upstream's filter plugins:
// one outcome per pair, a write of "feasible" or nothing. Claims: the model also requires the
// pod's PersistentVolumeClaims to exist (VolumeBinding's PreFilter rejects a pod whose claim
// is missing, which is not run here); the comparison runs on the pods whose claims exist and
// leaves the others out.
func Scheduler(v *cluster.Cluster) ([]Outcome, error) {
	var out []Outcome
	for _, p := range v.Pods() {
		if p.Spec.NodeName != "" || !p.Active() || !claimsExist(v, p) {
			continue
		}
		for _, n := range v.Nodes() {
			up, plugin, err := upstreamFeasible(v, p, n)
			if err != nil {
				return nil, err
			}
			model := controllers.Feasible(v, p, n)
			o := Outcome{Agree: up == model}
			if !o.Agree {
				if model {
					o.Deviation = "model: feasible; upstream: filtered by " + plugin
				} else {
					o.Deviation = "model: filtered; upstream: feasible"
					if n.Terminating() {
						o.Deviation += " (a terminating node)"
					}
				}
			}
			if model {
				o.Model = &Write{Verb: "bind", Resource: "pods", Name: p.Name, Detail: "node=" + n.Name}
			}
			if up {
				o.Upstream = []Phase{{{Verb: "bind", Resource: "pods", Name: p.Name, Detail: "node=" + n.Name}}}
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func claimsExist(v *cluster.Cluster, p *cluster.Pod) bool {
	for _, c := range p.Spec.Claims {
		if v.Get(cluster.KindPersistentVolumeClaim, c) == nil {
			return false
		}
	}
	return true
}
