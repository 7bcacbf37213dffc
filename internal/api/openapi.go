package api

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/gofiber/fiber/v2"
)

// operation documents one route for the OpenAPI document.
type operation struct {
	Method, Path, Summary, Who string
	Request                    string // schema name of the JSON body, "" for none
	Response                   string // schema name of the 2xx body, "" for 204
	Status                     string
}

// operations is the documented contract; TestOpenAPICoversRoutes fails when
// a registered route is missing here.
var operations = []operation{
	{"GET", "/api/v1/openapi.json", "This document", "anyone", "", "", "200"},
	{"POST", "/api/v1/auth/login", "Sign in; returns a bearer token and sets a session cookie", "anyone", "Login", "Session", "200"},
	{"POST", "/api/v1/auth/reset", "Mail a single-use password-reset link (30 minutes); the same 202 whether or not the address has an account; throttled", "anyone", "ResetRequest", "Accepted", "202"},
	{"POST", "/api/v1/auth/reset/confirm", "Set a new password with a reset token; every session ends (404 token_not_found, 410 token_used / token_expired)", "anyone", "ResetConfirm", "", "204"},
	{"POST", "/api/v1/invitations/accept", "Accept an invitation: a new person sends name and password (and is signed in); an existing account calls it signed in (404 invitation_not_found, 410 invitation_used / invitation_revoked / invitation_expired)", "the invitee", "AcceptInvitation", "Accepted", "200"},
	{"POST", "/api/v1/auth/logout", "End the current session", "signed in", "", "", "204"},
	{"GET", "/api/v1/me", "The signed-in user and their clinic memberships", "signed in", "", "Me", "200"},
	{"POST", "/api/v1/me/password", "Change password; every other session ends", "signed in", "PasswordChange", "", "204"},
	{"POST", "/api/v1/clinics", "Create a clinic", "platform admin", "NewClinic", "Clinic", "201"},
	{"GET", "/api/v1/clinics", "Clinics visible to the caller", "signed in", "", "ClinicList", "200"},
	{"GET", "/api/v1/clinics/{clinic}", "Clinic settings", "members", "", "Clinic", "200"},
	{"PATCH", "/api/v1/clinics/{clinic}", "Change clinic settings (name, hostnames, theme, branding, review interval)", "clinic admin", "ClinicPatch", "Clinic", "200"},
	{"GET", "/api/v1/clinics/{clinic}/audit", "The clinic's audit log (filters: action, actor, article, cursor, limit)", "members", "", "AuditList", "200"},
	{"POST", "/api/v1/clinics/{clinic}/members", "Invite a person by email with a role (a pending invitation and its mail; the same answer whether or not the address has an account; membership only on acceptance)", "clinic admin", "NewMember", "Invitation", "201"},
	{"GET", "/api/v1/clinics/{clinic}/invitations", "Invitations not yet accepted or withdrawn (pending and expired)", "clinic admin", "", "InvitationList", "200"},
	{"GET", "/api/v1/clinics/{clinic}/invitations/{id}", "One invitation", "clinic admin", "", "Invitation", "200"},
	{"DELETE", "/api/v1/clinics/{clinic}/invitations/{id}", "Withdraw an invitation; its link stops working", "clinic admin", "", "", "204"},
	{"POST", "/api/v1/clinics/{clinic}/invitations/{id}/resend", "Mail the invitation again with a new link and a new 72-hour expiry", "clinic admin", "", "Invitation", "200"},
	{"GET", "/api/v1/clinics/{clinic}/members", "List members", "clinic admin", "", "MemberList", "200"},
	{"PATCH", "/api/v1/clinics/{clinic}/members/{user}", "Change a member's role or doctor profile", "clinic admin", "MemberPatch", "Member", "200"},
	{"DELETE", "/api/v1/clinics/{clinic}/members/{user}", "Remove a member", "clinic admin", "", "", "204"},
	{"POST", "/api/v1/clinics/{clinic}/articles", "Create an article (first revision, draft)", "writer, doctor, clinic admin", "NewArticle", "Article", "201"},
	{"GET", "/api/v1/clinics/{clinic}/articles", "List articles (status, limit, cursor)", "members", "", "ArticleList", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}", "Read an article", "members", "", "Article", "200"},
	{"PUT", "/api/v1/clinics/{clinic}/articles/{id}", "Save new content as a new revision; 409 version_conflict if stale", "writer, doctor, clinic admin", "ArticleUpdate", "Article", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/revisions", "Revision history", "members", "", "RevisionList", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/revisions/{n}", "One revision", "members", "", "Revision", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/reviews", "Doctor reviews", "members", "", "ReviewList", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/reviews", "Approve or request changes on the exact revision and hash reviewed", "doctor", "Review", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/submit", "Send for review", "writer, doctor, clinic admin", "VersionOnly", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/publish", "Publish now or schedule (at); 409 not_approved without a current sign-off", "clinic admin (writers when the clinic allows)", "Publish", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/cancel-schedule", "Call off a scheduled publish; the live revision stays live", "clinic admin (writers when the clinic allows)", "VersionOnly", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/unpublish", "Take the live revision down now, or at \"at\" (it stays live until then)", "clinic admin (writers when the clinic allows)", "Unpublish", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/cancel-unpublish", "Call off a scheduled unpublish; the live revision stays live", "clinic admin (writers when the clinic allows)", "VersionOnly", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/archive", "Archive", "clinic admin (writers when the clinic allows)", "VersionOnly", "Article", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/restore", "Restore an old revision as a new draft revision", "writer, doctor, clinic admin", "Restore", "Article", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/audit", "The article's audit trail", "members", "", "AuditList", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/previews", "Mint a signed, expiring preview link for a revision (default: current; ttl_minutes default 1440, max 10080)", "members", "NewPreview", "Preview", "201"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/previews", "The article's preview links (without their secrets)", "members", "", "PreviewList", "200"},
	{"DELETE", "/api/v1/clinics/{clinic}/articles/{id}/previews", "Revoke every preview link of the article", "members", "", "", "204"},
	{"DELETE", "/api/v1/clinics/{clinic}/articles/{id}/previews/{preview}", "Revoke one preview link", "members", "", "", "204"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/acknowledgements", "Acknowledge a blocking advertising-rule finding of the current revision, with a reason", "doctor", "Acknowledgement", "Article", "200"},
	{"GET", "/api/v1/clinics/{clinic}/articles/{id}/record", "Regulator-ready sign-off record (JSON; HTML with ?format=html)", "members", "", "Record", "200"},
	{"POST", "/api/v1/clinics/{clinic}/compliance/check", "Check text against the clinic's advertising rules without saving", "members", "LintRequest", "LintResult", "200"},
	{"POST", "/api/v1/clinics/{clinic}/articles/{id}/reviews/challenge", "A single-use, 5-minute signature challenge bound to this revision and hash (WebAuthn request options when the doctor has passkeys)", "doctor", "ChallengeRequest", "SignChallenge", "201"},
	{"POST", "/api/v1/auth/second-factor", "Finish a sign-in that answered second_factor_required: the ticket plus totp, recovery_code or a passkey assertion", "anyone", "SecondFactor", "Session", "200"},
	{"GET", "/api/v1/me/doctor-profile", "Your doctor profile (one across all your clinics) and its verification", "signed in", "", "DoctorProfile", "200"},
	{"PATCH", "/api/v1/me/doctor-profile", "Change your doctor profile; a new registration number, register country or expiry voids the verification until a credential verifier checks it again", "doctors", "DoctorPatch", "DoctorProfile", "200"},
	{"GET", "/api/v1/me/second-factors", "Your authenticator app, passkeys and unused recovery codes", "signed in", "", "Factors", "200"},
	{"POST", "/api/v1/me/totp", "Start setting up an authenticator app (secret, otpauth URL, QR code)", "signed in", "", "TOTPEnrolment", "201"},
	{"POST", "/api/v1/me/totp/confirm", "Turn the authenticator app on with a current code; returns recovery codes the first time", "signed in", "Code", "RecoveryCodes", "200"},
	{"DELETE", "/api/v1/me/totp", "Remove the authenticator app (password required)", "signed in", "PasswordOnly", "", "204"},
	{"POST", "/api/v1/me/recovery-codes", "Replace your 10 one-time recovery codes (password required; shown once)", "signed in", "PasswordOnly", "RecoveryCodes", "201"},
	{"POST", "/api/v1/me/passkeys/begin", "Start registering a passkey (WebAuthn creation options for this host)", "signed in", "", "PasskeyBegin", "201"},
	{"POST", "/api/v1/me/passkeys/finish", "Finish registering a passkey with the browser's credential", "signed in", "PasskeyFinish", "RecoveryCodes", "201"},
	{"GET", "/api/v1/doctors/pending", "Doctors whose profiles need a register check: unverified, voided, expiring within 30 days or expired", "credential verifier", "", "DoctorList", "200"},
	{"GET", "/api/v1/doctors/{user}", "A doctor's profile and verification", "credential verifier", "", "DoctorProfile", "200"},
	{"POST", "/api/v1/doctors/{user}/verification", "Record a check of the doctor in the public register (not by a clinic admin of the doctor's clinics, not by the doctor)", "credential verifier", "Verification", "DoctorProfile", "200"},
	{"POST", "/api/v1/credential-verifiers", "Grant the credential verifier role", "platform admin", "Email", "", "204"},
	{"GET", "/api/v1/clinics/{clinic}/redirects", "The clinic's redirect table with hit counts", "clinic admin", "", "RedirectList", "200"},
	{"POST", "/api/v1/clinics/{clinic}/redirects", "Add a redirect: old path to an article (301 once live), a same-site path (301) or gone (410); loops and other hosts are refused", "clinic admin", "NewRedirect", "Redirect", "201"},
	{"POST", "/api/v1/clinics/{clinic}/redirects/import", "Add redirects from CSV lines from,target (target a path, 410 or article:ID); as text/csv or {\"csv\": ...}", "clinic admin", "RedirectCSV", "RedirectCSVResult", "200"},
	{"GET", "/api/v1/clinics/{clinic}/redirects/{id}", "One redirect", "clinic admin", "", "Redirect", "200"},
	{"PATCH", "/api/v1/clinics/{clinic}/redirects/{id}", "Change a redirect (all fields and version)", "clinic admin", "NewRedirect", "Redirect", "200"},
	{"DELETE", "/api/v1/clinics/{clinic}/redirects/{id}", "Delete a redirect", "clinic admin", "", "", "204"},
	{"GET", "/api/v1/clinics/{clinic}/jobs/failed", "Background jobs of the clinic that gave up after their last attempt (each also in the article's audit trail)", "clinic admin", "", "FailedJobList", "200"},
	{"GET", "/api/v1/clinics/{clinic}/reviews/due", "Articles awaiting review and live articles whose re-review is due within 30 days", "members", "", "ReviewQueue", "200"},
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str      = map[string]any{"type": "string"}
	integer  = map[string]any{"type": "integer"}
	boolean  = map[string]any{"type": "boolean"}
	dateTime = map[string]any{"type": "string", "format": "date-time"}
	nullInt  = map[string]any{"type": []string{"integer", "null"}}
	strList  = map[string]any{"type": "array", "items": str}
)

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func list(key, item string) map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{key: map[string]any{"type": "array", "items": ref(item)}}}
}

var schemas = map[string]any{
	"NewRedirect": obj(map[string]any{"from": str, "kind": map[string]any{"enum": []string{"article", "path", "gone"}},
		"article_id": nullInt, "target": str, "version": integer}, "from", "kind"),
	"Redirect": map[string]any{"type": "object", "properties": map[string]any{"id": integer, "from": str, "kind": str, "article_id": nullInt,
		"target": str, "origin": str, "hits": integer, "last_hit_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"version": integer, "created_at": dateTime, "updated_at": dateTime}},
	"RedirectList": list("redirects", "Redirect"),
	"RedirectCSV":  obj(map[string]any{"csv": str}, "csv"),
	"RedirectCSVResult": map[string]any{"type": "object", "properties": map[string]any{"created": integer,
		"skipped": map[string]any{"type": "array", "items": obj(map[string]any{"line": integer, "error": str})}}},
	"Problem": map[string]any{"type": "object", "properties": map[string]any{"type": str, "title": str, "status": integer,
		"detail": str, "code": codeSchema(), "errors": map[string]any{"type": "array", "items": obj(map[string]any{"field": str, "message": str})}},
		"required": []string{"type", "title", "status", "detail", "code"}},
	"Login":          obj(map[string]any{"email": str, "password": str, "code": str}, "email", "password"),
	"Session":        map[string]any{"type": "object", "properties": map[string]any{"token": str, "expires_at": dateTime, "user": ref("User")}},
	"User":           map[string]any{"type": "object", "properties": map[string]any{"id": integer, "email": str, "name": str, "platform_admin": boolean}},
	"Me":             map[string]any{"type": "object", "properties": map[string]any{"user": ref("User"), "memberships": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"clinic": str, "clinic_name": str, "role": str, "doctor": ref("Doctor")}}}}},
	"PasswordChange": obj(map[string]any{"current_password": str, "new_password": map[string]any{"type": "string", "minLength": 10}}, "current_password", "new_password"),
	"NewClinic":      obj(map[string]any{"slug": str, "name": str, "hostnames": strList}, "slug", "name"),
	"Branding":       obj(map[string]any{"tagline": str, "logo_url": str, "primary_color": str, "phone": str, "email": str, "address": str, "footer_notice": str}),
	"Clinic":         map[string]any{"type": "object", "properties": map[string]any{"id": integer, "slug": str, "name": str, "theme": str, "branding": ref("Branding"), "review_interval_days": integer, "version": integer, "hostnames": strList, "created_at": dateTime, "updated_at": dateTime}},
	"ClinicList":     list("clinics", "Clinic"),
	"ClinicPatch":    obj(map[string]any{"name": str, "hostnames": strList, "theme": str, "branding": ref("Branding"), "review_interval_days": integer, "overdue_policy": map[string]any{"enum": clinic.OverduePolicies}, "writers_may_publish": boolean, "require_second_factor": boolean, "registration_country": str, "compliance": map[string]any{"type": "object"}, "version": integer}),
	"Doctor":         obj(map[string]any{"registration_number": str, "specialty": str, "credentials_expire_on": map[string]any{"type": "string", "format": "date"}, "verified": map[string]any{"type": "boolean", "readOnly": true}}),
	"NewMember":      obj(map[string]any{"email": str, "role": map[string]any{"enum": []string{"writer", "doctor", "clinic_admin"}}}, "email", "role"),
	"Invitation": map[string]any{"type": "object", "properties": map[string]any{"id": integer, "email": str, "role": str, "invited_by": nullInt,
		"status": map[string]any{"enum": []string{"pending", "expired", "accepted", "revoked"}}, "created_at": dateTime, "sent_at": dateTime, "expires_at": dateTime}},
	"InvitationList":   list("invitations", "Invitation"),
	"AcceptInvitation": obj(map[string]any{"token": str, "name": str, "password": str}, "token"),
	"ResetRequest":     obj(map[string]any{"email": str}, "email"),
	"ResetConfirm":     obj(map[string]any{"token": str, "password": str}, "token", "password"),
	"Accepted":         map[string]any{"type": "object"},
	"MemberPatch":      obj(map[string]any{"role": map[string]any{"enum": []string{"writer", "doctor", "clinic_admin"}}, "doctor": ref("Doctor")}),
	"Member":           map[string]any{"type": "object", "properties": map[string]any{"user_id": integer, "email": str, "name": str, "role": str, "doctor": ref("Doctor")}},
	"MemberList":       list("members", "Member"),
	"NewArticle":       obj(map[string]any{"title": str, "slug": str, "summary": str, "body": str, "tags": strList}, "title"),
	"ArticleUpdate":    obj(map[string]any{"title": str, "slug": str, "summary": str, "body": str, "tags": strList, "version": integer}, "title", "version"),
	"Approval":         map[string]any{"type": []string{"object", "null"}, "properties": map[string]any{"doctor": integer, "doctor_name": str, "registration_number": str, "revision": integer, "content_hash": str, "at": dateTime}},
	"Article": map[string]any{"type": "object", "properties": map[string]any{"id": integer, "clinic": str, "slug": str,
		"status":  map[string]any{"enum": []string{"draft", "in_review", "approved", "changes_requested", "scheduled", "published", "unpublished", "archived"}},
		"version": integer, "revision": integer, "content_hash": str, "live_revision": nullInt, "title": str, "summary": str, "body": str, "tags": strList,
		"author": str, "revised_by": str, "approval": ref("Approval"), "live_approval": ref("Approval"), "published_at": dateTime, "scheduled_at": dateTime, "unpublish_at": dateTime,
		"review_due_at": dateTime, "created_at": dateTime, "updated_at": dateTime}},
	"ArticleList":      map[string]any{"type": "object", "properties": map[string]any{"articles": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "next": str}},
	"Revision":         map[string]any{"type": "object", "properties": map[string]any{"number": integer, "title": str, "summary": str, "body": str, "tags": strList, "content_hash": str, "author_id": integer, "author_name": str, "restored_from": nullInt, "created_at": dateTime}},
	"RevisionList":     list("revisions", "Revision"),
	"ReviewList":       map[string]any{"type": "object", "properties": map[string]any{"reviews": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}},
	"Review":           obj(map[string]any{"decision": map[string]any{"enum": []string{"approve", "request_changes"}}, "revision": integer, "content_hash": str, "note": str, "attest": boolean, "signature": obj(map[string]any{"method": map[string]any{"enum": []string{"passkey", "password+totp", "password"}}, "password": str, "totp": str, "challenge_id": str, "assertion": map[string]any{"type": "object"}}, "method")}, "decision", "revision", "content_hash", "attest", "signature"),
	"Publish":          obj(map[string]any{"at": dateTime, "version": integer}),
	"VersionOnly":      obj(map[string]any{"version": integer}),
	"Unpublish":        obj(map[string]any{"at": dateTime, "version": integer}),
	"FailedJobList":    map[string]any{"type": "object", "properties": map[string]any{"jobs": map[string]any{"type": "array"}}},
	"Restore":          obj(map[string]any{"revision": integer, "version": integer}, "revision"),
	"Acknowledgement":  obj(map[string]any{"revision": integer, "content_hash": str, "finding": str, "reason": map[string]any{"type": "string", "minLength": 10}, "signature": obj(map[string]any{"method": map[string]any{"enum": []string{"passkey", "password+totp", "password"}}, "password": str, "totp": str, "challenge_id": str, "assertion": map[string]any{"type": "object"}}, "method")}, "revision", "content_hash", "finding", "reason", "signature"),
	"ChallengeRequest": obj(map[string]any{"revision": integer, "content_hash": str}, "revision", "content_hash"),
	"SignChallenge":    map[string]any{"type": "object", "properties": map[string]any{"challenge_id": str, "expires_at": dateTime, "options": map[string]any{"type": "object"}}},
	"SecondFactor":     obj(map[string]any{"ticket": str, "totp": str, "recovery_code": str, "assertion": map[string]any{"type": "object"}}, "ticket"),
	"DoctorProfile":    map[string]any{"type": "object", "properties": map[string]any{"user_id": integer, "name": str, "email": str, "registration_number": str, "register_country": str, "specialty": str, "credentials_expire_on": str, "languages": strList, "verified_at": dateTime, "verified_by": integer, "verification_reference": str, "verification_note": str, "credentials_status": str}},
	"DoctorPatch":      obj(map[string]any{"registration_number": str, "register_country": str, "specialty": str, "credentials_expire_on": str, "languages": strList}),
	"DoctorList":       list("doctors", "DoctorProfile"),
	"Verification":     obj(map[string]any{"reference": str, "note": str}, "reference"),
	"Email":            obj(map[string]any{"email": str}, "email"),
	"Factors":          map[string]any{"type": "object", "properties": map[string]any{"totp": boolean, "passkeys": map[string]any{"type": "array"}, "recovery_codes_left": integer}},
	"TOTPEnrolment":    map[string]any{"type": "object", "properties": map[string]any{"secret": str, "otpauth_url": str, "qr_png": str}},
	"Code":             obj(map[string]any{"code": str}, "code"),
	"PasswordOnly":     obj(map[string]any{"password": str}, "password"),
	"RecoveryCodes":    map[string]any{"type": "object", "properties": map[string]any{"recovery_codes": strList}},
	"PasskeyBegin":     map[string]any{"type": "object", "properties": map[string]any{"challenge_id": str, "options": map[string]any{"type": "object"}}},
	"PasskeyFinish":    obj(map[string]any{"challenge_id": str, "name": str, "credential": map[string]any{"type": "object"}}, "challenge_id", "credential"),
	"Record":           map[string]any{"type": "object", "properties": map[string]any{"clinic": str, "article_id": integer, "url": str, "audit_chain_head": str, "periods": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}},
	"LintRequest":      obj(map[string]any{"title": str, "summary": str, "body": str}),
	"LintResult":       map[string]any{"type": "object", "properties": map[string]any{"findings": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "blocking": integer}},
	"ReviewQueue":      map[string]any{"type": "object", "properties": map[string]any{"awaiting_review": map[string]any{"type": "array"}, "rereview_due": map[string]any{"type": "array"}}},
	"NewPreview":       obj(map[string]any{"revision": integer, "ttl_minutes": integer}),
	"Preview":          map[string]any{"type": "object", "properties": map[string]any{"id": integer, "revision": integer, "url": str, "created_at": dateTime, "expires_at": dateTime, "revoked_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"}}},
	"PreviewList":      list("previews", "Preview"),
	"AuditList":        map[string]any{"type": "object", "properties": map[string]any{"entries": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}},
}

var paramRE = regexp.MustCompile(`\{(\w+)\}`)

// OpenAPIDocument builds the OpenAPI 3.1 document from operations.
func OpenAPIDocument() map[string]any {
	paths := map[string]any{}
	problem := map[string]any{"description": "problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	for _, op := range operations {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{"summary": op.Summary, "description": "Who: " + op.Who + ".",
			"responses": map[string]any{"4XX": problem}}
		resp := map[string]any{"description": "success"}
		if op.Response != "" {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.Response)}}
		}
		o["responses"].(map[string]any)[op.Status] = resp
		if op.Request != "" {
			o["requestBody"] = map[string]any{"required": op.Method != "POST" || !strings.HasSuffix(op.Request, "Only") && op.Request != "Publish",
				"content": map[string]any{"application/json": map[string]any{"schema": ref(op.Request)}}}
		}
		var params []any
		for _, m := range paramRE.FindAllStringSubmatch(op.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Who != "anyone" {
			o["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"cookie": []string{}}}
		}
		item[strings.ToLower(op.Method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "ClinicPress API", "version": "1.0.0",
			"description": "Multi-clinic medical content with doctor sign-off. Errors are application/problem+json with a stable code."},
		"paths": paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie}}},
	}
}

var openAPIBytes = sync.OnceValue(func() []byte {
	b, _ := json.MarshalIndent(OpenAPIDocument(), "", "  ")
	return b
})

func openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/json")
	return c.Send(openAPIBytes())
}

// codeSchema is the problem code: one of errs.Codes, each with the HTTP
// status it always answers with and what the caller can do about it.
func codeSchema() map[string]any {
	codes := make([]string, 0, len(errs.Codes))
	info := map[string]any{}
	for c, i := range errs.Codes {
		codes = append(codes, string(c))
		info[string(c)] = map[string]any{"status": i.Status, "hint": i.Hint}
	}
	sort.Strings(codes)
	return map[string]any{"type": "string", "enum": codes, "x-codes": info}
}
