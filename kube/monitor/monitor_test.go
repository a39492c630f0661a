package monitor

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/orchestration"
)

func rs(replicas int32, rv int) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web", UID: "rs-uid", ResourceVersion: strconv.Itoa(rv), Generation: 1},
		Spec: appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
}

func pod(name string, rv int) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), ResourceVersion: strconv.Itoa(rv), Labels: map[string]string{"app": "web"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web", UID: "rs-uid", Controller: new(true)}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
}

// newVerifier starts a verifier on the given objects, as the informers listed them at seen.
func newVerifier(t *testing.T, json bool, seen int64, objs ...any) (*verifier, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	v := &verifier{cfg: Config{Namespace: "test", JSON: json, Out: &out}, ids: convert.NewIdentities(), seen: map[cluster.Kind]int64{cluster.KindPod: seen, cluster.KindReplicaSet: seen}}
	var ms []cluster.Object
	var rev int64
	for _, o := range objs {
		mo, err := convert.ModelObject(o, v.ids)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, mo)
		rev = max(rev, mo.Meta().ResourceVersion)
	}
	v.start(cluster.New(ms...), rev)
	return v, &out
}

// A change the informers delivered before the initial state was read is not taken again,
// even for an object gone from it since (it would read as a create).
func TestEventsBeforeTheStart(t *testing.T) {
	v, _ := newVerifier(t, false, 13, rs(3, 5), pod("p2", 7), pod("p3", 8), pod("p4", 13))
	v.observe(change{rev: 6, kind: cluster.KindPod, obj: pod("p1", 6)}) // p1's add, p1 deleted at 12
	if s := v.summary(); len(s.Violations) != 0 || s.Changes != 0 {
		t.Errorf("an event from before the start was judged: %+v", s)
	}
}

// A create beyond spec.replicas after the start is reported, with the objects involved and
// the resourceVersions seen, in sentences and in JSON.
func TestViolationReport(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		v, out := newVerifier(t, asJSON, 8, rs(2, 5), pod("p1", 7), pod("p2", 8))
		v.observe(change{rev: 9, kind: cluster.KindPod, obj: pod("p3", 9)})
		s := v.summary()
		if len(s.Violations) != 1 || s.Violations[0].Property != orchestration.ReplicaSetCreates || s.Violations[0].Revision != 9 || s.Changes != 1 {
			t.Fatalf("summary %+v", s)
		}
		objs := s.Violations[0].Objects
		if len(objs) != 4 || objs[0].Name != "p3" || objs[0].ResourceVersion != 9 || objs[1].Kind != "ReplicaSet" || objs[1].Detail != "spec.replicas=2" || objs[2].ResourceVersion != 7 {
			t.Errorf("objects %+v", objs)
		}
		text := out.String()
		if asJSON {
			lines := strings.Split(strings.TrimSpace(text), "\n")
			var first struct {
				Start map[string]any `json:"start"`
			}
			var viol Violation
			if len(lines) != 3 || json.Unmarshal([]byte(lines[0]), &first) != nil || first.Start == nil ||
				json.Unmarshal([]byte(lines[1]), &viol) != nil || viol.Change != "create pod p3" {
				t.Errorf("JSON output:\n%s", text)
			}
		} else if !strings.Contains(text, "VIOLATION at revision 9: "+orchestration.ReplicaSetCreates) ||
			!strings.Contains(text, "replicaset web (resourceVersion 5, spec.replicas=2)") || !strings.Contains(text, "observed 1 changes (0 late), 1 violations") {
			t.Errorf("output:\n%s", text)
		}
	}
}
