package playground

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A card is a story on the home page: one click sets a scenario and runs its check, which
// fails for the reason the story tells.
type card struct {
	ID     string   // the button's id: card-ID
	Title  string   // what breaks
	Story  string   // why, in a Kubernetes user's words
	Target string   // the scenario
	Sets   []string // its settings, name=value
	// NoSymmetry checks every state of an orbit (by default one state per orbit of the
	// interchangeable nodes and controller replicas: the same verdict and trace length, half
	// the states or fewer).
	NoSymmetry bool
}

// Cards are the home page's stories; each is pinned by a test (the check fails as told).
var Cards = []card{
	{ID: "59848", Title: "A pod runs on two nodes (Kubernetes 59848)",
		Story:  "A kubelet that restarts onto an old watch cache still sees db-0 bound to it, while the store has re-created db-0 on the other node: the StatefulSet's one identity runs twice.",
		Target: "statefulset/stale-reads", Sets: []string{"consistency=resettable-session"}},
	{ID: "two-controllers", Title: "Two ReplicaSet controllers, one lagging cache",
		Story:  "Two replicas of the ReplicaSet controller run without leader election on a watch cache that lags: each waits only for its own creates, so together they create more pods than the ReplicaSet wants.",
		Target: "replicaset/spec-replicas-change", Sets: []string{"consistency=monotonic-session", "controllers=2"}},
	{ID: "job-twice", Title: "A Job of parallelism 1 runs two pods (Kubernetes 130683)",
		Story:  "The Job controller's expectations expire before its cache shows its own create: it reads a view without the pod and creates another.",
		Target: "bugs/job-duplicate-pod"},
	{ID: "stale-pod-cache", Title: "A scale-up on a stale pod cache (Kubernetes 41889)",
		Story:  "The StatefulSet controller reads the scale-up from a fresh StatefulSet cache and a healthy web-0 from a stale pod cache, and creates web-1 while web-0 is gone.",
		Target: "bugs/sts-ordered-stale-ready"},
	{ID: "starved", Title: "A scheduler that starves a pod forever",
		Story:  "A scheduler and a kubelet that keep restarting onto a cache two revisions old never get a pod running: a run that repeats forever (a lasso).",
		Target: "pod/restart-loop"},
}

// StartPanel is the home page's cards: a story each, one click to its failing check.
type StartPanel struct {
	app.Compo

	Running bool        // a check runs: the cards wait
	Page    *Playground // a card's button starts its check there
}

// Render draws the cards.
func (s *StartPanel) Render() app.UI {
	return app.Section().ID("start").Class("cards").Aria("label", "Start here").Body(
		app.H2().Text("Start here: pick a story, see it break"),
		app.Div().Class("card-grid").Body(app.Range(Cards).Slice(func(i int) app.UI {
			c := Cards[i]
			return app.Article().Class("card").Body(
				app.H3().Text(c.Title),
				app.P().Text(c.Story),
				app.Button().ID("card-"+c.ID).Text("Check it").Disabled(s.Running).OnClick(func(ctx app.Context, _ app.Event) { s.Page.startCard(ctx, i) }),
			)
		})),
	)
}

// startCard sets card i's scenario and settings and runs its check.
func (p *Playground) startCard(ctx app.Context, i int) {
	if i < 0 || i >= len(Cards) {
		return
	}
	if err := p.setCard(Cards[i]); err != nil {
		p.err = err.Error()
		return
	}
	p.run(ctx)
	ctx.ScrollTo("progress") // the check's status and, below it, its verdicts
}

// setCard sets card c's scenario, settings and symmetry, and the search's defaults (a card
// tells its story with them, whatever the advanced settings held).
func (p *Playground) setCard(c card) error {
	p.resetSearch()
	p.selectTarget(c.Target)
	if err := p.setParams(c.Sets); err != nil {
		return err
	}
	p.symmetry = !c.NoSymmetry
	return nil
}
