//go:build race

package render

// raceEnabled lets slow tests shrink their inputs under the race detector,
// which makes this code roughly ten times slower.
const raceEnabled = true
