package adminui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/clinic"
	"github.com/clinicpress/clinicpress/internal/errs"
)

type memberForm struct {
	Email string
	Role  authz.Role
	Error string
}

// roleWords is a role as a clinic admin says it ("clinic admin").
func roleWords(r authz.Role) string { return strings.ReplaceAll(string(r), "_", " ") }

type membersView struct {
	Base        string
	Members     []clinic.MemberView
	Invitations []clinic.Invitation
	Form        memberForm
	Q           string
}

// membersPage lists the clinic's members (clinic admins; others get the
// service's 403), searchable by name or email.
func (u *UI) membersPage(c *fiber.Ctx) error {
	return u.membersView(c, fiber.StatusOK, memberForm{Role: "writer"})
}

func (u *UI) membersView(c *fiber.Ctx, status int, f memberForm) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	ms, err := u.clinics.ListMembers(c.UserContext(), sc)
	if err != nil {
		return err
	}
	invs, err := u.clinics.Invitations(c.UserContext(), sc)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	if q != "" {
		kept := ms[:0]
		for _, m := range ms {
			if strings.Contains(strings.ToLower(m.Name+" "+m.Email), q) {
				kept = append(kept, m)
			}
		}
		ms = kept
	}
	return u.view(c, status, "members", &Page{Title: "Members · " + cl.Name, Nav: "members",
		D: membersView{Base: base(c), Members: ms, Invitations: invs, Form: f, Q: c.Query("q")}})
}

func doctorFrom(c *fiber.Ctx) *clinic.DoctorProfile {
	if c.FormValue("role") != "doctor" {
		return nil
	}
	return &clinic.DoctorProfile{RegistrationNumber: strings.TrimSpace(c.FormValue("registration_number")),
		Specialty: strings.TrimSpace(c.FormValue("specialty")), CredentialsExpireOn: strings.TrimSpace(c.FormValue("credentials_expire_on"))}
}

// memberAdd invites a person by email with a role: they get a link to
// accept (and, when new, to choose their own password). The page says the
// same whether or not the address has an account.
func (u *UI) memberAdd(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	f := memberForm{Email: strings.TrimSpace(c.FormValue("email")), Role: authz.Role(c.FormValue("role"))}
	inv, err := u.clinics.Invite(c.UserContext(), sc, f.Email, f.Role)
	if err != nil {
		if e, ok := isUserError(err); ok && e.Code != "forbidden" {
			f.Error = Message(e)
			return u.membersView(c, e.Status, f)
		}
		return err
	}
	return u.done(c, base(c)+"/members", "Invitation sent to "+inv.Email+" as a "+roleWords(inv.Role)+
		". They become a member when they accept it (the link works for 72 hours).")
}

// invitationResend sends a pending or expired invitation again with a new link.
func (u *UI) invitationResend(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	inv, err := u.clinics.ResendInvitation(c.UserContext(), sc, id)
	if err != nil {
		return u.failed(c, base(c)+"/members", err)
	}
	return u.done(c, base(c)+"/members", "The invitation to "+inv.Email+" was sent again with a new link; the old link no longer works.")
}

// invitationRevoke withdraws an invitation; its link stops working.
func (u *UI) invitationRevoke(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := u.clinics.RevokeInvitation(c.UserContext(), sc, id); err != nil {
		return u.failed(c, base(c)+"/members", err)
	}
	return u.done(c, base(c)+"/members", "The invitation was withdrawn; its link no longer works.")
}

// memberUpdate changes a member's role and doctor profile.
func (u *UI) memberUpdate(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	role := authz.Role(c.FormValue("role"))
	m, err := u.clinics.UpdateMember(c.UserContext(), sc, uid, clinic.MemberPatch{Role: &role, Doctor: doctorFrom(c)})
	if err != nil {
		return u.failed(c, base(c)+"/members", err)
	}
	return u.done(c, base(c)+"/members", "Saved: "+m.Name+" is a "+roleWords(m.Role)+".")
}

// memberRemoveConfirm asks before ending a membership.
func (u *UI) memberRemoveConfirm(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	ms, err := u.clinics.ListMembers(c.UserContext(), sc)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.UserID != uid {
			continue
		}
		path := fmt.Sprintf("%s/members/%d/remove", base(c), uid)
		return u.view(c, fiber.StatusOK, "confirm", &Page{Title: "Remove " + m.Name + " · " + cl.Name, Nav: "members",
			D: confirmView{Heading: "Remove " + m.Name + " from " + cl.Name + "?",
				Lines: []string{m.Name + " (" + m.Email + ", " + roleWords(m.Role) + ") will no longer be able to open this clinic's screens. Their account stays, and so do the articles, reviews and history they took part in.",
					"You can add them again later under Members."},
				Action: path, Button: "Remove " + m.Name, ButtonID: "confirm-remove", Cancel: base(c) + "/members"}})
	}
	return errs.NotFound("member")
}

// memberRemove ends a membership (after the confirmation step).
func (u *UI) memberRemove(c *fiber.Ctx) error {
	sc, err := u.clinicOf(c)
	if err != nil {
		return err
	}
	cl := sc.Clinic()
	uid, err := idParam(c, "user")
	if err != nil {
		return err
	}
	if err := u.clinics.RemoveMember(c.UserContext(), sc, uid); err != nil {
		return u.failed(c, base(c)+"/members", err)
	}
	return u.done(c, base(c)+"/members", "The member was removed from "+cl.Name+". Their articles and history stay.")
}
