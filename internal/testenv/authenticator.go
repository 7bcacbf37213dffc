package testenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator is a software FIDO2 authenticator for API tests: it
// answers WebAuthn creation and request options the way a browser plus a
// platform authenticator with user verification would (attestation
// "none", ES256), so tests exercise the server's real ceremony checks.
type Authenticator struct {
	T      testing.TB
	RPID   string
	Origin string
	key    *ecdsa.PrivateKey
	credID []byte
	user   []byte
	count  uint32
}

// NewAuthenticator returns an authenticator for the test server's own
// host (httptest requests go to example.com over http).
func NewAuthenticator(t testing.TB) *Authenticator {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &Authenticator{T: t, RPID: "example.com", Origin: "http://example.com", key: k, credID: id}
}

var b64 = base64.RawURLEncoding

func (a *Authenticator) challenge(options json.RawMessage) (string, []byte) {
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
			User      struct {
				ID string `json:"id"`
			} `json:"user"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(options, &o); err != nil || o.PublicKey.Challenge == "" {
		a.T.Fatalf("webauthn options %s: %v", options, err)
	}
	uid, _ := b64.DecodeString(o.PublicKey.User.ID)
	return o.PublicKey.Challenge, uid
}

func (a *Authenticator) authData(flags byte, attested []byte) []byte {
	rp := sha256.Sum256([]byte(a.RPID))
	a.count++
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, a.count)
	return append(out, attested...)
}

// Create answers navigator.credentials.create options with a new
// credential (the JSON the server's finish step reads).
func (a *Authenticator) Create(options json.RawMessage) json.RawMessage {
	ch, uid := a.challenge(options)
	a.user = uid
	cd, _ := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": ch, "origin": a.Origin, "crossOrigin": false})
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: a.key.PublicKey.X.FillBytes(make([]byte, 32)), -3: a.key.PublicKey.Y.FillBytes(make([]byte, 32))})
	if err != nil {
		a.T.Fatal(err)
	}
	att := make([]byte, 16) // AAGUID
	att = binary.BigEndian.AppendUint16(att, uint16(len(a.credID)))
	att = append(append(att, a.credID...), cose...)
	obj, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": a.authData(0x45, att)})
	if err != nil {
		a.T.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(a.credID), "rawId": b64.EncodeToString(a.credID), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "attestationObject": b64.EncodeToString(obj)}})
	return out
}

// Get answers navigator.credentials.get options with an assertion signed
// by the credential Create made.
func (a *Authenticator) Get(options json.RawMessage) json.RawMessage {
	ch, _ := a.challenge(options)
	cd, _ := json.Marshal(map[string]any{"type": "webauthn.get", "challenge": ch, "origin": a.Origin, "crossOrigin": false})
	ad := a.authData(0x05, nil)
	h := sha256.Sum256(cd)
	d := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, d[:])
	if err != nil {
		a.T.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(a.credID), "rawId": b64.EncodeToString(a.credID), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(a.user)}})
	return out
}
