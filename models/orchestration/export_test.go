package orchestration

import (
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// EncodingCache turns the cache of objects' static encodings on and off (for the tests that
// compare the two).
var EncodingCache = &encodingCache

// StatusMonitor runs the monitor on the accepted write w of a controller of kind k that read
// view, from state s.
func (m *Model) StatusMonitor(k ControllerKind, view *cluster.Cluster, s State, w datastore.Write) Monitor {
	return m.monitor(k, view, s, s, effect{intent: controllers.Intent{Write: &w}, wrote: true, outcome: datastore.Outcome{Code: 200}})
}

// StepWrite returns the controller kind's name and the write of step a in s (nil for none).
func (m *Model) StepWrite(s State, a Action) (string, *datastore.Write) {
	if a.Kind != Step {
		return "", nil
	}
	in := m.intents(a.Ctrl, a.Read, s.Store.At(a.Read), s.Local[a.Ctrl], s.Store.Latest().Cluster)[a.Item]
	name := m.ctrls[a.Ctrl].Name
	if m.ctrls[a.Ctrl].Kind == KubeletKind {
		name = "kubelet"
	} else if i := strings.LastIndex(name, "-"); i > 0 {
		name = name[:i]
	}
	return name, in.Write
}
