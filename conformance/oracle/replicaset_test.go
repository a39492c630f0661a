package oracle_test

import (
	"sort"
	"testing"

	"github.com/themelios/themelios/conformance/oracle"
	"github.com/themelios/themelios/conformance/views"
	"github.com/themelios/themelios/models/cluster"
)

func TestReplicaSetProbe(t *testing.T) {
	vs, err := views.Reachable(300, func(c *cluster.Cluster) bool { return len(c.ReplicaSets()) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	vs = append(vs, views.Mutations(vs, len(vs), 1)...)
	byKind := map[string]int{}
	example := map[string]string{}
	agree := 0
	n := 0
	for _, v := range vs {
		for _, rs := range v.Cluster.ReplicaSets() {
			o, err := oracle.ReplicaSet(v.Cluster, rs.Name)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if o.Agree {
				agree++
				continue
			}
			byKind[o.Deviation]++
			if _, ok := example[o.Deviation]; !ok {
				m := "nothing"
				if o.Model != nil {
					m = o.Model.String()
				}
				example[o.Deviation] = v.From + "\n   model: " + m + "\n   upstream: " + phasesString(o.Upstream)
			}
		}
	}
	t.Logf("%d views, %d syncs, %d agree", len(vs), n, agree)
	var ks []string
	for k := range byKind {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("%5d %s\n   %s", byKind[k], k, example[k])
	}
}

func phasesString(ps []oracle.Phase) string {
	s := ""
	for _, p := range ps {
		s += "["
		for i, w := range p {
			if i > 0 {
				s += "; "
			}
			s += w.String()
		}
		s += "] "
	}
	return s
}
