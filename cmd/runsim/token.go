package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"runsim/serve"
)

const tokenUsage = `usage: runsim token [flags]

Prints a bearer token (a JWT) that runsim serve accepts, for curl or a
client under test:

  curl -H "Authorization: Bearer $(runsim token --roles IndustryData-Run.Start)" ...

flags:
  --roles A,B      application permissions (roles claim), e.g.
                   IndustryData-Run.Start,IndustryData-Run.Read.All,IndustryData.ReadBasic.All
  --scopes A,B     delegated permissions (scp claim)
  --tenant T       the tenant (tid); each tenant has its own service
                   (default ` + serve.DefaultTenant + `)
  --secret S       sign with HS256 and S, for runsim serve --token-secret S
  --expires T      an expiry (RFC 3339), checked against the virtual clock
`

// tokenFlags are runsim token's own flags.
type tokenFlags struct{ roles, scopes, tenant, secret, expires string }

func (f *tokenFlags) declare(fs *flag.FlagSet) {
	stringFlags(fs, map[string]*string{"roles": &f.roles, "scopes": &f.scopes, "tenant": &f.tenant, "secret": &f.secret, "expires": &f.expires})
}

func tokenCmd(c *call, f *tokenFlags) int {
	split := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	o := serve.TokenOptions{Roles: split(f.roles), Scopes: split(f.scopes), Tenant: f.tenant, Secret: []byte(f.secret)}
	if len(o.Roles)+len(o.Scopes) == 0 {
		return c.fail("give --roles or --scopes, e.g. --roles %s", serve.PermRunStart)
	}
	if f.expires != "" {
		t, err := time.Parse(time.RFC3339, f.expires)
		if err != nil {
			return c.fail("--expires: %v", err)
		}
		o.Expires = t
	}
	tok, err := serve.NewToken(o)
	if err != nil {
		return c.fail("%v", err)
	}
	fmt.Fprintln(c.stdout, tok)
	return exitOK
}
