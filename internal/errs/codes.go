// The error codes, in one table sorted by code.

package errs

import "net/http"

// Code is a stable, machine-readable error code. Every code the product
// answers with is one of the constants below; TestCodes fails when a code
// is used without being listed here, with another status than listed,
// or without an entry in the README and the OpenAPI document.
type Code string

// The codes.
const (
	CodeAlreadyAcknowledged  Code = "already_acknowledged"
	CodeAlreadyMember        Code = "already_member"
	CodeAlreadyPublished     Code = "already_published"
	CodeAltRequired          Code = "alt_required"
	CodeArchiveTampered      Code = "archive_tampered"
	CodeBadHost              Code = "bad_host"
	CodeBadRequest           Code = "bad_request"
	CodeBodyTooLarge         Code = "body_too_large"
	CodeBusy                 Code = "busy"
	CodeChallengeInvalid     Code = "challenge_invalid"
	CodeClinicExists         Code = "clinic_exists"
	CodeCodeRequired         Code = "code_required"
	CodeComplianceBlocked    Code = "compliance_blocked"
	CodeCredentialsExpired   Code = "credentials_expired"
	CodeCSRF                 Code = "csrf"
	CodeCSRFFailed           Code = "csrf_failed"
	CodeCSVInvalid           Code = "csv_invalid"
	CodeDoctorNotRegistered  Code = "doctor_not_registered"
	CodeDoctorUnverified     Code = "doctor_unverified"
	CodeEmailTaken           Code = "email_taken"
	CodeForbidden            Code = "forbidden"
	CodeHostnameTaken        Code = "hostname_taken"
	CodeImageTooLarge        Code = "image_too_large"
	CodeInUse                Code = "in_use"
	CodeInternal             Code = "internal"
	CodeInvalidAddress       Code = "invalid_address"
	CodeInvalidCode          Code = "invalid_code"
	CodeInvalidCredentials   Code = "invalid_credentials"
	CodeInvalidQuery         Code = "invalid_query"
	CodeInvalidState         Code = "invalid_state"
	CodeInvalidTime          Code = "invalid_time"
	CodeInvalidType          Code = "invalid_type"
	CodeInvitationExpired    Code = "invitation_expired"
	CodeInvitationNotFound   Code = "invitation_not_found"
	CodeInvitationRevoked    Code = "invitation_revoked"
	CodeInvitationUsed       Code = "invitation_used"
	CodeLastAdmin            Code = "last_admin"
	CodeMailUnavailable      Code = "mail_unavailable"
	CodeMalformedJSON        Code = "malformed_json"
	CodeMethodNotAllowed     Code = "method_not_allowed"
	CodeNotADoctor           Code = "not_a_doctor"
	CodeNotApproved          Code = "not_approved"
	CodeNotFound             Code = "not_found"
	CodeNotPublished         Code = "not_published"
	CodeNotScheduled         Code = "not_scheduled"
	CodePasskeyInvalid       Code = "passkey_invalid"
	CodePasskeyUnreadable    Code = "passkey_unreadable"
	CodeProfileVerified      Code = "profile_verified"
	CodeRecoveryCodeInvalid  Code = "recovery_code_invalid"
	CodeRedirectExists       Code = "redirect_exists"
	CodeRedirectLoop         Code = "redirect_loop"
	CodeRetryLater           Code = "retry_later"
	CodeSecondFactorMissing  Code = "second_factor_missing"
	CodeSecondFactorRequired Code = "second_factor_required"
	CodeSelfApproval         Code = "self_approval"
	CodeSignInRequired       Code = "sign_in_required"
	CodeSignatureExpired     Code = "signature_expired"
	CodeSignatureInvalid     Code = "signature_invalid"
	CodeSignatureRequired    Code = "signature_required"
	CodeSignatureReused      Code = "signature_reused"
	CodeSignatureStale       Code = "signature_stale"
	CodeSlugLocked           Code = "slug_locked"
	CodeSlugTaken            Code = "slug_taken"
	CodeStaleRevision        Code = "stale_revision"
	CodeStorageFull          Code = "storage_full"
	CodeTimeout              Code = "timeout"
	CodeTokenExpired         Code = "token_expired"
	CodeTokenNotFound        Code = "token_not_found"
	CodeTokenUsed            Code = "token_used"
	CodeTooLarge             Code = "too_large"
	CodeTooManyAttempts      Code = "too_many_attempts"
	CodeTOTPEnrolled         Code = "totp_enrolled"
	CodeTOTPInvalid          Code = "totp_invalid"
	CodeUnauthenticated      Code = "unauthenticated"
	CodeUnavailable          Code = "unavailable"
	CodeUnknownField         Code = "unknown_field"
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeUploadUnreadable     Code = "upload_unreadable"
	CodeUserConflict         Code = "user_conflict"
	CodeValidationFailed     Code = "validation_failed"
	CodeVerifierConflict     Code = "verifier_conflict"
	CodeVersionConflict      Code = "version_conflict"
	CodeWrongAccount         Code = "wrong_account"
	CodeWrongPassword        Code = "wrong_password"
	CodeWXRNotExport         Code = "wxr_not_export"
	CodeWXRUploadsInvalid    Code = "wxr_uploads_invalid"
)

// CodeInfo is what a code means for the HTTP layer (its status) and for a
// person (what to do next, shown under the message in the admin).
type CodeInfo struct {
	Status int
	Hint   string
}

// Codes lists every code with its status and hint.
var Codes = map[Code]CodeInfo{
	CodeAlreadyAcknowledged:  {http.StatusConflict, "The finding is already acknowledged; reload to see it."},
	CodeAlreadyMember:        {http.StatusConflict, "Change their role in the members list instead."},
	CodeAlreadyPublished:     {http.StatusConflict, "Nothing to do: this revision is already live."},
	CodeAltRequired:          {http.StatusUnprocessableEntity, "Describe each image in a few words (alt text) in the media library, then try again."},
	CodeArchiveTampered:      {http.StatusBadRequest, "The archive was changed after it was exported; export it again from the source."},
	CodeBadHost:              {http.StatusBadRequest, "Open the admin through its normal address (not an IP address) and try again."},
	CodeBadRequest:           {http.StatusBadRequest, "Check the request against the API reference."},
	CodeBodyTooLarge:         {http.StatusRequestEntityTooLarge, "Send a smaller request."},
	CodeBusy:                 {http.StatusServiceUnavailable, "The server is busy; wait a few seconds and try again."},
	CodeChallengeInvalid:     {http.StatusForbidden, "Reload the page and sign again."},
	CodeClinicExists:         {http.StatusConflict, "Choose another clinic address (slug), or remove the existing clinic first."},
	CodeCodeRequired:         {http.StatusUnauthorized, "Enter the 6-digit code we emailed you (or a code from your authenticator app)."},
	CodeComplianceBlocked:    {http.StatusConflict, "Fix or acknowledge the advertising-rule findings first."},
	CodeCredentialsExpired:   {http.StatusForbidden, "Update the practising-certificate date under Security & profile; a credential verifier then checks it."},
	CodeCSRF:                 {http.StatusForbidden, "This form expired or came from another site. Reload the page and try again."},
	CodeCSRFFailed:           {http.StatusForbidden, "Send the X-CSRF-Token header, or call from the same origin."},
	CodeCSVInvalid:           {http.StatusBadRequest, "Check the CSV file (two columns: old path, new path) and upload it again."},
	CodeDoctorNotRegistered:  {http.StatusForbidden, "Add the registration number to the doctor profile; a credential verifier then checks it."},
	CodeDoctorUnverified:     {http.StatusForbidden, "A credential verifier (not the clinic admin) must check the registration first."},
	CodeEmailTaken:           {http.StatusConflict, "Use another email address, or sign in with the existing account."},
	CodeForbidden:            {http.StatusForbidden, "Ask a clinic admin if you need this."},
	CodeHostnameTaken:        {http.StatusConflict, "Remove it from the other clinic first, or use another hostname."},
	CodeImageTooLarge:        {http.StatusUnprocessableEntity, "Use a smaller image (fewer pixels) and upload it again."},
	CodeInUse:                {http.StatusConflict, "Remove it where it is used first."},
	CodeInternal:             {http.StatusInternalServerError, "Something went wrong on our side; try again, and tell the platform admin if it keeps happening."},
	CodeInvalidAddress:       {http.StatusUnprocessableEntity, "Enter one email address, like name@example.com."},
	CodeInvalidCode:          {http.StatusUnauthorized, "Check the code and try again, or ask for a new one."},
	CodeInvalidCredentials:   {http.StatusUnauthorized, "Check the email and password and try again."},
	CodeInvalidQuery:         {http.StatusBadRequest, "Clear the filters and try again."},
	CodeInvalidState:         {http.StatusConflict, "Reload to see the article's current state."},
	CodeInvalidTime:          {http.StatusBadRequest, "Enter the time like 2026-05-01 09:30."},
	CodeInvalidType:          {http.StatusBadRequest, "Send the field with the type the API reference gives."},
	CodeInvitationExpired:    {http.StatusGone, "Ask the clinic admin to send the invitation again."},
	CodeInvitationNotFound:   {http.StatusNotFound, "Check that you opened the whole link from the mail."},
	CodeInvitationRevoked:    {http.StatusGone, "Ask the clinic admin if you think this is a mistake."},
	CodeInvitationUsed:       {http.StatusGone, "Sign in with the account you made when you accepted it."},
	CodeLastAdmin:            {http.StatusConflict, "Make someone else a clinic admin first."},
	CodeMailUnavailable:      {http.StatusServiceUnavailable, "Mail cannot be sent right now; try again later."},
	CodeMalformedJSON:        {http.StatusBadRequest, "Send a valid JSON object."},
	CodeMethodNotAllowed:     {http.StatusMethodNotAllowed, "Use the method the API reference gives for this route."},
	CodeNotADoctor:           {http.StatusForbidden, "Ask one of the clinic's doctors to review it."},
	CodeNotApproved:          {http.StatusConflict, "Submit it for review and wait for a doctor's approval of this exact revision."},
	CodeNotFound:             {http.StatusNotFound, "It may have been removed, or it belongs to a clinic you are not a member of."},
	CodeNotPublished:         {http.StatusConflict, "Reload to see the article's current state."},
	CodeNotScheduled:         {http.StatusConflict, "Nothing to cancel: no time is set."},
	CodePasskeyInvalid:       {http.StatusForbidden, "Try the passkey again, or use another second factor."},
	CodePasskeyUnreadable:    {http.StatusBadRequest, "Try again; if it keeps failing, use another browser or second factor."},
	CodeProfileVerified:      {http.StatusForbidden, "Only the doctor can change a verified registration, and it is checked again."},
	CodeRecoveryCodeInvalid:  {http.StatusForbidden, "Check the code; each recovery code works once."},
	CodeRedirectExists:       {http.StatusConflict, "Edit the existing redirect instead."},
	CodeRedirectLoop:         {http.StatusConflict, "Point the redirect somewhere that does not lead back."},
	CodeRetryLater:           {http.StatusServiceUnavailable, "Try again in a moment."},
	CodeSecondFactorMissing:  {http.StatusBadRequest, "Enter a code from your authenticator app, a recovery code, or use your passkey."},
	CodeSecondFactorRequired: {http.StatusForbidden, "Set up a passkey or an authenticator app under Security & profile first."},
	CodeSelfApproval:         {http.StatusForbidden, "Another doctor of this clinic must review it (four-eyes rule)."},
	CodeSignInRequired:       {http.StatusUnauthorized, "Sign in first, then open the link again."},
	CodeSignatureExpired:     {http.StatusConflict, "Reload the page and sign again."},
	CodeSignatureInvalid:     {http.StatusForbidden, "Check your password or code and sign again."},
	CodeSignatureRequired:    {http.StatusUnprocessableEntity, "Confirm it is you (passkey, or password and code) and sign again."},
	CodeSignatureReused:      {http.StatusConflict, "Reload the page and sign again."},
	CodeSignatureStale:       {http.StatusConflict, "The text changed: reload the page, read it again and sign again."},
	CodeSlugLocked:           {http.StatusConflict, "Keep the slug of a published article; add a redirect if the address must change."},
	CodeSlugTaken:            {http.StatusConflict, "Choose another slug."},
	CodeStaleRevision:        {http.StatusConflict, "The text changed while you were reading it; reload and review it again."},
	CodeStorageFull:          {http.StatusInsufficientStorage, "The server's storage is full; tell the platform admin."},
	CodeTimeout:              {http.StatusRequestTimeout, "Send the request again."},
	CodeTokenExpired:         {http.StatusGone, "Ask for a new link."},
	CodeTokenNotFound:        {http.StatusNotFound, "Check that you opened the whole link from the mail."},
	CodeTokenUsed:            {http.StatusGone, "This link was already used; ask for a new one if you need it."},
	CodeTooLarge:             {http.StatusRequestEntityTooLarge, "Send something smaller."},
	CodeTooManyAttempts:      {http.StatusTooManyRequests, "Wait a few minutes, then try again."},
	CodeTOTPEnrolled:         {http.StatusConflict, "Remove the current authenticator app first."},
	CodeTOTPInvalid:          {http.StatusForbidden, "Check the 6-digit code from your authenticator app and try again."},
	CodeUnauthenticated:      {http.StatusUnauthorized, "Sign in again."},
	CodeUnavailable:          {http.StatusServiceUnavailable, "The service is not available right now; try again shortly."},
	CodeUnknownField:         {http.StatusBadRequest, "Leave out the fields the API reference does not list."},
	CodeUnsupportedMediaType: {http.StatusUnsupportedMediaType, "Upload a JPEG, PNG, WebP or GIF image."},
	CodeUploadUnreadable:     {http.StatusBadRequest, "Upload the file again."},
	CodeUserConflict:         {http.StatusConflict, "The archive's account clashes with an existing one; resolve it before restoring."},
	CodeValidationFailed:     {http.StatusUnprocessableEntity, "Correct the fields and try again."},
	CodeVerifierConflict:     {http.StatusForbidden, "Another credential verifier must check this doctor."},
	CodeVersionConflict:      {http.StatusConflict, "Someone else changed it while you were working; reload, then try again."},
	CodeWrongAccount:         {http.StatusForbidden, "Sign in with the account the invitation was sent to."},
	CodeWrongPassword:        {http.StatusForbidden, "Check your current password and try again."},
	CodeWXRNotExport:         {http.StatusBadRequest, "Upload the XML file from WordPress's Tools → Export."},
	CodeWXRUploadsInvalid:    {http.StatusBadRequest, "Check the uploads folder given to the importer."},
}

// StatusOf is the HTTP status for code (500 for a code not listed).
func StatusOf(code Code) int {
	if i, ok := Codes[code]; ok {
		return i.Status
	}
	return http.StatusInternalServerError
}

// HintOf says what a person can do about code ("" when not listed).
func HintOf(code Code) string { return Codes[code].Hint }
