package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	_ "unsafe" // for go:linkname

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller"
	"k8s.io/kubernetes/pkg/controller/deployment"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// syncDeployment is upstream's DeploymentController.syncDeployment (v1.34.3,
// pkg/controller/deployment/deployment_controller.go).
//
//go:linkname syncDeployment k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController).syncDeployment
func syncDeployment(dc *deployment.DeploymentController, ctx context.Context, key string) error

// templateHashes maps the model's pod-template hashes to upstream's: the model hashes its own
// template (controllers.TemplateHash), upstream the PodTemplateSpec (controller.ComputeHash),
// both with the Deployment's collision count. ReplicaSet and pod names carry the hash, and so
// do the pod-template-hash labels: they are a translation, not a deviation.
func templateHashes(v *cluster.Cluster) *strings.Replacer {
	var pairs []string
	seen := map[string]bool{}
	add := func(t cluster.PodTemplate, collisions int64) {
		model := controllers.TemplateHash(t, collisions)
		if seen[model] {
			return
		}
		seen[model] = true
		var cc *int32
		if collisions > 0 {
			c := int32(collisions)
			cc = &c
		}
		ut := convert.Template(t)
		pairs = append(pairs, model, controller.ComputeHash(&ut, cc))
	}
	deps := map[cluster.UID]*cluster.Deployment{}
	for _, d := range v.Deployments() {
		deps[d.UID] = d
		add(d.Spec.Template, d.Status.CollisionCount)
	}
	for _, rs := range v.ReplicaSets() {
		ref, ok := rs.ControllerRef()
		hash, has := rs.Labels.Get(controllers.PodTemplateHashLabel)
		if !ok || !has || deps[ref.UID] == nil {
			continue
		}
		t := rs.Spec.Template
		t.Labels = t.Labels.Without(controllers.PodTemplateHashLabel)
		for c := int64(0); c <= deps[ref.UID].Status.CollisionCount; c++ {
			if controllers.TemplateHash(t, c) == hash {
				add(t, c)
			}
		}
	}
	return strings.NewReplacer(pairs...)
}

// Deployment compares the sync of Deployment name on view v: upstream's syncDeployment with
// no expectations, against controllers.DeploymentController on the view without the other
// Deployments; template hashes are translated (templateHashes).
func Deployment(v *cluster.Cluster, name string) (Outcome, error) {
	d, ok := v.Get(cluster.KindDeployment, name).(*cluster.Deployment)
	if !ok {
		return Outcome{}, fmt.Errorf("no Deployment %s in the view", name)
	}
	rep := templateHashes(v)
	var model *Write
	if mw := modelWrite(v, cluster.KindDeployment, name, controllers.DeploymentController{}.Reconcile); mw != nil {
		w := FromModel(mw)
		// The revision annotation: an update of the Deployment that leaves its spec, which
		// upstream sends with UpdateStatus (getNewReplicaSet → SetDeploymentRevision).
		if mw.Verb == datastore.Update && mw.Object.Kind() == cluster.KindDeployment && mw.Object.SpecEqual(d) {
			w.Verb, w.Detail = "update/status", objectDetail(convert.Object(mw.Object), true)
		}
		w.Name, w.Detail = rep.Replace(w.Name), rep.Replace(w.Detail)
		model = &w
	}
	conv := func(o cluster.Object) (runtime.Object, error) {
		u := convert.Object(o)
		if u == nil {
			return nil, nil
		}
		// A ReplicaSet has its Deployment's minReadySeconds (the model's ReplicaSets have
		// none: available means ready), as upstream's getNewReplicaSet keeps it.
		if rs, ok := u.(*appsv1.ReplicaSet); ok {
			if ref, ok := o.Meta().ControllerRef(); ok && ref.Kind == cluster.KindDeployment {
				if od, ok := v.Get(cluster.KindDeployment, ref.Name).(*cluster.Deployment); ok && od.UID == ref.UID {
					rs.Spec.MinReadySeconds = int32(od.Spec.MinReadySeconds)
				}
			}
		}
		b, err := json.Marshal(u)
		if err != nil {
			return nil, err
		}
		out := u.DeepCopyObject()
		return out, json.Unmarshal([]byte(rep.Replace(string(b))), out)
	}
	f, err := newFakeClusterWith(v, conv)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), klog.Background()))
	defer cancel() // stops the controller's event broadcaster
	dc, err := deployment.NewDeploymentController(ctx, f.factory.Apps().V1().Deployments(), f.factory.Apps().V1().ReplicaSets(),
		f.factory.Core().V1().Pods(), f.client)
	if err != nil {
		return Outcome{}, err
	}
	if err := f.fillWith(v, conv); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	// An error ends the sync after the writes it tried, which are compared as any.
	defer shutDown(dc)
	err = syncDeployment(dc, ctx, convert.Namespace+"/"+name)
	ws := f.writes()
	return syncError(Compare(model, Runs(ws), viewDetail(v, rep.Replace)), err, len(ws)), nil
}
