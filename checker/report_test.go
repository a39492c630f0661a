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
