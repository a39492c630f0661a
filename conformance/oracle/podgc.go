package oracle

import (
	"context"
	_ "unsafe" // for go:linkname

	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/podgc"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// gc is upstream's PodGCController.gc (v1.34.3, pkg/controller/podgc/gc_controller.go).
//
//go:linkname gc k8s.io/kubernetes/pkg/controller/podgc.(*PodGCController).gc
func gc(gcc *podgc.PodGCController, ctx context.Context)

// PodGC compares one pass of the pod garbage collector on view v: upstream's gc with no
// quarantine (the model has no clock; its live read of the node is the fake clientset's
// view) and no threshold on terminated pods, against controllers.PodGC. Upstream marks each
// pod Failed (a status patch) before it deletes it, which the model leaves out: those patches
// are left out of upstream's writes here and counted apart (Outcome.LeftOut). The model
// deletes one pod per step, the first by name; upstream every pod it collects, orphans first:
// the model's delete is compared with the set of upstream's deletes.
func PodGC(v *cluster.Cluster) (Outcome, error) {
	var model *Write
	if ins := (controllers.PodGC{}).Reconcile(v); len(ins) > 0 && ins[0].Write != nil {
		w := FromModel(ins[0].Write)
		model = &w
	}
	f := newFakeCluster(v)
	ctx := klog.NewContext(context.Background(), klog.Background())
	gcc := podgc.NewPodGCInternal(ctx, f.client, f.factory.Core().V1().Pods(), f.factory.Core().V1().Nodes(), 0, 0, 0)
	if err := f.fill(v); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	defer shutDown(gcc)
	gc(gcc, ctx)
	var deletes Phase
	left := 0
	for _, w := range f.writes() {
		if w.Kind() == "patch/status pods" {
			left++
			continue
		}
		deletes = append(deletes, w)
	}
	o := Compare(model, []Phase{sorted(deletes)}, nil)
	o.LeftOut = left
	return o, nil
}
