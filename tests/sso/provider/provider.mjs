// A real OpenID Connect provider (panva's certified oidc-provider) for the single sign-on tests.
// tests/sso/conftest.py starts it; everything is configured through the environment:
//   PORT           listen on 127.0.0.1:PORT; the issuer is http://127.0.0.1:PORT
//   ACCOUNTS_FILE  JSON {"alice": {"email", "email_verified", "name", "groups", "amr"}, ...}, read afresh on every
//                  look-up so a test can change an account between two sign-ins; the key is the subject
//   CLIENTS        JSON list of client metadata (client_id, client_secret, redirect_uris, ...)
//   CODE_TTL       authorization code lifetime in seconds (default 60)
// The login page is a bare form (no password: the account key is the whole credential); consent is granted at once.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0) {
  throw new Error('PORT must be set to the port to listen on');
}
const accountsFile = process.env.ACCOUNTS_FILE;
if (!accountsFile) {
  throw new Error('ACCOUNTS_FILE must name the accounts JSON file');
}
const clients = JSON.parse(process.env.CLIENTS ?? '[]');
const codeTTL = Number.parseInt(process.env.CODE_TTL ?? '60', 10);
const issuer = `http://127.0.0.1:${port}`;

function readAccounts() {
  return JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A fresh signing key per process: the relying party must fetch the JWKS, as it would from a real provider.
const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
signingKey.kid = crypto.randomUUID();
signingKey.use = 'sig';
signingKey.alg = 'RS256';

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  claims: {
    // The ID token shows only what a scope (or the claims parameter) asks for, and conformIdTokenClaims leaves it
    // the openid scope alone: so amr, which comes from the login session and not from the account, sits there.
    // An account's claims() never returns it, so userinfo has no amr.
    openid: ['sub', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  async findAccount(_ctx, id) {
    const accounts = readAccounts();
    if (!Object.hasOwn(accounts, id)) {
      return undefined;
    }
    const account = accounts[id];
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id };
        for (const name of ['email', 'email_verified', 'name', 'groups']) {
          if (name in account) {
            claims[name] = account[name];
          }
        }
        return claims;
      },
    };
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  // Every client, confidential or not, must send a code_challenge (the library only knows S256).
  pkce: { required: () => true },
  ttl: {
    AuthorizationCode: codeTTL,
  },
});

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function showInteraction(req, res) {
  const { uid, prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  if (prompt.name === 'login') {
    send(res, 200, page('Sign in', `<p>Client: ${escapeHtml(params.client_id)}</p>`
      + `<form method="post" action="/interaction/${escapeHtml(uid)}/login">`
      + '<label>Account <input name="login" autofocus></label> <button type="submit">Sign in</button></form>'));
    return;
  }
  if (prompt.name === 'consent') {
    const { details } = prompt;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (details.missingOIDCScope) {
      grant.addOIDCScope(details.missingOIDCScope.join(' '));
    }
    if (details.missingOIDCClaims) {
      grant.addOIDCClaims(details.missingOIDCClaims);
    }
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }
  send(res, 400, page('Unsupported prompt', `<p>${escapeHtml(prompt.name)}</p>`));
}

async function submitLogin(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid || details.prompt.name !== 'login') {
    send(res, 400, page('Not a login interaction', ''));
    return;
  }
  const accountId = (await readForm(req)).get('login') ?? '';
  const accounts = readAccounts();
  if (!Object.hasOwn(accounts, accountId)) {
    send(res, 400, page('Unknown account', `<p>${escapeHtml(accountId)}</p>`));
    return;
  }
  const account = accounts[accountId];
  // amr travels in the session into the ID token; an account without the key gets no amr claim at all.
  const login = { accountId };
  if ('amr' in account) {
    login.amr = account.amr;
  }
  await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

const oidc = provider.callback();

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, issuer);
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(pathname);
  if (!match) {
    oidc(req, res);
    return;
  }
  const [, uid, login] = match;
  let handler;
  if (req.method === 'GET' && !login) {
    handler = showInteraction(req, res);
  } else if (req.method === 'POST' && login) {
    handler = submitLogin(req, res, uid);
  } else {
    send(res, 405, page('Method not allowed', ''));
    return;
  }
  handler.catch((error) => {
    // An expired or foreign interaction (no cookie, wrong uid) lands here: a page, not a crash.
    process.stderr.write(`interaction ${uid}: ${error.stack ?? error}\n`);
    if (!res.headersSent) {
      send(res, 400, page('Interaction failed', `<p>${escapeHtml(error.message)}</p>`));
    } else {
      res.end();
    }
  });
});

// The library checks static clients only when one is first used; a test's misconfigured client should fail at
// start-up, with the reason on stderr, rather than as an error page in the middle of a sign-in.
for (const { client_id: clientId } of clients) {
  try {
    await provider.Client.find(String(clientId));
  } catch (error) {
    process.stderr.write(`client ${clientId}: ${error.message}: ${error.error_description ?? ''}\n`);
    process.exit(2);
  }
}

server.listen(port, '127.0.0.1', () => {
  // The fixture waits for this line; stdout is a pipe there, so write it in one call before anything else.
  process.stdout.write(`ready ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
