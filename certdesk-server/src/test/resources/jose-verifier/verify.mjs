// Verifies access tokens the way an external client in Node.js would: the account's JWKS is
// fetched over HTTPS (trusting the platform CA through NODE_EXTRA_CA_CERTS), then each token is
// checked for signature, issuer, audience and expiry by the jose library.
// Usage: node verify.mjs ISSUER TOKEN...   Prints one line per token: "OK alg kid sub" or "FAIL code".
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, ...tokens] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
for (const token of tokens) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: issuer });
    console.log(`OK ${protectedHeader.alg} ${protectedHeader.kid} ${payload.sub}`);
  } catch (e) {
    console.log(`FAIL ${e.code ?? e.name}`);
  }
}
