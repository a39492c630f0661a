package orchestration

import (
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
