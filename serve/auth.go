package serve

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The permissions the service asks for, in a token's roles (application
// permissions) or scp (delegated, space-separated).
const (
	PermRunStart    = "IndustryData-Run.Start"
	PermRunReadAll  = "IndustryData-Run.Read.All"
	PermReadBasic   = "IndustryData.ReadBasic.All"
	DefaultTenant   = "00000000-0000-0000-0000-000000000001"
	defaultClientID = "00000000-0000-0000-0000-00000000c11e"
)

// Claims are the claims of an access token the emulator reads.
type Claims struct {
	jwt.RegisteredClaims
	Roles    []string `json:"roles,omitempty"`
	Scp      string   `json:"scp,omitempty"`
	TenantID string   `json:"tid,omitempty"`
	AppID    string   `json:"appid,omitempty"`
}

// has reports whether the token grants perm, as an application role or a
// delegated scope.
func (c *Claims) has(perm string) bool {
	return slices.Contains(c.Roles, perm) || slices.Contains(strings.Fields(c.Scp), perm)
}

// tenant is the token's tenant, DefaultTenant when it names none.
func (c *Claims) tenant() string {
	if c.TenantID == "" {
		return DefaultTenant
	}
	return c.TenantID
}

// TokenOptions are what a token made by NewToken holds.
type TokenOptions struct {
	Roles  []string // application permissions
	Scopes []string // delegated permissions (scp)
	Tenant string   // tid; empty: DefaultTenant
	// Secret signs the token with HS256; empty: signed with a fixed
	// placeholder key, for an emulator that does not verify signatures.
	Secret []byte
	// Expires, when not zero, sets exp (checked against virtual time).
	Expires time.Time
}

// NewToken returns a bearer token (a JWT) that the emulator accepts.
func NewToken(o TokenOptions) (string, error) {
	tenant := o.Tenant
	if tenant == "" {
		tenant = DefaultTenant
	}
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:   "https://sts.windows.net/" + tenant + "/",
			Audience: jwt.ClaimStrings{"https://graph.microsoft.com"},
			Subject:  defaultClientID,
		},
		Roles: o.Roles, Scp: strings.Join(o.Scopes, " "), TenantID: tenant, AppID: defaultClientID,
	}
	if !o.Expires.IsZero() {
		c.ExpiresAt = jwt.NewNumericDate(o.Expires)
	}
	key := o.Secret
	if len(key) == 0 {
		key = []byte("runsim-unverified")
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, &c).SignedString(key)
}

// maxTokenBytes bounds the bearer token read.
const maxTokenBytes = 8 << 10

// authenticate reads the bearer token of an Authorization header. Without
// a secret, the signature is not verified (as local emulators do); with
// one, it must be HS256 with that secret. Expiry is checked against now,
// the virtual instant.
func authenticate(header string, secret []byte, now time.Time) (*Claims, error) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, errors.New("Access token is empty.")
	}
	token = strings.TrimSpace(token)
	if len(token) > maxTokenBytes {
		return nil, errors.New("Access token is too large.")
	}
	var c Claims
	opts := []jwt.ParserOption{jwt.WithTimeFunc(func() time.Time { return now })}
	if len(secret) == 0 {
		if _, _, err := jwt.NewParser(opts...).ParseUnverified(token, &c); err != nil {
			return nil, errors.New("Invalid JWT token: " + err.Error())
		}
		if c.ExpiresAt != nil && !now.Before(c.ExpiresAt.Time) {
			return nil, errors.New("Lifetime validation failed, the token is expired.")
		}
		return &c, nil
	}
	opts = append(opts, jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}))
	_, err := jwt.NewParser(opts...).ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return secret, nil })
	if err != nil {
		return nil, errors.New("Invalid JWT token: " + err.Error())
	}
	return &c, nil
}
