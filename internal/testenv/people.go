package testenv

import (
	"context"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// Invite invites email to c with role as the holder of inviterToken,
// through the clinic service (the API answer never carries the link's
// token), and returns the invitation with its Token.
func (e *Env) Invite(c Clinic, inviterToken, email string, role authz.Role) clinic.Invitation {
	e.T.Helper()
	ctx := context.Background()
	u, _, err := e.App.Accounts.Authenticate(ctx, inviterToken)
	if err != nil {
		e.T.Fatal(err)
	}
	sc, err := e.App.Clinics.Resolve(ctx, u.Actor("test"), c.Slug)
	if err != nil {
		e.T.Fatal(err)
	}
	inv, err := e.App.Clinics.Invite(ctx, sc, email, role)
	if err != nil {
		e.T.Fatalf("invite %s: %v", email, err)
	}
	return inv
}

// AddMember makes email a member of c with role the way people join: the
// holder of inviterToken invites them and they accept through the API,
// a new person choosing name and Password, an existing account signed
// in. It returns a session token of the member and their user id.
func (e *Env) AddMember(c Clinic, inviterToken, email, name string, role authz.Role) (string, int64) {
	e.T.Helper()
	inv := e.Invite(c, inviterToken, email, role)
	var out struct {
		Token string
		User  struct{ ID int64 }
	}
	if _, err := e.App.Accounts.ByEmail(context.Background(), email); err == nil {
		tok := e.Login(email)
		e.MustDo("POST", "/api/v1/invitations/accept", tok, map[string]string{"token": inv.Token}, 200, &out)
		return tok, out.User.ID
	}
	e.MustDo("POST", "/api/v1/invitations/accept", "", map[string]string{"token": inv.Token, "name": name, "password": Password}, 200, &out)
	return out.Token, out.User.ID
}
