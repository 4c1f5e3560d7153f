"""Settings from the environment (prefix NOTIFIER_); placeholder secrets are refused in production."""

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from notifier.clock import TimeZoneName
from notifier.http.ratelimit import parse_proxies
from notifier.resources import resource_dir
from notifier.sectors import SECTORS

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "changethis", "secret", "dev", "development", "test"}
# The source checkout (tests and development tools); the service finds its own files through notifier/resources.py.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _placeholder(value: str) -> bool:
    """A value copied from an example: `change-me`, `CHANGE_ME`, `password`, ..."""
    normalised = value.strip().lower().replace("_", "-")
    return normalised in PLACEHOLDER_SECRETS or normalised in {"password", "passw0rd", "smtp-password"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/notifier.db"
    timezone: TimeZoneName = "Europe/Amsterdam"
    api_token: str | None = Field(default=None, description="Bootstrap administrator token for the HTTP API")
    secret_key: str = "change-me"
    # `notifier serve` without it uses the address it binds to (notifier/operations/first_run.py).
    base_url: str = "http://127.0.0.1:8000"
    var_dir: Path = Path("./var")
    workflows_dir: Path = Field(default_factory=lambda: resource_dir("workflows"))
    templates_dir: Path = Field(default_factory=lambda: resource_dir("templates"))
    log_level: str = "INFO"
    log_json: bool = True
    access_log: bool = Field(default=True, description="one JSON log line per answered HTTP request")
    # Optional telemetry (notifier/operations/telemetry.py), each needing its extra: meldplicht[otel], [sentry].
    otel_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint, e.g. http://otel:4318/v1/traces"
    )
    sentry_dsn: str | None = Field(default=None, repr=False, description="Sentry DSN for error reports")
    migrate_on_start: bool = True
    # SIEM intake (notifier/intake): a shared token for every source, limits, correlation and the triage rule.
    intake_token: str | None = Field(default=None, description="Bearer token accepted by every intake source")
    intake_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    intake_correlation_window_minutes: int = Field(default=60, ge=0)
    intake_triage_min_severity: str = Field(default="medium", description="info|low|medium|high|critical")
    intake_triage_source_min_severity: dict[str, str] = Field(
        default_factory=dict, description='per-source override, JSON, e.g. {"wazuh": "high"}'
    )
    intake_max_batch: int = Field(default=500, ge=1, description="alerts written per group-commit transaction")
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="full", description="full: a commit survives power loss; normal: faster, survives a killed process"
    )
    intake_queue_max_alerts: int = Field(default=10_000, ge=1, description="alerts waiting for storage, per process")
    intake_queue_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="their bodies, per process")
    intake_queue_max_wait_seconds: float = Field(default=10, gt=0, description="longest wait of a sender's alert")
    intake_writer: Literal["process", "thread"] = Field(
        default="process", description="where the intake writer runs its transactions: own process or a thread"
    )
    # Reminders, outbox and scheduler (notifier/reminders, notifier/mail, notifier/scheduler.py).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    mail_from: str = "meldplicht@localhost"
    mail_reply_to: str | None = Field(default=None, description="Reply-To of every mail (e.g. the incident desk)")
    mail_language: Literal["nl", "en"] = "nl"
    sweep_interval_seconds: int = Field(default=30, ge=1)
    scheduler_enabled: bool = True
    reply_link_days: int = Field(default=14, ge=1)
    # Web pages (notifier/web): roles that must enrol TOTP before anything else, idle timeout of a session, and its
    # absolute lifetime (activity does not extend it).
    totp_required_roles: str = "administrator,officer"
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Single sign-on through an OpenID Connect provider (notifier/accounts/oidc.py, notifier/accounts/sso.py). Off
    # unless the issuer is set; the password sign-in stays unless switched off.
    password_signin: bool = Field(default=True, description="the local e-mail and password sign-in")
    oidc_issuer: str | None = Field(default=None, description="the provider's issuer URL, e.g. Keycloak's realm URL")
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = Field(default=None, repr=False)
    oidc_scopes: str = "openid email profile"
    oidc_label: str = Field(default="single sign-on", description="the sign-in button: 'Sign in with <label>'")
    oidc_email_claim: str = "email"
    oidc_trust_email: bool = Field(
        default=False, description="link an existing account by e-mail without email_verified (Entra ID sends none)"
    )
    oidc_groups_claim: str = "groups"
    oidc_group_roles: dict[str, str] = Field(
        default_factory=dict, description='claim value -> "<organisation slug>:<role>", JSON'
    )
    oidc_jit_organisation: str | None = Field(default=None, description="every signed-in person joins this slug")
    oidc_jit_role: str = "viewer"
    oidc_trust_mfa: bool = Field(default=False, description="no TOTP step when the provider's amr asserts MFA")
    oidc_mfa_amr: str = Field(default="mfa", description="amr values that count as multi-factor, comma-separated")
    # Rate limits (notifier/http/ratelimit.py, notifier/web/throttle.py). The client address is the peer's;
    # X-Forwarded-For counts only when the peer is one of these proxies (comma-separated addresses or networks).
    trusted_proxies: str = ""
    signin_client_max_failures: int = Field(default=10, ge=0, description="failed sign-ins per client; 0: no limit")
    signin_client_window_minutes: int = Field(default=15, ge=1)
    # Off by default: a limit below what the writer can store loses alerts; the writer's queue bound refuses instead
    # (notifier/intake/queue.py), and only when the writer really falls behind.
    intake_rate_limit: float = Field(default=0, ge=0, description="alerts per second per source; 0: no limit")
    intake_rate_burst: int = Field(default=4000, ge=1)
    intake_auth_failures_per_minute: int = Field(default=60, ge=0, description="per client address; 0: no limit")
    # `notifier serve` (notifier/operations/serving.py): how long a slow or idle client may hold a connection.
    serve_header_timeout_seconds: float = Field(default=10, gt=0, description="request line and headers")
    serve_body_timeout_seconds: float = Field(default=60, gt=0, description="the whole body, after the headers")
    serve_keep_alive_seconds: int = Field(default=5, ge=1, description="idle kept-alive connection")
    serve_max_header_bytes: int = Field(default=65_536, ge=1024, description="request line and headers")
    serve_max_connections: int = Field(default=1000, ge=0, description="per process, then 503; 0: no limit")
    serve_graceful_shutdown_seconds: int = Field(default=30, ge=0, description="wait for running requests")
    # Signed audit checkpoints (notifier/audit/checkpoint.py). The key is never stored in the database: this setting
    # (PEM, or base64 of the 32-byte Ed25519 seed), else <var_dir>/audit-signing-key.pem, created 0600 on first use.
    audit_signing_key: str | None = Field(default=None, repr=False)
    audit_checkpoint_file: Path | None = Field(default=None, description="default <var_dir>/audit-checkpoints.jsonl")
    audit_checkpoint_email: str | None = Field(default=None, description="each checkpoint is mailed here (e.g. CISO)")
    audit_checkpoint_interval_seconds: int = Field(default=3600, ge=60)
    # Reports (notifier/submissions): the Cbw competent authority of a sector workflows/cbw.yaml does not route
    # (reference section 2, "other sectors"). JSON, sector -> name, e.g. {"waste_water": "ILT"}.
    competent_authorities: dict[str, str] = Field(
        default_factory=dict, description='Cbw competent authority per sector, JSON, e.g. {"waste_water": "ILT"}'
    )
    # Read by notifier/submissions/pdf.py straight from the environment when it is imported; declared here so the
    # setting is documented and validated with the others.
    pdf_font_dir: Path = Path("/usr/share/fonts/truetype/dejavu")

    @model_validator(mode="after")
    def _no_placeholders_in_production(self) -> "Settings":
        if self.env != "production":
            return self
        problems = []
        if self.secret_key.strip().lower() in PLACEHOLDER_SECRETS or len(self.secret_key) < 32:
            problems.append("NOTIFIER_SECRET_KEY is a placeholder or shorter than 32 characters")
        if self.api_token is not None and (
            self.api_token.strip().lower() in PLACEHOLDER_SECRETS or len(self.api_token) < 32
        ):
            problems.append("NOTIFIER_API_TOKEN is a placeholder or shorter than 32 characters")
        if self.intake_token is not None and (
            self.intake_token.strip().lower() in PLACEHOLDER_SECRETS or len(self.intake_token) < 32
        ):
            problems.append("NOTIFIER_INTAKE_TOKEN is a placeholder or shorter than 32 characters")
        if self.oidc_client_secret is not None and _placeholder(self.oidc_client_secret):
            problems.append("NOTIFIER_OIDC_CLIENT_SECRET is a placeholder")
        # The mail provider sets the SMTP password's length, so only placeholders are refused; without a user it is
        # never sent, so an empty one is fine then.
        if self.smtp_user and _placeholder(self.smtp_password or ""):
            problems.append("NOTIFIER_SMTP_PASSWORD is empty or a placeholder")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _sign_in_possible(self) -> "Settings":
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("NOTIFIER_OIDC_ISSUER needs NOTIFIER_OIDC_CLIENT_ID")
        if not self.password_signin and not self.oidc_issuer:
            raise ValueError("NOTIFIER_PASSWORD_SIGNIN=false needs NOTIFIER_OIDC_ISSUER: nobody could sign in")
        # The roles named in the claim mapping are checked by notifier/accounts/sso.py when the app starts.
        return self

    @field_validator("competent_authorities")
    @classmethod
    def _known_sectors(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(k for k in value if k not in SECTORS)
        if unknown:
            raise ValueError(f"NOTIFIER_COMPETENT_AUTHORITIES: unknown sector {unknown[0]!r}")
        blank = sorted(k for k, name in value.items() if not name.strip())
        if blank:
            raise ValueError(f"NOTIFIER_COMPETENT_AUTHORITIES: empty name for sector {blank[0]!r}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        try:
            parse_proxies(value)
        except ValueError as exc:
            raise ValueError(f"NOTIFIER_TRUSTED_PROXIES: {exc}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
