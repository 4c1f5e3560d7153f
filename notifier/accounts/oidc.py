"""The OpenID Connect relying party: the authorization-code flow with PKCE against the deployment's provider.

Authlib supplies the protocol pieces (PKCE challenge, random state and nonce, the ID token's claim rules: issuer,
audience, expiry, nonce, at_hash) and joserfc, Authlib's JOSE library, checks the signature against the provider's
published keys. The provider is found through its discovery document, fetched when first needed (the provider may
start after us) and kept for an hour; an ID token signed with a key not yet seen fetches the keys once more (key
rotation). State, nonce and code verifier wait in the signed session cookie between the two legs of the flow: the
cookie is readable, but they are worth nothing to someone who can already read the user's cookie.
"""

import hmac
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

log = structlog.get_logger("notifier.sso")

DISCOVERY_SECONDS = 3600
RETRY_SECONDS = 30  # after a failed discovery, before asking the provider again
PENDING_SECONDS = 600  # from the redirect to the provider until its answer comes back
LEEWAY_SECONDS = 60  # clock difference tolerated on exp / iat


class SignInRejected(Exception):
    """The provider's answer is not accepted; `reason` is for the log and the audit trail, never for the page.
    `status`: 400 for a callback the browser alone could have made (not this browser's sign-in, an error answer, a
    code the provider does not redeem), 403 for what the provider vouched for and is refused here (audited), 502
    for a provider that cannot be reached or answers nonsense."""

    def __init__(self, reason: str, *, status: int = 403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Claims:
    """What the provider asserted about the person: the ID token's claims merged with the userinfo answer."""

    issuer: str
    subject: str
    values: dict[str, Any]

    def get(self, name: str, default: Any = None) -> Any:  # noqa: ANN401
        return self.values.get(name, default)


@dataclass
class RelyingParty:
    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    scopes: str = "openid email profile"
    # Per phase (connect, read): the sign-in waits for the provider at most this long at each step.
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(10.0, connect=5.0))
    _metadata: dict[str, Any] | None = field(default=None, repr=False)
    _metadata_at: float = 0.0
    _failed_at: float = -RETRY_SECONDS
    _keys: dict[str, Any] | None = field(default=None, repr=False)

    # --- the provider's documents -----------------------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = httpx.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
            answer.raise_for_status()
            found = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInRejected(f"provider unreachable: {url}: {exc}", status=502) from exc
        if not isinstance(found, dict):
            raise SignInRejected(f"provider answered {url} with {type(found).__name__}, not an object", status=502)
        return found

    def metadata(self) -> dict[str, Any]:
        """The discovery document. Fetched without a lock (a slow provider must not queue every request behind
        one), kept when a refresh fails, and not asked again for RETRY_SECONDS after a failure."""
        now = time.monotonic()
        if self._metadata is not None and now - self._metadata_at <= DISCOVERY_SECONDS:
            return self._metadata
        if now - self._failed_at < RETRY_SECONDS:
            if self._metadata is not None:
                return self._metadata
            raise SignInRejected("provider unreachable (retried shortly)", status=502)
        try:
            found = self._get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
            # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was asked for.
            if found.get("issuer") != self.issuer:
                raise SignInRejected(f"discovery names issuer {found.get('issuer')!r}, not {self.issuer!r}", status=502)
            for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(endpoint), str):
                    raise SignInRejected(f"discovery names no {endpoint}", status=502)
        except SignInRejected:
            self._failed_at = time.monotonic()
            if self._metadata is not None:
                return self._metadata
            raise
        # Plain attribute writes: two threads refreshing at once both store a valid document, so nothing is locked.
        self._metadata, self._metadata_at, self._keys = found, time.monotonic(), None
        return found

    def _key_set(self, *, fresh: bool = False) -> KeySet:
        if self._keys is None or fresh:
            self._keys = self._get_json(self.metadata()["jwks_uri"])
        try:
            return KeySet.import_key_set(self._keys)
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise SignInRejected(f"the provider's keys cannot be read: {exc}", status=502) from exc

    # --- the first leg: to the provider -----------------------------------------------------------------------

    def authorization_request(self, *, login_hint: str | None = None) -> tuple[str, dict[str, Any]]:
        """The provider's URL to send the browser to, and what the callback must find in the session."""
        pending = {
            "state": generate_token(32),
            "nonce": generate_token(32),
            "verifier": generate_token(64),  # RFC 7636: 43 to 128 characters
            "at": time.time(),
        }
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": create_s256_code_challenge(pending["verifier"]),
            "code_challenge_method": "S256",
        }
        if login_hint:
            params["login_hint"] = login_hint
        return f"{self.metadata()['authorization_endpoint']}?{urlencode(params)}", pending

    # --- the second leg: the provider's answer ----------------------------------------------------------------

    def complete(self, query: dict[str, str], pending: dict[str, Any] | None) -> Claims:
        """Check the callback against the session's pending request, redeem the code, validate the ID token."""
        if not pending or not isinstance(pending.get("state"), str):
            raise SignInRejected("no sign-in was started in this browser session", status=400)
        if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
            raise SignInRejected("the sign-in took too long", status=400)
        given = query.get("state") or ""
        if not hmac.compare_digest(given.encode(), pending["state"].encode()):
            raise SignInRejected("state does not match this browser session", status=400)
        # RFC 9207: a provider that names itself in its answer must name this one (the mix-up attack).
        if "iss" in query and query["iss"] != self.issuer:
            raise SignInRejected(f"the answer comes from issuer {query['iss']!r}", status=400)
        # Anyone holding this browser's state could send these, so they are the browser's (400, logged, not audited).
        if query.get("error"):
            raise SignInRejected(
                f"provider answered {query['error']}: {query.get('error_description', '')}", status=400
            )
        code = query.get("code")
        if not code:
            raise SignInRejected("the provider's answer has no code", status=400)
        tokens = self._redeem(code, pending["verifier"])
        id_claims = self._validate_id_token(tokens, pending["nonce"])
        subject = id_claims["sub"]
        if not isinstance(subject, str) or not 0 < len(subject) <= 255:
            raise SignInRejected("the ID token's sub is empty or longer than 255 characters")
        values = dict(id_claims)
        userinfo = self._userinfo(tokens.get("access_token"))
        if userinfo:
            # OpenID Connect Core 1.0, section 5.3.2: a userinfo answer about someone else must not be used.
            if userinfo.get("sub") != id_claims["sub"]:
                raise SignInRejected("userinfo names another subject than the ID token")
            values = {**userinfo, **values}
        return Claims(issuer=self.issuer, subject=subject, values=values)

    def _redeem(self, code: str, verifier: str) -> dict[str, Any]:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        auth = None
        methods = self.metadata().get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        if self.client_secret is None:
            data["client_id"] = self.client_id
        elif "client_secret_basic" in methods:
            auth = httpx.BasicAuth(self.client_id, self.client_secret)
        else:
            data.update(client_id=self.client_id, client_secret=self.client_secret)
        try:
            answer = httpx.post(
                self.metadata()["token_endpoint"],
                data=data,
                auth=auth,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInRejected(f"token endpoint unreachable: {exc}", status=502) from exc
        if answer.status_code >= 500 or not isinstance(body, dict):
            raise SignInRejected(f"token endpoint answered {answer.status_code}", status=502)
        if answer.status_code != 200 or not isinstance(body.get("id_token"), str):
            # A spent, expired or made-up code: the browser's answer, not the provider's word on a person.
            raise SignInRejected(
                f"token endpoint answered {answer.status_code}: {body.get('error', 'no id_token')}", status=400
            )
        return body

    def _validate_id_token(self, tokens: dict[str, Any], nonce: str) -> dict[str, Any]:
        algorithms = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"], strict_check_header=False)
        try:
            try:
                token = jwt.decode(tokens["id_token"], key=self._key_set(), registry=registry)
            except InvalidKeyIdError:
                token = jwt.decode(tokens["id_token"], key=self._key_set(fresh=True), registry=registry)
            claims = CodeIDToken(
                token.claims,
                token.header,
                # Authlib checks azp against the client id, but the audience only when told to.
                {
                    "iss": {"essential": True, "values": [self.issuer]},
                    "aud": {"essential": True, "values": [self.client_id]},
                },
                {"nonce": nonce, "client_id": self.client_id, "access_token": tokens.get("access_token")},
            )
            claims.validate(leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError, TypeError) as exc:
            raise SignInRejected(f"ID token refused: {exc}") from exc
        return dict(claims)

    def _userinfo(self, access_token: str | None) -> dict[str, Any] | None:
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint or not access_token:
            return None
        try:
            answer = httpx.get(
                endpoint,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
                timeout=self.timeout,
            )
            answer.raise_for_status()
            found = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInRejected(f"userinfo endpoint failed: {exc}", status=502) from exc
        if not isinstance(found, dict):
            raise SignInRejected("userinfo answered something else than an object", status=502)
        return found

    # --- signing out ------------------------------------------------------------------------------------------

    def logout_url(self, post_logout_redirect_uri: str) -> str | None:
        """RP-Initiated Logout 1.0: the provider's end-session URL, or None when it has none (or is unreachable:
        the local session has ended already, which is what matters most)."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except SignInRejected as exc:
            log.warning("sso.logout_without_provider", reason=exc.reason)
            return None
        if not endpoint:
            return None
        params = {"client_id": self.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        return f"{endpoint}?{urlencode(params)}"
