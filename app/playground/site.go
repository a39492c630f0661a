package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Routes registers the playground's pages; the WebAssembly entry point and the static site
// generator both call it, so that they agree.
func Routes() {
	app.Route("/", func() app.Composer { return &Playground{} })
	app.RouteWithRegexp("^"+TutorialPath+"[a-z0-9-]+$", func() app.Composer { return &TutorialPage{} })
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
}
