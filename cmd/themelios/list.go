package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/themelios/themelios/models/catalog"
)

// list prints every built-in target with its summary and parameters.
func list(stdout io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, e := range catalog.All() {
		fmt.Fprintf(tw, "%s\t%s\n", e.Name, e.Summary)
		for _, p := range e.Params {
			fmt.Fprintf(tw, "\t  --set %s=%s\t%s\n", p.Name, p.Default, paramHelp(p))
		}
	}
	tw.Flush()
	return exitOK
}

func paramHelp(p catalog.Param) string {
	switch {
	case len(p.Choices) > 0:
		return fmt.Sprintf("%s (%s)", p.Help, strings.Join(p.Choices, ", "))
	case p.Max > p.Min:
		return fmt.Sprintf("%s (%d to %d)", p.Help, p.Min, p.Max)
	}
	return p.Help
}
