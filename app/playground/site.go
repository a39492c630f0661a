package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Routes registers the playground's pages; the WebAssembly entry point and the static site
// generator both call it, so that they agree.
func Routes() {
	app.Route("/", func() app.Composer { return &Playground{} })
	// (also as the file the static site holds it in, /tutorials/<slug>.html)
	app.RouteWithRegexp("^"+TutorialPath+`[a-z0-9-]+(\.html)?$`, func() app.Composer { return &TutorialPage{} })
}

// Tutorial is a tutorial's entry in the playground's list.
type Tutorial struct{ Slug, Title string }

// Tutorials lists the tutorials of tutorials/ (a test keeps the two equal; the UI does not
// import the tutorials package, which carries a Markdown library).
var Tutorials = []Tutorial{
	{Slug: "01-replicaset-controllers", Title: "Why a ReplicaSet needs one controller (or a strong store)"},
	{Slug: "02-kubernetes-59848", Title: "Kubernetes 59848: two pods, one identity"},
	{Slug: "03-results", Title: "What breaks, and where: every scenario under every consistency level"},
	{Slug: "04-liveness", Title: "Liveness: runs that never get there"},
	{Slug: "05-kubernetes-41889", Title: "Kubernetes 41889: a scale-up on a stale pod cache"},
	{Slug: "06-podgc-stale-node-cache", Title: "Pod GC and a node that came back"},
	{Slug: "07-kubernetes-45220", Title: "Kubernetes 45220: a scheduler that restarts onto an old cache"},
	{Slug: "08-kubernetes-37447", Title: "Kubernetes 37447: a kubelet that runs a finished pod again"},
}
