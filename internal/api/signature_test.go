package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/db"
	"github.com/clinicpress/clinicpress/internal/testenv"
)

func signedReview(e *testenv.Env, c testenv.Clinic, tok string, a art, sig any) testenv.Response {
	body := map[string]any{"decision": "approve", "revision": a.Revision, "content_hash": a.ContentHash, "attest": true}
	if sig != nil {
		body["signature"] = sig
	}
	return e.Do("POST", path(c.Slug, a.ID, "/reviews"), tok, body)
}

func inReview(e *testenv.Env, c testenv.Clinic, title string) art {
	a := e.Draft(c, c.Writer, title)
	e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
	return a
}

type challengeOut struct {
	ID      string          `json:"challenge_id"`
	Options json.RawMessage `json:"options"`
}

func challengeFor(e *testenv.Env, c testenv.Clinic, tok string, a art) challengeOut {
	var ch challengeOut
	e.MustDo("POST", path(c.Slug, a.ID, "/reviews/challenge"), tok, map[string]any{"revision": a.Revision, "content_hash": a.ContentHash}, 201, &ch)
	return ch
}

// enrolTOTP sets up an authenticator app for tok and returns its secret.
func enrolTOTP(t *testing.T, e *testenv.Env, tok string) string {
	var en struct{ Secret string }
	e.MustDo("POST", "/api/v1/me/totp", tok, nil, 201, &en)
	expect(t, e.Do("POST", "/api/v1/me/totp/confirm", tok, map[string]any{"code": "000000"}), 403, "totp_invalid")
	code, _ := totp.GenerateCode(en.Secret, e.Clock.Now())
	var out struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	e.MustDo("POST", "/api/v1/me/totp/confirm", tok, map[string]any{"code": code}, 200, &out)
	if len(out.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes: %v", out.RecoveryCodes)
	}
	return en.Secret
}

// enrolPasskey registers a software authenticator's passkey for tok.
func enrolPasskey(t *testing.T, e *testenv.Env, tok string) *testenv.Authenticator {
	au := testenv.NewAuthenticator(t)
	var begin struct {
		ChallengeID string          `json:"challenge_id"`
		Options     json.RawMessage `json:"options"`
	}
	e.MustDo("POST", "/api/v1/me/passkeys/begin", tok, nil, 201, &begin)
	e.MustDo("POST", "/api/v1/me/passkeys/finish", tok, map[string]any{"challenge_id": begin.ChallengeID, "name": "Test key",
		"credential": au.Create(begin.Options)}, 201, nil)
	return au
}

// TestSignatureRefusals: every way a sign-off can lack a valid electronic
// signature is refused, and nothing is recorded.
func TestSignatureRefusals(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("sig")
		a := inReview(e, c, "Needs a signature")
		expect(t, signedReview(e, c, c.Doctor, a, nil), 422, "signature_required")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password"}), 422, "signature_required")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password", "password": "wrong password!"}), 403, "signature_invalid")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "passkey", "challenge_id": "x", "assertion": map[string]any{}}), 422, "signature_required")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password+totp", "password": testenv.Password, "totp": "123456"}), 422, "signature_required")
		if n := countRows(t, d, "reviews"); n != 0 {
			t.Fatalf("%d reviews recorded without a signature", n)
		}

		// Stale: a challenge for this revision does not sign the next one.
		ch := challengeFor(e, c, c.Doctor, a)
		e.MustDo("PUT", path(c.Slug, a.ID, ""), c.Writer, map[string]any{"title": a.Title, "body": "changed text", "version": a.Version}, 200, &a)
		e.MustDo("POST", path(c.Slug, a.ID, "/submit"), c.Writer, nil, 200, &a)
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password", "password": testenv.Password, "challenge_id": ch.ID}), 409, "signature_stale")
		// ...nor another article; a used or expired one fails too.
		b := inReview(e, c, "Another text")
		ch = challengeFor(e, c, c.Doctor, a)
		expect(t, signedReview(e, c, c.Doctor, b, map[string]any{"method": "password", "password": testenv.Password, "challenge_id": ch.ID}), 409, "signature_stale")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password", "password": testenv.Password, "challenge_id": ch.ID}), 409, "signature_reused")
		ch = challengeFor(e, c, c.Doctor, a)
		e.Clock.Advance(5*time.Minute + time.Second)
		e.SignInAgain(&c)
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password", "password": testenv.Password, "challenge_id": ch.ID}), 409, "signature_expired")
		// Another person's challenge is unknown to this doctor.
		ch = challengeFor(e, c, c.Doctor2, a)
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password", "password": testenv.Password, "challenge_id": ch.ID}), 403, "challenge_invalid")
		// A challenge for a stale revision is refused at once.
		expect(t, e.Do("POST", path(c.Slug, a.ID, "/reviews/challenge"), c.Doctor, map[string]any{"revision": 1, "content_hash": "sha256:00"}), 409, "stale_revision")
		if n := countRows(t, d, "reviews"); n != 0 {
			t.Fatalf("%d reviews recorded", n)
		}

		// An account a clinic admin created, with a password the admin
		// knows, cannot sign: its profile was never verified by anyone
		// but the admin, and when the clinic requires a second factor it
		// cannot even open the clinic.
		// The admin invites an address they control and accepts it with a
		// password of their choosing: the invitation flow cannot tell.
		var made struct{ UserID int64 }
		_, made.UserID = e.AddMember(c, c.Admin, "puppet@sig.test", "Dr Puppet", authz.RoleDoctor)
		e.MustDo("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", c.Slug, made.UserID), c.Admin, map[string]any{
			"doctor": map[string]string{"registration_number": "M99999Z", "credentials_expire_on": "2030-01-01"}}, 200, nil)
		var lg struct{ Token string }
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "puppet@sig.test", "password": testenv.Password}, 200, &lg)
		expect(t, signedReview(e, c, lg.Token, a, map[string]any{"method": "password", "password": testenv.Password}), 403, "doctor_unverified")
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, c.Admin, map[string]any{"require_second_factor": true}, 200, nil)
		expect(t, e.Do("GET", path(c.Slug, a.ID, ""), lg.Token, nil), 403, "second_factor_required")
		expect(t, e.Do("GET", path(c.Slug, a.ID, ""), c.Admin, nil), 403, "second_factor_required")
		expect(t, e.Do("GET", "/api/v1/me", lg.Token, nil), 200, "")
		// Even verified, a doctor without a second factor is refused.
		e.VerifyDoctor(made.UserID)
		expect(t, signedReview(e, c, lg.Token, a, map[string]any{"method": "password", "password": testenv.Password}), 403, "second_factor_required")
		// Writers are not asked for a second factor.
		expect(t, e.Do("GET", path(c.Slug, a.ID, ""), c.Writer, nil), 200, "")

		// An expired doctor cannot sign either.
		e.MustDo("PATCH", "/api/v1/clinics/"+c.Slug, e.Platform, map[string]any{"require_second_factor": false}, 200, nil)
		e.MustDo("PATCH", "/api/v1/me/doctor-profile", c.Doctor2, map[string]any{"credentials_expire_on": "2026-03-01"}, 200, nil)
		expect(t, signedReview(e, c, c.Doctor2, a, testenv.Sign), 403, "credentials_expired")
		if n := countRows(t, d, "reviews"); n != 0 {
			t.Fatalf("%d reviews recorded", n)
		}
	})
}

// TestSignatureMethods: password+TOTP when the doctor has an authenticator
// app, a passkey assertion over a challenge bound to the revision; the
// review and its audit entry record signer, method, time and attestation.
func TestSignatureMethods(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("sigm")
		secret := enrolTOTP(t, e, c.Doctor)
		a := inReview(e, c, "Signed with a code")
		expect(t, signedReview(e, c, c.Doctor, a, testenv.Sign), 422, "signature_required")
		code, _ := totp.GenerateCode(secret, e.Clock.Now().Add(30*time.Second))
		e.Clock.Advance(30 * time.Second)
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password+totp", "password": testenv.Password, "totp": "000000"}), 403, "signature_invalid")
		expect(t, signedReview(e, c, c.Doctor, a, map[string]any{"method": "password+totp", "password": testenv.Password, "totp": code}), 200, "")
		b := inReview(e, c, "The same code twice")
		expect(t, signedReview(e, c, c.Doctor, b, map[string]any{"method": "password+totp", "password": testenv.Password, "totp": code}), 409, "signature_reused")

		var rs struct {
			Reviews []struct {
				DoctorID        int64  `json:"doctor_id"`
				SignatureMethod string `json:"signature_method"`
				Attestation     string `json:"attestation"`
			}
		}
		e.MustDo("GET", path(c.Slug, a.ID, "/reviews"), c.Writer, nil, 200, &rs)
		if len(rs.Reviews) != 1 || rs.Reviews[0].SignatureMethod != "password+totp" || rs.Reviews[0].DoctorID != c.DoctorID ||
			!strings.Contains(rs.Reviews[0].Attestation, a.ContentHash) {
			t.Fatalf("reviews %+v", rs.Reviews)
		}
		var au struct {
			Entries []struct {
				Action string         `json:"action"`
				After  map[string]any `json:"after"`
			}
		}
		e.MustDo("GET", path(c.Slug, a.ID, "/audit"), c.Writer, nil, 200, &au)
		found := false
		for _, en := range au.Entries {
			if en.Action == "review.approved" {
				found = en.After["signature_method"] == "password+totp" && en.After["signed_by"] == float64(c.DoctorID) && en.After["signed_at"] != nil
			}
		}
		if !found {
			t.Fatalf("audit entry lacks the signature: %+v", au.Entries)
		}
		e.MustDo("POST", path(c.Slug, a.ID, "/publish"), c.Admin, nil, 200, nil)
		rec := e.Do("GET", path(c.Slug, a.ID, "/record")+"?format=html", c.Writer, nil)
		if !strings.Contains(string(rec.Body), fmt.Sprintf("Dr Doctor sigm (user %d) at %s with password&#43;totp", c.DoctorID, e.Clock.Now().UTC().Format("2006-01-02 15:04:05 UTC"))) ||
			!strings.Contains(string(rec.Body), "I have medically reviewed revision 1") {
			t.Fatalf("record does not show the signature method: %s", rec.Body)
		}

		// Sign-in now asks for the second factor; a code works once, a
		// recovery code once.
		var step struct {
			SecondFactorRequired bool     `json:"second_factor_required"`
			Ticket               string   `json:"ticket"`
			Methods              []string `json:"methods"`
			Token                string   `json:"token"`
		}
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "doctor@sigm.test", "password": testenv.Password}, 200, &step)
		if !step.SecondFactorRequired || step.Token != "" || step.Ticket == "" {
			t.Fatalf("login without second step: %+v", step)
		}
		expect(t, e.Do("POST", "/api/v1/auth/second-factor", "", map[string]any{"ticket": step.Ticket, "totp": "000000"}), 401, "invalid_credentials")
		expect(t, e.Do("POST", "/api/v1/auth/second-factor", "", map[string]any{"ticket": step.Ticket, "totp": code}), 401, "unauthenticated")
		e.Clock.Advance(30 * time.Second)
		code, _ = totp.GenerateCode(secret, e.Clock.Now())
		e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "doctor@sigm.test", "password": testenv.Password}, 200, &step)
		var sess struct{ Token string }
		e.MustDo("POST", "/api/v1/auth/second-factor", "", map[string]any{"ticket": step.Ticket, "totp": code}, 200, &sess)
		expect(t, e.Do("GET", "/api/v1/me", sess.Token, nil), 200, "")
		var codes struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}
		e.MustDo("POST", "/api/v1/me/recovery-codes", sess.Token, map[string]any{"password": testenv.Password}, 201, &codes)
		for i := 0; i < 2; i++ {
			e.MustDo("POST", "/api/v1/auth/login", "", map[string]string{"email": "doctor@sigm.test", "password": testenv.Password}, 200, &step)
			r := e.Do("POST", "/api/v1/auth/second-factor", "", map[string]any{"ticket": step.Ticket, "recovery_code": codes.RecoveryCodes[0]})
			if want := []int{200, 401}[i]; r.Status != want {
				t.Fatalf("recovery code use %d: %d %s", i+1, r.Status, r.Body)
			}
		}

		// Passkey: the assertion answers a challenge derived from the
		// article, revision and hash; it signs once.
		key := enrolPasskey(t, e, c.Doctor2)
		p := inReview(e, c, "Signed with a passkey")
		expect(t, signedReview(e, c, c.Doctor2, p, testenv.Sign), 422, "signature_required")
		ch := challengeFor(e, c, c.Doctor2, p)
		assertion := key.Get(ch.Options)
		sig := map[string]any{"method": "passkey", "challenge_id": ch.ID, "assertion": assertion}
		expect(t, signedReview(e, c, c.Doctor2, p, sig), 200, "")
		q := inReview(e, c, "The same assertion twice")
		expect(t, signedReview(e, c, c.Doctor2, q, sig), 409, "signature_reused")
		// An assertion over another challenge does not fit.
		ch2 := challengeFor(e, c, c.Doctor2, q)
		ch3 := challengeFor(e, c, c.Doctor2, q)
		expect(t, signedReview(e, c, c.Doctor2, q, map[string]any{"method": "passkey", "challenge_id": ch2.ID, "assertion": key.Get(ch3.Options)}), 403, "signature_invalid")
		ch4 := challengeFor(e, c, c.Doctor2, q)
		expect(t, signedReview(e, c, c.Doctor2, q, map[string]any{"method": "passkey", "challenge_id": ch4.ID, "assertion": key.Get(ch4.Options)}), 200, "")
		e.MustDo("GET", path(c.Slug, p.ID, "/reviews"), c.Writer, nil, 200, &rs)
		if len(rs.Reviews) != 1 || rs.Reviews[0].SignatureMethod != "passkey" {
			t.Fatalf("passkey review %+v", rs.Reviews)
		}
	})
}

// TestCredentialVerifier: only credential verifiers see and verify
// doctors; a clinic admin of the doctor's clinic cannot verify them even
// when granted the role, nor can anyone verify themselves.
func TestCredentialVerifier(t *testing.T) {
	testenv.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := testenv.New(t, d)
		c := e.NewClinic("ver")
		other := e.NewClinic("ver-other")
		var made struct{ UserID int64 }
		_, made.UserID = e.AddMember(c, c.Admin, "new@ver.test", "Dr New", authz.RoleDoctor)
		e.MustDo("PATCH", fmt.Sprintf("/api/v1/clinics/%s/members/%d", c.Slug, made.UserID), c.Admin, map[string]any{
			"doctor": map[string]string{"registration_number": "M77777Z", "credentials_expire_on": "2030-01-01"}}, 200, nil)
		var pending struct {
			Doctors []struct {
				UserID  int64    `json:"user_id"`
				Status  string   `json:"credentials_status"`
				Clinics []string `json:"clinics"`
			}
		}
		e.MustDo("GET", "/api/v1/doctors/pending", e.Verifier, nil, 200, &pending)
		if len(pending.Doctors) != 1 || pending.Doctors[0].UserID != made.UserID || pending.Doctors[0].Status != "unverified" || pending.Doctors[0].Clinics[0] != c.Slug {
			t.Fatalf("pending %+v", pending.Doctors)
		}
		verify := func(tok string, uid int64) testenv.Response {
			return e.Do("POST", fmt.Sprintf("/api/v1/doctors/%d/verification", uid), tok, map[string]any{"reference": "SMC register, searched M77777Z"})
		}
		expect(t, verify(c.Admin, made.UserID), 403, "forbidden")
		expect(t, e.Do("POST", "/api/v1/credential-verifiers", c.Admin, map[string]any{"email": "admin@ver.test"}), 403, "forbidden")
		e.MustDo("POST", "/api/v1/credential-verifiers", e.Platform, map[string]any{"email": "admin@ver.test"}, 204, nil)
		e.MustDo("POST", "/api/v1/credential-verifiers", e.Platform, map[string]any{"email": "admin@ver-other.test"}, 204, nil)
		expect(t, verify(c.Admin, made.UserID), 403, "verifier_conflict")
		expect(t, verify(e.Verifier, c.WriterID), 404, "not_found")
		// The other clinic's admin is someone other than this clinic's admin.
		var v struct {
			VerifiedAt            *time.Time `json:"verified_at"`
			VerifiedBy            *int64     `json:"verified_by"`
			VerificationReference string     `json:"verification_reference"`
		}
		e.MustDo("POST", fmt.Sprintf("/api/v1/doctors/%d/verification", made.UserID), other.Admin, map[string]any{"reference": "SMC register entry", "note": "checked by phone"}, 200, &v)
		if v.VerifiedAt == nil || v.VerifiedBy == nil || *v.VerifiedBy != other.AdminID || v.VerificationReference != "SMC register entry" {
			t.Fatalf("verification %+v", v)
		}
		e.MustDo("GET", "/api/v1/doctors/pending", e.Verifier, nil, 200, &pending)
		if len(pending.Doctors) != 0 {
			t.Fatalf("still pending %+v", pending.Doctors)
		}
		// A verifier who is also a doctor cannot verify themselves.
		e.MustDo("POST", "/api/v1/credential-verifiers", e.Platform, map[string]any{"email": "doctor@ver.test"}, 204, nil)
		expect(t, verify(c.Doctor, c.DoctorID), 403, "verifier_conflict")
		// The admin screen's members list shows the profile as verified.
		var ms struct {
			Members []struct {
				UserID int64 `json:"user_id"`
				Doctor *struct {
					Verified bool `json:"verified"`
				} `json:"doctor"`
			}
		}
		e.MustDo("GET", "/api/v1/clinics/"+c.Slug+"/members", c.Admin, nil, 200, &ms)
		for _, m := range ms.Members {
			if m.UserID == made.UserID && (m.Doctor == nil || !m.Doctor.Verified) {
				t.Fatalf("member %+v", m)
			}
		}
		// Verification expires with the practising certificate: 30 days
		// before it the doctor is flagged (and listed again for a check).
		e.Clock.Advance(time.Duration(24*(time.Date(2029, 12, 15, 0, 0, 0, 0, time.UTC).Sub(testenv.Start).Hours()/24)) * time.Hour)
		e.SignInAgain(&c)
		e.MustDo("GET", "/api/v1/doctors/pending", e.Verifier, nil, 200, &pending)
		if len(pending.Doctors) == 0 || pending.Doctors[len(pending.Doctors)-1].Status != "expiring" {
			t.Fatalf("not flagged: %+v", pending.Doctors)
		}
	})
}
