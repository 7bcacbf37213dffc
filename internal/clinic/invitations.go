package clinic

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/clinicpress/clinicpress/internal/account"
	"github.com/clinicpress/clinicpress/internal/audit"
	"github.com/clinicpress/clinicpress/internal/authz"
	"github.com/clinicpress/clinicpress/internal/errs"
	"github.com/clinicpress/clinicpress/internal/mail"
	"github.com/clinicpress/clinicpress/internal/projection"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 72 * time.Hour

// Invitation is an offer of a role in a clinic to an email address. Nobody
// becomes a member until the invitee accepts it (consent), and the invitee
// chooses their own password: no admin ever sets one.
type Invitation struct {
	ID         int64      `json:"id"`
	ClinicID   int64      `json:"-"`
	Email      string     `json:"email"`
	Role       authz.Role `json:"role"`
	TokenHash  string     `json:"-"`
	InvitedBy  *int64     `json:"invited_by"`
	CreatedAt  time.Time  `json:"created_at"`
	SentAt     time.Time  `json:"sent_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	AcceptedBy *int64     `json:"accepted_by,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	// Status is pending, expired, accepted or revoked.
	Status string `json:"status" gorm:"-"`
	// Token is the link's secret, set only on the value Invite and
	// ResendInvitation return (for Go callers: tests, the demo seed); it is
	// never stored (only its hash) and never sent in an API answer.
	Token string `json:"-" gorm:"-"`
}

// TableName is the invitations table.
func (Invitation) TableName() string { return "invitations" }

func (inv *Invitation) status(now time.Time) {
	switch {
	case inv.AcceptedAt != nil:
		inv.Status = "accepted"
	case inv.RevokedAt != nil:
		inv.Status = "revoked"
	case !now.Before(inv.ExpiresAt):
		inv.Status = "expired"
	default:
		inv.Status = "pending"
	}
}

// Invitation errors, with stable codes.
var (
	ErrInvitationUnknown = errs.New(http.StatusNotFound, "invitation_not_found", "this invitation link is not valid; ask the clinic admin for a new one")
	ErrInvitationUsed    = errs.New(http.StatusGone, "invitation_used", "this invitation was already accepted")
	ErrInvitationRevoked = errs.New(http.StatusGone, "invitation_revoked", "this invitation was withdrawn; ask the clinic admin for a new one")
	ErrInvitationExpired = errs.New(http.StatusGone, "invitation_expired", "this invitation has expired; ask the clinic admin to send it again")
)

func stateErr(inv Invitation, now time.Time) error {
	inv.status(now)
	switch inv.Status {
	case "accepted":
		return ErrInvitationUsed
	case "revoked":
		return ErrInvitationRevoked
	case "expired":
		return ErrInvitationExpired
	}
	return nil
}

// UseMail makes the service send invitations through m, with links under
// baseURL (the public base URL, --base-url).
func (s *Service) UseMail(m account.Mailer, baseURL string) {
	s.mail, s.baseURL = m, strings.TrimRight(baseURL, "/")
}

func (s *Service) link(path string) string {
	b := s.baseURL
	if b == "" {
		b = "http://localhost:8080"
	}
	return b + path
}

// MailBrand is a clinic's look in its mails.
func MailBrand(c Clinic) mail.Branding {
	return mail.Branding{Name: c.Name, Color: c.Branding.PrimaryColor, LogoURL: c.Branding.LogoURL}
}

func (s *Service) invitationMail(tx *gorm.DB, c Clinic, inviter string, inv Invitation, tok string) error {
	if s.mail == nil {
		return errs.New(http.StatusServiceUnavailable, "mail_unavailable", "mail is not set up on this server")
	}
	who := "A clinic admin"
	if strings.TrimSpace(inviter) != "" {
		who = inviter
	}
	return s.mail.Enqueue(tx, mail.Message{ClinicID: c.ID, To: inv.Email, Kind: mail.KindSecurity, Brand: MailBrand(c),
		Subject:  "You are invited to join " + c.Name + " on ClinicPress",
		Greeting: "Hello,",
		Paragraphs: []string{
			who + " invited you to join " + c.Name + " as a " + strings.ReplaceAll(string(inv.Role), "_", " ") + ".",
			"The link below works once and expires on " + inv.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC") + ". If you already have a ClinicPress account, sign in with it and accept; otherwise you choose your name and your own password there.",
			"If you did not expect this invitation, ignore this mail: nothing happens unless you accept.",
		},
		ActionLabel: "Accept the invitation", ActionURL: s.link("/admin/invite/" + tok)})
}

// Invite offers role in the clinic to email: a pending invitation (the
// token stored hashed, valid InvitationTTL) and its mail, in one
// transaction. The answer is the same whether or not email has an account;
// an earlier pending invitation of the same address is replaced. Clinic
// admins only; an address that is already a member answers 409
// already_member.
func (s *Service) Invite(ctx context.Context, sc Scope, email string, role authz.Role) (Invitation, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return Invitation{}, err
	}
	var v errs.Validation
	email = account.NormalizeEmail(email)
	if _, err := mail.ParseAddress(email); err != nil {
		v.Add("email", "must be a valid email address")
	}
	if !authz.ValidRole(role) {
		v.Add("role", "must be writer, doctor or clinic_admin")
	}
	if err := v.Err(); err != nil {
		return Invitation{}, err
	}
	tok, hash, err := account.NewToken()
	if err != nil {
		return Invitation{}, err
	}
	actor, c := sc.actor, sc.clinic
	now := s.clock()
	inv := Invitation{ClinicID: c.ID, Email: email, Role: role, TokenHash: hash, CreatedAt: now, SentAt: now, ExpiresAt: now.Add(InvitationTTL)}
	if actor.UserID != 0 {
		id := actor.UserID
		inv.InvitedBy = &id
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.ResolveTx(tx, sc, authz.ObjMember, authz.ActManage); err != nil {
			return err
		}
		var n int64
		if err := tx.Table("memberships AS m").Joins("JOIN users u ON u.id = m.user_id").
			Where("m.clinic_id = ? AND u.email = ?", c.ID, email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("already_member", "%s is already a member of this clinic", email)
		}
		if err := tx.Model(&Invitation{}).Where("clinic_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL", c.ID, email).
			Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := tx.Omit("Status", "Token").Create(&inv).Error; err != nil {
			return err
		}
		if err := s.invitationMail(tx, c, actor.Name, inv, tok); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "invitation.created",
			TargetType: "invitation", TargetID: inv.ID, After: map[string]any{"email": email, "role": role},
			RequestID: actor.RequestID, At: now})
	})
	if err != nil {
		return Invitation{}, err
	}
	s.mail.Kick()
	inv.status(now)
	inv.Token = tok
	return inv, nil
}

// Invitations lists the clinic's invitations that are not accepted or
// revoked (pending and expired), newest first; clinic admins only.
func (s *Service) Invitations(ctx context.Context, sc Scope) ([]Invitation, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return nil, err
	}
	var out []Invitation
	if err := s.db.WithContext(ctx).Where("clinic_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", sc.ClinicID()).
		Order("id DESC").Limit(500).Find(&out).Error; err != nil {
		return nil, err
	}
	now := s.clock()
	for i := range out {
		out[i].status(now)
	}
	return out, nil
}

// GetInvitation returns one of the clinic's invitations (404 for another
// clinic's); clinic admins only.
func (s *Service) GetInvitation(ctx context.Context, sc Scope, id int64) (Invitation, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return Invitation{}, err
	}
	inv, err := invitationTx(s.db.WithContext(ctx), sc.ClinicID(), id)
	if err == nil {
		inv.status(s.clock())
	}
	return inv, err
}

func invitationTx(tx *gorm.DB, clinicID, id int64) (Invitation, error) {
	var inv Invitation
	err := tx.Where("clinic_id = ? AND id = ?", clinicID, id).Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return inv, errs.NotFound("invitation")
	}
	return inv, err
}

// RevokeInvitation withdraws a pending (or expired) invitation: its link
// stops working. An accepted one answers 410 invitation_used. Clinic
// admins only.
func (s *Service) RevokeInvitation(ctx context.Context, sc Scope, id int64) error {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return err
	}
	actor, c := sc.actor, sc.clinic
	now := s.clock()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.ResolveTx(tx, sc, authz.ObjMember, authz.ActManage); err != nil {
			return err
		}
		inv, err := invitationTx(tx, c.ID, id)
		if err != nil {
			return err
		}
		if err := stateErr(inv, now); err != nil && err != ErrInvitationExpired {
			return err
		}
		res := tx.Exec(`UPDATE invitations SET revoked_at = ? WHERE clinic_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`, now, c.ID, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrInvitationUsed
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "invitation.revoked",
			TargetType: "invitation", TargetID: id, Before: map[string]any{"email": inv.Email, "role": inv.Role},
			RequestID: actor.RequestID, At: now})
	})
}

// ResendInvitation mails a pending or expired invitation again with a new
// link (the old one stops working) and a new 72-hour expiry. Clinic admins
// only; accepted or revoked invitations answer 410.
func (s *Service) ResendInvitation(ctx context.Context, sc Scope, id int64) (Invitation, error) {
	if err := sc.Require(authz.ObjMember, authz.ActManage); err != nil {
		return Invitation{}, err
	}
	actor, c := sc.actor, sc.clinic
	tok, hash, err := account.NewToken()
	if err != nil {
		return Invitation{}, err
	}
	now := s.clock()
	var inv Invitation
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.ResolveTx(tx, sc, authz.ObjMember, authz.ActManage); err != nil {
			return err
		}
		var err error
		if inv, err = invitationTx(tx, c.ID, id); err != nil {
			return err
		}
		if err := stateErr(inv, now); err != nil && err != ErrInvitationExpired {
			return err
		}
		res := tx.Exec(`UPDATE invitations SET token_hash = ?, sent_at = ?, expires_at = ? WHERE clinic_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
			hash, now, now.Add(InvitationTTL), c.ID, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrInvitationUsed
		}
		inv.TokenHash, inv.SentAt, inv.ExpiresAt = hash, now, now.Add(InvitationTTL)
		if err := s.invitationMail(tx, c, actor.Name, inv, tok); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: actor.UserID, Action: "invitation.resent",
			TargetType: "invitation", TargetID: id, RequestID: actor.RequestID, At: now})
	})
	if err != nil {
		return Invitation{}, err
	}
	s.mail.Kick()
	inv.status(now)
	inv.Token = tok
	return inv, nil
}

// InvitationInfo is what the accept page shows to the holder of a link.
type InvitationInfo struct {
	Invitation Invitation
	Clinic     Clinic
	// HasAccount says the invitee signs in with their existing account
	// to accept (only the link's holder learns it).
	HasAccount bool
}

// InvitationByToken looks up a usable invitation by its link's token: 404
// invitation_not_found, 410 invitation_used, invitation_revoked or
// invitation_expired otherwise.
func (s *Service) InvitationByToken(ctx context.Context, token string) (InvitationInfo, error) {
	return s.invitationByToken(s.db.WithContext(ctx), token)
}

func (s *Service) invitationByToken(tx *gorm.DB, token string) (InvitationInfo, error) {
	if token == "" || len(token) > 100 {
		return InvitationInfo{}, ErrInvitationUnknown
	}
	var inv Invitation
	err := tx.Where("token_hash = ?", account.HashToken(token)).Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return InvitationInfo{}, ErrInvitationUnknown
	} else if err != nil {
		return InvitationInfo{}, err
	}
	now := s.clock()
	if err := stateErr(inv, now); err != nil {
		return InvitationInfo{}, err
	}
	inv.status(now)
	var c Clinic
	if err := tx.Take(&c, inv.ClinicID).Error; err != nil {
		return InvitationInfo{}, err
	}
	var n int64
	if err := tx.Model(&account.User{}).Where("email = ?", inv.Email).Count(&n).Error; err != nil {
		return InvitationInfo{}, err
	}
	return InvitationInfo{Invitation: inv, Clinic: c, HasAccount: n > 0}, nil
}

// AcceptInput accepts an invitation. Actor is who is signed in (UserID 0:
// nobody); Name and Password are for an invitee without an account.
type AcceptInput struct {
	Token    string
	Name     string
	Password string
	Actor    authz.Actor
}

// Accepted is the outcome of an accepted invitation.
type Accepted struct {
	Clinic Clinic
	Role   authz.Role
	User   account.User
	// NewAccount says the account was created now (with the invitee's own
	// password).
	NewAccount bool
}

// AcceptInvitation makes the invitee a member. An invitee with an account
// must be signed in as that account (401 sign_in_required, or 403
// wrong_account when signed in as someone else) and accepts in one step;
// one without an account sets their own name and password here. The token
// works once (410 invitation_used afterwards, also under a race).
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInput) (Accepted, error) {
	info, err := s.InvitationByToken(ctx, in.Token)
	if err != nil {
		return Accepted{}, err
	}
	inv, c := info.Invitation, info.Clinic
	var fresh *account.User
	var user account.User
	if info.HasAccount {
		if user, err = s.accounts.ByEmail(ctx, inv.Email); err != nil {
			return Accepted{}, err
		}
		switch {
		case in.Actor.UserID == 0:
			return Accepted{}, errs.New(http.StatusUnauthorized, "sign_in_required", "you already have an account: sign in as %s to accept", inv.Email)
		case in.Actor.UserID != user.ID:
			return Accepted{}, errs.Forbidden("wrong_account", "this invitation is for %s; sign in with that account to accept", inv.Email)
		}
	} else {
		u, err := s.accounts.PrepareContext(ctx, account.NewUser{Email: inv.Email, Name: in.Name, Password: in.Password})
		if err != nil {
			return Accepted{}, err
		}
		fresh = &u
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if fresh != nil {
			if err := account.InsertTx(tx, fresh, in.Actor.RequestID); err != nil {
				return err
			}
			user = *fresh
		}
		res := tx.Exec(`UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
			now, user.ID, inv.ID, inv.TokenHash, now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			var cur Invitation
			if err := tx.Take(&cur, inv.ID).Error; err != nil {
				return err
			}
			if err := stateErr(cur, now); err != nil {
				return err
			}
			return ErrInvitationUnknown // the link was replaced by a resend
		}
		if _, err := MembershipTx(tx, c.ID, user.ID); err == nil {
			return errs.Conflict("already_member", "%s is already a member of this clinic", user.Email)
		}
		m := Member{ClinicID: c.ID, UserID: user.ID, Role: inv.Role, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit("email", "name").Create(&m).Error; err != nil {
			return err
		}
		m.Email, m.Name = user.Email, user.Name
		if err := projection.New(s.db.Dialect).Bump(tx, c.ID); err != nil {
			return err
		}
		return audit.Record(tx, audit.Change{ClinicID: c.ID, ActorID: user.ID, Action: "member.added",
			TargetType: "user", TargetID: user.ID, After: map[string]any{"member": view(m), "invitation": inv.ID, "invited_by": inv.InvitedBy},
			RequestID: in.Actor.RequestID, At: now})
	})
	if err != nil {
		return Accepted{}, err
	}
	s.changed(c.ID)
	return Accepted{Clinic: c, Role: inv.Role, User: user, NewAccount: fresh != nil}, nil
}
