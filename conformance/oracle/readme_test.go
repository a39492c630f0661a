package oracle_test

import (
	"os"
	"strings"
	"testing"

	"github.com/themelios/themelios/conformance/oracle"
)

// DeviationRows is the README's table of kept deviations, one row per entry of
// oracle.Deviations.
func deviationRows() []string {
	var rows []string
	for _, d := range oracle.Deviations {
		rows = append(rows, "| "+d.Controller+" | "+d.Kind+" | "+d.Reason+" |")
	}
	return rows
}

// The README's Fidelity section lists every documented deviation with its reason.
func TestReadmeListsTheDeviations(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range deviationRows() {
		if !strings.Contains(string(b), row+"\n") {
			t.Errorf("the README's deviation table lacks the row\n%s", row)
		}
	}
}
