package article_test

import (
	"testing"

	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/compliance"
)

// JoinFindings is the one join of findings and acknowledgements: an
// acknowledged block finding no longer blocks, a warning never blocks, an
// acknowledgement of another finding (or revision key) joins nothing, and
// Blocking (the publish/submit gate) agrees with it.
func TestJoinFindings(t *testing.T) {
	cure := compliance.Finding{Rule: "cure-claim", Severity: compliance.SeverityBlock, Field: compliance.FieldBody, Start: 3, End: 8, Line: 1, Column: 4, Match: "cures"}
	best := compliance.Finding{Rule: "superlative", Severity: compliance.SeverityBlock, Field: compliance.FieldTitle, Start: 0, End: 4, Line: 1, Column: 1, Match: "Best"}
	warn := compliance.Finding{Rule: "testimonial", Severity: compliance.SeverityWarn, Field: compliance.FieldBody, Start: 20, End: 30, Line: 2, Column: 1, Match: "my patient"}
	acks := []article.Ack{
		{FindingKey: article.FindingKey(best), Reason: "It is the clinic's name, not a claim."},
		{FindingKey: "superlative:title:0::9-13", Reason: "A finding that is not in this revision."},
	}
	got := article.JoinFindings([]compliance.Finding{cure, best, warn}, acks)
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3", len(got))
	}
	for i, want := range []struct {
		key    string
		acked  bool
		blocks bool
	}{{article.FindingKey(cure), false, true}, {article.FindingKey(best), true, false}, {article.FindingKey(warn), false, false}} {
		if got[i].Key != want.key || (got[i].Acknowledged != nil) != want.acked || got[i].Blocks != want.blocks {
			t.Errorf("row %d = key %q acked %v blocks %v, want %+v", i, got[i].Key, got[i].Acknowledged != nil, got[i].Blocks, want)
		}
	}
	if got[1].Acknowledged != nil && got[1].Acknowledged.Reason != acks[0].Reason {
		t.Errorf("row 1 joined the wrong acknowledgement: %q", got[1].Acknowledged.Reason)
	}
	b := article.Blocking(article.Revision{Findings: []compliance.Finding{cure, best, warn}}, acks)
	if len(b) != 1 || b[0].Rule != "cure-claim" {
		t.Errorf("Blocking = %+v, want only the unacknowledged cure claim", b)
	}
	if out := article.JoinFindings(nil, acks); len(out) != 0 {
		t.Errorf("no findings joined %d rows", len(out))
	}
}
