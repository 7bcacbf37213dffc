package adminui

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/compliance"
)

var funcs = template.FuncMap{
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.UTC().Format("2 Jan 2006, 15:04 UTC")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.UTC().Format("2 Jan 2006, 15:04 UTC")
		}
		return ""
	},
	"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"status": statusLabel,
	"roleLabel": func(r authz.Role) string {
		return map[authz.Role]string{authz.RoleWriter: "Writer", authz.RoleDoctor: "Doctor", authz.RoleClinicAdmin: "Clinic admin"}[r]
	},
	"add":      func(a, b int) int { return a + b },
	"ruleName": compliance.RuleName,
	"short":    func(h string) string { return shortHash(h) },
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"eq1":        func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"join":       strings.Join,
	"hasPrefix":  strings.HasPrefix,
	"trimPrefix": strings.TrimPrefix,
	// list bundles a listing for the artlist and queuelist partials.
	"list": func(base string, items any, empty string) map[string]any {
		return map[string]any{"Base": base, "Items": items, "Empty": empty}
	},
	// dict builds a map from key, value pairs for partials.
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

func shortHash(h string) string {
	h = strings.TrimPrefix(h, "sha256:")
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func statusLabel(s string) string {
	return map[string]string{
		"draft": "Draft", "in_review": "In review", "approved": "Approved", "changes_requested": "Changes requested",
		"scheduled": "Scheduled", "published": "Published", "unpublished": "Unpublished", "archived": "Archived",
	}[s]
}

// waited says how long something has waited, in plain words.
func waited(since, now time.Time) string {
	d := now.Sub(since)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour")
	}
	return plural(int(d.Hours()/24), "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
