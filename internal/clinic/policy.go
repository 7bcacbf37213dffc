package clinic

import "strings"

// OverduePolicy is what happens to a live article whose periodic re-review
// is overdue.
type OverduePolicy string

// The overdue policies, mildest first.
const (
	// OverdueNotice keeps the page live and indexed with a visible notice.
	OverdueNotice OverduePolicy = "notice"
	// OverdueNoindex keeps the page live but asks search engines not to index it.
	OverdueNoindex OverduePolicy = "noindex"
	// OverdueUnpublish takes the page off the public site.
	OverdueUnpublish OverduePolicy = "unpublish"
)

// OverduePolicies lists every overdue policy, mildest first.
var OverduePolicies = []OverduePolicy{OverdueNotice, OverdueNoindex, OverdueUnpublish}

// Valid reports whether p is a known overdue policy.
func (p OverduePolicy) Valid() bool {
	for _, q := range OverduePolicies {
		if p == q {
			return true
		}
	}
	return false
}

// OverduePolicyList is the policies as "notice, noindex or unpublish".
func OverduePolicyList() string {
	s := make([]string, len(OverduePolicies))
	for i, p := range OverduePolicies {
		s[i] = string(p)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
