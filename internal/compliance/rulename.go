package compliance

// ruleNames maps rule ids to their names in the shipped packs.
var ruleNames = func() map[string]string {
	m := map[string]string{"extra-phrase": "Clinic's own flagged phrase"}
	for _, p := range Packs() {
		for _, r := range p.Rules {
			m[r.ID] = r.Name
		}
	}
	return m
}()

// RuleName is the human name of rule id, or id itself for a rule no
// shipped pack names.
func RuleName(id string) string {
	if n := ruleNames[id]; n != "" {
		return n
	}
	return id
}
