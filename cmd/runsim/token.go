package main

import (
	"flag"
	"fmt"
	"io"
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

func tokenCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	roles := fs.String("roles", "", "")
	scopes := fs.String("scopes", "", "")
	tenant := fs.String("tenant", "", "")
	secret := fs.String("secret", "", "")
	expires := fs.String("expires", "", "")
	rest, code, ok := parseFlags(fs, tokenUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := failer(stderr, "token")
	if len(rest) > 0 {
		return fail("takes no arguments, got %q", rest)
	}
	split := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	o := serve.TokenOptions{Roles: split(*roles), Scopes: split(*scopes), Tenant: *tenant, Secret: []byte(*secret)}
	if len(o.Roles)+len(o.Scopes) == 0 {
		return fail("give --roles or --scopes, e.g. --roles %s", serve.PermRunStart)
	}
	if *expires != "" {
		t, err := time.Parse(time.RFC3339, *expires)
		if err != nil {
			return fail("--expires: %v", err)
		}
		o.Expires = t
	}
	tok, err := serve.NewToken(o)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintln(stdout, tok)
	return exitOK
}
