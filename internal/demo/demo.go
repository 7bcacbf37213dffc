// Package demo seeds two demo clinics with people and articles in several
// workflow states, idempotently, through the same services the API uses.
package demo

import (
	"context"
	"fmt"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/app"
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

// Password is every demo account's password.
const Password = "demo-password-2026"

// Login is one demo account.
type Login struct{ Clinic, Role, Email string }

type person struct {
	email, name string
	role        authz.Role
	doctor      *clinic.DoctorProfile
}

type demoArticle struct {
	by    int // index into people: the writer
	state string
	draft article.Draft
	edit  string // if set, a later edit appended to the body after publishing
}

type demoClinic struct {
	slug, name, host, theme string
	branding                clinic.Branding
	people                  []person // 0 admin, 1 writer, 2 and 3 doctors
	articles                []demoArticle
}

// Clinics returns the demo clinic slugs.
func Clinics() []string {
	out := make([]string, len(clinics))
	for i, c := range clinics {
		out[i] = c.slug
	}
	return out
}

const (
	platformEmail = "platform@clinicpress.example"
	verifierEmail = "verifier@clinicpress.example"
)

// Seed creates what is missing of the demo data and returns the logins.
func Seed(ctx context.Context, a *app.App) ([]Login, error) {
	logins := []Login{{"(platform)", "platform_admin", platformEmail}}
	root, err := ensureUser(ctx, a, platformEmail, "Platform Operator", true)
	if err != nil {
		return nil, err
	}
	op := root.Actor("demo")
	// The demo's credential verifier (a platform-level role) has checked
	// the demo doctors' registrations, so they can sign off.
	logins = append(logins, Login{"(platform)", "credential_verifier", verifierEmail})
	ver, err := ensureUser(ctx, a, verifierEmail, "Credential Verifier", false)
	if err != nil {
		return nil, err
	}
	if err := a.Clinics.GrantVerifierAsOperator(ctx, verifierEmail); err != nil {
		return nil, err
	}
	verifier := ver.Actor("demo")
	for _, dc := range clinics {
		for _, p := range dc.people {
			logins = append(logins, Login{dc.slug, string(p.role), p.email})
		}
		if _, err := a.Clinics.BySlug(ctx, dc.slug); err == nil {
			continue // already seeded
		}
		if err := seedClinic(ctx, a, op, verifier, dc); err != nil {
			return nil, fmt.Errorf("%s: %w", dc.slug, err)
		}
	}
	return logins, nil
}

func ensureUser(ctx context.Context, a *app.App, email, name string, platform bool) (account.User, error) {
	u, err := a.Accounts.ByEmail(ctx, email)
	if err == nil {
		return u, nil
	}
	if !errs.HasCode(err, "not_found") {
		return u, err
	}
	return a.Accounts.Create(ctx, account.NewUser{Email: email, Name: name, Password: Password, PlatformAdmin: platform})
}

func seedClinic(ctx context.Context, a *app.App, op, verifier authz.Actor, dc demoClinic) error {
	if _, err := a.Clinics.Create(ctx, op, clinic.NewClinic{Slug: dc.slug, Name: dc.name, Hostnames: []string{dc.host}}); err != nil {
		return err
	}
	actors := make([]authz.Actor, len(dc.people))
	opScope, err := a.Clinics.Resolve(ctx, op, dc.slug)
	if err != nil {
		return err
	}
	// As the operator would: each person's account is made as with
	// "clinicpress user create", then they are invited and accept, so no
	// admin ever sets anyone's password through the product.
	for i, p := range dc.people {
		u, err := ensureUser(ctx, a, p.email, p.name, false)
		if err != nil {
			return err
		}
		inv, err := a.Clinics.Invite(ctx, opScope, p.email, p.role)
		if err != nil {
			return err
		}
		actors[i] = u.Actor("demo")
		if _, err := a.Clinics.AcceptInvitation(ctx, clinic.AcceptInput{Token: inv.Token, Actor: actors[i]}); err != nil {
			return err
		}
		if p.doctor != nil {
			if _, err := a.Clinics.UpdateMember(ctx, opScope, u.ID, clinic.MemberPatch{Doctor: p.doctor}); err != nil {
				return err
			}
		}
		if p.doctor != nil {
			if _, err := a.Clinics.VerifyDoctor(ctx, verifier, u.ID, clinic.Verification{Reference: "demo data: register entry " + p.doctor.RegistrationNumber}); err != nil {
				return err
			}
		}
	}
	scopes := make([]clinic.Scope, len(actors))
	for i, act := range actors {
		if scopes[i], err = a.Clinics.Resolve(ctx, act, dc.slug); err != nil {
			return err
		}
	}
	b := dc.branding
	theme, branding := dc.theme, clinic.BrandingPatch{Tagline: &b.Tagline, LogoURL: &b.LogoURL, PrimaryColor: &b.PrimaryColor,
		Phone: &b.Phone, Email: &b.Email, Address: &b.Address, FooterNotice: &b.FooterNotice}
	if _, err := a.Clinics.Update(ctx, scopes[0], clinic.Patch{Theme: &theme, Branding: &branding}); err != nil {
		return err
	}
	for _, da := range dc.articles {
		if err := seedArticle(ctx, a, scopes, da); err != nil {
			return fmt.Errorf("article %q: %w", da.draft.Title, err)
		}
	}
	return nil
}

func seedArticle(ctx context.Context, a *app.App, who []clinic.Scope, da demoArticle) error {
	writer, admin, doctor := who[da.by], who[0], who[2]
	if writer.Actor().UserID == doctor.Actor().UserID {
		doctor = who[3]
	}
	v, err := a.Articles.Create(ctx, writer, da.draft)
	if err != nil || da.state == article.StatusDraft {
		return err
	}
	if v, err = a.Articles.Submit(ctx, writer, v.ID, nil); err != nil || da.state == article.StatusInReview {
		return err
	}
	decision := article.ReviewInput{Decision: article.DecisionApprove, Revision: v.CurrentRevision, ContentHash: v.Current.ContentHash, Attest: true,
		Signature: account.Signature{Method: account.MethodPassword, Password: Password}}
	if da.state == article.StatusChangesRequested {
		decision.Decision = article.DecisionRequestChanges
		decision.Note = "Please add when to seek urgent care, and cite the national schedule rather than paraphrasing it."
	}
	if v, err = a.Articles.ReviewArticle(ctx, doctor, v.ID, decision); err != nil || da.state != article.StatusPublished {
		return err
	}
	if v, err = a.Articles.Publish(ctx, admin, v.ID, nil, nil); err != nil || da.edit == "" {
		return err
	}
	d := da.draft
	d.Body += da.edit
	_, err = a.Articles.Update(ctx, writer, v.ID, article.Edit{Draft: d, Version: v.Version})
	return err
}
