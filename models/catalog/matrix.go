package catalog

// MatrixTrace is one counterexample of the results matrix, as `themelios matrix --traces`
// writes it (a JSON array of them): the scenario, the settings (`--set` values), the property
// it breaks, its path of action indices from the first initial state (checker.Replay) and, for
// a lasso, the index of the state the last step returns to (-1 for none). The API rules'
// conformance check (conformance/apirules) replays them on a real API server.
type MatrixTrace struct {
	Scenario string   `json:"scenario"`
	Sets     []string `json:"sets"`
	Property string   `json:"property"`
	Path     []int    `json:"path"`
	Loop     int      `json:"loop"`
}
