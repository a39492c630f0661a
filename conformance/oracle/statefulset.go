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
	"k8s.io/kubernetes/pkg/controller/statefulset"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
)

// syncStatefulSetKey is upstream's StatefulSetController.sync (v1.34.3,
// pkg/controller/statefulset/stateful_set.go).
//
//go:linkname syncStatefulSetKey k8s.io/kubernetes/pkg/controller/statefulset.(*StatefulSetController).sync
func syncStatefulSetKey(ssc *statefulset.StatefulSetController, ctx context.Context, key string) error

// newRevision is upstream's newRevision (stateful_set_utils.go): the ControllerRevision of a
// StatefulSet's template, named <set>-<hash of its data and the collision count>.
//
//go:linkname newRevision k8s.io/kubernetes/pkg/controller/statefulset.newRevision
func newRevision(set *appsv1.StatefulSet, revision int64, collisionCount *int32) (*appsv1.ControllerRevision, error)

// revisionNames maps the model's ControllerRevision names to upstream's. The model names a
// revision <set>-<its own hash of the template>; upstream hashes the revision's data, the
// template as a StatefulSet patch, with the collision count. Names are a translation, not a
// deviation: every template of the view (the sets' and their revisions') is named both ways,
// and the revisions are given upstream's data.
type revisionNames struct {
	pairs []string          // model name, upstream name, ...
	data  map[string][]byte // upstream name → upstream's data
}

func newRevisionNames(v *cluster.Cluster) (*revisionNames, error) {
	rn := &revisionNames{data: map[string][]byte{}}
	seen := map[string]bool{}
	add := func(s *cluster.StatefulSet, t cluster.PodTemplate) error {
		model := s.Name + "-" + controllers.TemplateHash(t, 0)
		if seen[model] {
			return nil
		}
		seen[model] = true
		set := convert.StatefulSet(s)
		set.Spec.Template = convert.Template(t)
		zero := int32(0)
		cr, err := newRevision(set, 0, &zero)
		if err != nil {
			return err
		}
		rn.pairs = append(rn.pairs, model, cr.Name)
		rn.data[cr.Name] = cr.Data.Raw
		return nil
	}
	sets := map[cluster.UID]*cluster.StatefulSet{}
	for _, s := range v.StatefulSets() {
		sets[s.UID] = s
		if err := add(s, s.Spec.Template); err != nil {
			return nil, err
		}
	}
	for _, r := range v.Revisions() {
		if ref, ok := r.ControllerRef(); ok && sets[ref.UID] != nil {
			if err := add(sets[ref.UID], r.Template); err != nil {
				return nil, err
			}
		}
	}
	return rn, nil
}

// replace rewrites the model's revision names in s.
func (rn *revisionNames) replace(s string) string {
	if len(rn.pairs) == 0 {
		return s
	}
	return strings.NewReplacer(rn.pairs...).Replace(s)
}

// object converts o with upstream's revision names (and, for a revision, upstream's data).
func (rn *revisionNames) object(o cluster.Object) (runtime.Object, error) {
	u := convert.Object(o)
	if u == nil || len(rn.pairs) == 0 {
		return u, nil
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	out := u.DeepCopyObject()
	if err := json.Unmarshal([]byte(rn.replace(string(b))), out); err != nil {
		return nil, err
	}
	if cr, ok := out.(*appsv1.ControllerRevision); ok {
		if d, ok := rn.data[cr.Name]; ok {
			cr.Data = runtime.RawExtension{Raw: d}
		}
	}
	return out, nil
}

// StatefulSet compares the sync of StatefulSet name on view v: upstream's sync (claims,
// history, UpdateStatefulSet, status) against controllers.StatefulSetController on the view
// without the other StatefulSets. Revision names are translated (revisionNames).
func StatefulSet(v *cluster.Cluster, name string) (Outcome, error) {
	_, ok := v.Get(cluster.KindStatefulSet, name).(*cluster.StatefulSet)
	if !ok {
		return Outcome{}, fmt.Errorf("no StatefulSet %s in the view", name)
	}
	rn, err := newRevisionNames(v)
	if err != nil {
		return Outcome{}, err
	}
	var model *Write
	if mw := modelWrite(v, cluster.KindStatefulSet, name, controllers.StatefulSetController{}.Reconcile); mw != nil {
		w := FromModel(mw)
		w.Name, w.Detail = rn.replace(w.Name), rn.replace(w.Detail)
		model = &w
	}
	f, err := newFakeClusterWith(v, rn.object)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), klog.Background()))
	defer cancel() // stops the controller's event broadcaster
	ssc := statefulset.NewStatefulSetController(ctx, f.factory.Core().V1().Pods(), f.factory.Apps().V1().StatefulSets(),
		f.factory.Core().V1().PersistentVolumeClaims(), f.factory.Apps().V1().ControllerRevisions(), f.client)
	if err := f.fillWith(v, rn.object); err != nil {
		return Outcome{}, err
	}
	f.client.ClearActions()
	// An error (a create that finds the name taken) ends the sync after the writes it tried,
	// which the fake clientset recorded: they are compared as any.
	defer shutDown(ssc)
	err = syncStatefulSetKey(ssc, ctx, convert.Namespace+"/"+name)
	ws := f.writes()
	return syncError(Compare(model, Runs(ws), viewDetail(v, rn.replace)), err, len(ws)), nil
}
