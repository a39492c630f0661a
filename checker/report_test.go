package checker

import (
	"slices"
	"testing"
)

// A table whose column widened marks only the rows whose cells changed; a repeated line counts
// once per copy.
func TestChangedRowsIgnorePadding(t *testing.T) {
	prev := "CONTROLLER      READ       CONTAINERS\n" +
		"kubelet/node-1  restarted  \n" +
		"kubelet/node-2  rev 8      db-0\n" +
		"podgc-1         rev 5      \n" +
		"x\n"
	cur := "CONTROLLER      READ   CONTAINERS\n" +
		"kubelet/node-1  rev 4  db-0\n" +
		"kubelet/node-2  rev 8  db-0\n" +
		"podgc-1         rev 5  \n" +
		"x\nx"
	got := ChangedRows(prev, cur)
	want := []bool{false, true, false, false, false, true}
	if !slices.Equal(got, want) {
		t.Errorf("ChangedRows = %v, want %v", got, want)
	}
	if l := ChangedLines(prev, cur); !slices.Equal(l, []string{"kubelet/node-1  rev 4  db-0", "x"}) {
		t.Errorf("ChangedLines = %q", l)
	}
	if l := ChangedLines(cur, cur); !slices.Equal(l, []string{"(no change)"}) {
		t.Errorf("ChangedLines of no change = %q", l)
	}
	if got := ChangedRows("", "a\nb"); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("ChangedRows from nothing = %v", got)
	}
}

// A memory bound words its stop in the summary and in each undecided property, for the search
// and for the liveness pass after a search that explored every state.
func TestMemoryStopWording(t *testing.T) {
	p := PropertyReport{Name: "p", Expectation: Always.String(), Status: "unknown"}
	q := PropertyReport{Name: "q", Expectation: "leads to", Status: "unknown"}
	for _, c := range []struct {
		r           Report
		extent, why string
		prop        PropertyReport
	}{
		{Report{Stopped: "memory", Unique: 12, Depth: 3}, "stopped at the memory bound",
			"the search reached the memory bound after 12 states, depth 3; no violation among them", p},
		{Report{Stopped: "memory", Searched: true, Unique: 12}, "every state searched, the liveness pass stopped at the memory bound",
			"the search explored every state, but the liveness pass after it reached the memory bound", q},
	} {
		if got := c.r.Extent(); got != c.extent {
			t.Errorf("Extent: %q, want %q", got, c.extent)
		}
		if got := c.r.unchecked(c.prop); got != c.why {
			t.Errorf("unchecked: %q, want %q", got, c.why)
		}
	}
}
