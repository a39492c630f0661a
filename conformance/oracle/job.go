package oracle

import (
	"context"
	"fmt"
	_ "unsafe" // for go:linkname

	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/job"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// syncJob is upstream's Controller.syncJob (v1.34.3, pkg/controller/job/job_controller.go),
// unexported; upstream's own tests call it directly.
//
//go:linkname syncJob k8s.io/kubernetes/pkg/controller/job.(*Controller).syncJob
func syncJob(jm *job.Controller, ctx context.Context, key string) error

// Job compares the sync of Job name on view v: upstream's syncJob with no expectations (a
// fresh controller), against controllers.JobController on the view without the other Jobs.
// Upstream's phases (RunsOf): claims, pod creates, pod deletes and finalizer removals (one
// phase: concurrent), the status.
func Job(v *cluster.Cluster, name string) (Outcome, error) {
	_, ok := v.Get(cluster.KindJob, name).(*cluster.Job)
	if !ok {
		return Outcome{}, fmt.Errorf("no Job %s in the view", name)
	}
	var model *Write
	if mw := modelWrite(v, cluster.KindJob, name, controllers.JobController{}.Reconcile); mw != nil {
		w := FromModel(mw)
		model = &w
	}
	f := newFakeCluster(v)
	ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), klog.Background()))
	defer cancel() // stops the controller's event broadcaster
	jm, err := job.NewController(ctx, f.factory.Core().V1().Pods(), f.factory.Batch().V1().Jobs(), f.client)
	if err != nil {
		return Outcome{}, err
	}
	if err := f.fill(v); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	defer shutDown(jm)
	// An error ends the sync after the writes it tried, which are compared as any.
	err = syncJob(jm, ctx, convert.Namespace+"/"+name)
	ws := f.writes()
	// deleteJobPods and removeTrackingFinalizerFromPods patch and delete pods from concurrent
	// goroutines: their writes come in any order, and make one phase.
	podWrites := func(a, b string) bool {
		return (a == "patch pods" || a == "delete pods") && (b == "patch pods" || b == "delete pods")
	}
	o := syncError(Compare(model, RunsOf(ws, podWrites), viewDetail(v, nil)), err, len(ws))
	if o.Deviation == "patch pods: another object" || o.Deviation == "delete pods: another object" {
		if tied(v, model.Name, o.Upstream[0], jobRank) {
			o.Agree, o.Tie, o.Deviation = true, true, ""
		}
	}
	return o, nil
}

// jobRank ranks a pod by upstream's controller.ActivePods (v1.34.3), the order in which
// manageJob deletes excess pods: assigned or not, phase, readiness, creation time. Upstream
// sorts with sort.Sort, so pods of equal rank go in the order of the informer's list.
func jobRank(p *cluster.Pod) any {
	return [4]any{p.Spec.NodeName == "", p.Status.Phase, p.Status.Ready, p.CreationRevision}
}
