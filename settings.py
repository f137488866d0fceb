"""One settings object for the whole app.

Read from the environment (names start with ``CONSENT_``) and from the ``[consent]`` table of
``.streamlit/secrets.toml``; the environment wins. With nothing configured the app runs as a demo
clinic on a SQLite file in ``./data``. ``get_settings()`` reads when called, so tests can change
the environment and call it again (cosmicpython's config.py does the same).
"""

from __future__ import annotations

import base64
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_DIR = Path(__file__).resolve().parent
SECRETS_FILE = REPO_DIR / ".streamlit" / "secrets.toml"

# Clinic-set values that content packs may name as {placeholders}.
DEFAULT_PLACEHOLDERS: dict[str, str] = {
    "compression_days": "7",
    "compression_strength": "15-30 mmHg",
    "walk_minutes": "15-20",
    "avoid_days": "3",
    "sun_weeks": "2",
    "follow_up_weeks": "2-4",
    "session_minutes": "30-60",
}


class SecretsTomlSource(PydanticBaseSettingsSource):
    """The ``[consent]`` table of .streamlit/secrets.toml, if the file exists."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path.is_file():
            with path.open("rb") as fh:
                self._data = dict(tomllib.load(fh).get("consent", {}))

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONSENT_", extra="ignore", frozen=True, env_nested_delimiter="__"
    )

    environment: Literal["demo", "production"] = "demo"
    data_dir: Path = Path("./data")
    database_url: str | None = None  # default: SQLite file in data_dir

    clinic_name: str = "Demo Vein Clinic"
    clinic_address: str = "100 Example Street, Springfield"
    clinic_phone: str = "555-0100"
    clinic_timezone: str = "America/New_York"
    clinic_language: str = "en"  # staff sections of the PDF

    content_dir: Path | None = None  # a clinic's own packs, beside the shipped ones
    active_versions: dict[str, str] = Field(default_factory=dict)  # language -> pack version
    placeholders: dict[str, str] = Field(default_factory=dict)  # overrides DEFAULT_PLACEHOLDERS

    procedure: str = "Ultrasound-guided sclerotherapy"
    # The sclerosants a clinician may plan: agent code and strength (forms.record_care words).
    sclerosants: list[str] = Field(
        default_factory=lambda: [
            "polidocanol 0.5%",
            "polidocanol 1%",
            "polidocanol 3%",
            "sodium_tetradecyl_sulfate 1%",
            "sodium_tetradecyl_sulfate 3%",
        ]
    )
    # A signed consent covers a course of sessions (forms.course): this many months from the
    # patient's signature, and this many sessions in all, the first one included.
    course_months: int = Field(default=12, ge=1, le=36)
    course_sessions: int = Field(default=6, ge=1, le=50)
    require_mrn: bool = False
    mrn_pattern: str = r"[A-Za-z0-9-]{4,20}"

    # Minutes may be fractional (0.5 = 30 s): a clinic may want less than a minute, and the
    # browser test runs the real timer in seconds. At least 3 s (0.05): less would clear the
    # tablet while the patient reads; NaN and infinity are refused.
    patient_idle_minutes: float = Field(default=5, ge=0.05, le=120, allow_inf_nan=False)
    staff_idle_minutes: int = Field(default=15, ge=1, le=480)
    staff_session_hours: int = Field(default=12, ge=1, le=72)  # a sign-in's cookie, at most
    staff_cookie_secure: bool = False  # Secure cookie even without X-Forwarded-Proto: https
    draft_ttl_minutes: int = Field(default=120, ge=5, le=24 * 60)
    thank_you_seconds: int = Field(default=15, ge=3, le=300)
    lockout_attempts: int = Field(default=5, ge=1, le=50)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)

    # The EHR (forms/fhir.py): identifier systems its import matches on (the demo's: example.org,
    # the NPI test number) and an optional FHIR endpoint to send to (token in secrets.toml).
    mrn_system: str = "https://demo-vein-clinic.example.org/fhir/mrn"
    clinic_identifier_system: str = "http://hl7.org/fhir/sid/us-npi"
    clinic_identifier: str = "1234567893"
    fhir_base_url: str | None = None
    fhir_bearer_token: SecretStr | None = None
    fhir_timeout_seconds: float = Field(default=10, gt=0, le=120, allow_inf_nan=False)

    encryption_key: SecretStr | None = None  # Fernet key; encrypts PDFs and signatures at rest
    seal_p12_path: Path | None = None  # a clinic CA's PKCS#12; else a generated key in data_dir
    seal_p12_password: SecretStr | None = None
    seal_key_passphrase: SecretStr | None = None  # encrypts the generated seal key on disk

    # Staff password hashing (argon2id). Defaults are argon2-cffi's (RFC 9106 low-memory
    # profile); production refuses less than OWASP's floor. Each hash records its own
    # parameters, so changing these never locks anyone out: old hashes still verify and are
    # re-hashed with these values at the next sign-in. Tests set them cheap (tests/conftest.py).
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=64)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, SecretsTomlSource(settings_cls, SECRETS_FILE))

    @field_validator("clinic_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use a name like America/New_York"
            ) from exc
        return value

    @field_validator("mrn_pattern")
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @field_validator("fhir_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("not an http(s) address; use one like https://ehr.example/fhir")
        return value

    @field_validator("mrn_system", "clinic_identifier_system")
    @classmethod
    def _identifier_system(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"(https?://|urn:)\S+", value):
            raise ValueError("an identifier system is a URL or a urn:")
        return value

    @model_validator(mode="after")
    def _argon2_memory_fits_lanes(self) -> Settings:
        if self.argon2_memory_kib < 8 * self.argon2_parallelism:
            raise ValueError(
                "CONSENT_ARGON2_MEMORY_KIB must be at least 8 KiB per lane: "
                f"{8 * self.argon2_parallelism} for CONSENT_ARGON2_PARALLELISM="
                f"{self.argon2_parallelism}"
            )
        return self

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Settings:
        # A default that is fine for a demo would be insecure for real patients.
        if self.environment == "production":
            problems = []
            missing = []
            if not self.database_url:
                missing.append("CONSENT_DATABASE_URL")
            if self.encryption_key is None:
                missing.append("CONSENT_ENCRYPTION_KEY")
            if self.seal_p12_path is None and self.seal_key_passphrase is None:
                # The generated seal key must not lie on disk in clear (a PKCS#12 has its own).
                missing.append("CONSENT_SEAL_KEY_PASSPHRASE (or CONSENT_SEAL_P12_PATH)")
            if missing:
                problems.append("production needs " + ", ".join(missing) + " set explicitly")
            problems += _demo_identity(self)
            problems += _weak_encryption_key(self)
            problems += _weak_argon2(self)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    # Derived values: computed, never stored.
    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'consent.db'}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic_timezone)

    @property
    def placeholder_values(self) -> dict[str, str]:
        values = {**DEFAULT_PLACEHOLDERS, **self.placeholders}
        values.setdefault("clinic_phone", self.clinic_phone)
        values.setdefault("clinic_name", self.clinic_name)
        # The course the text promises is the course the record grants (services.courses):
        # these two come from the course settings alone, never from CONSENT_PLACEHOLDERS.
        values["course_sessions"] = str(self.course_sessions)
        values["course_months"] = str(self.course_months)
        return values

    @property
    def is_demo(self) -> bool:
        return self.environment == "demo"


# OWASP's least argon2id for passwords (m=19 MiB, t=2): below it a stolen staff table is cheap
# to guess through; fine for a demo or a test, never for real patients.
PRODUCTION_ARGON2_MIN_TIME_COST = 2
PRODUCTION_ARGON2_MIN_MEMORY_KIB = 19 * 1024


def _weak_argon2(s: Settings) -> list[str]:
    weak = []
    if s.argon2_time_cost < PRODUCTION_ARGON2_MIN_TIME_COST:
        weak.append(
            f"CONSENT_ARGON2_TIME_COST={s.argon2_time_cost} is too weak for production "
            f"(at least {PRODUCTION_ARGON2_MIN_TIME_COST}; the default is 3)"
        )
    if s.argon2_memory_kib < PRODUCTION_ARGON2_MIN_MEMORY_KIB:
        weak.append(
            f"CONSENT_ARGON2_MEMORY_KIB={s.argon2_memory_kib} is too weak for production "
            f"(at least {PRODUCTION_ARGON2_MIN_MEMORY_KIB}; the default is 65536)"
        )
    return weak


# The clinic's identity prints on every consent and the phone is the number patients are told to
# call for warning signs: production never runs as the demo clinic.
DEMO_IDENTITY = {
    "clinic_name": "CONSENT_CLINIC_NAME",
    "clinic_phone": "CONSENT_CLINIC_PHONE",
    "clinic_address": "CONSENT_CLINIC_ADDRESS",
}


def _demo_identity(s: Settings) -> list[str]:
    demo = [
        env
        for name, env in DEMO_IDENTITY.items()
        if not str(getattr(s, name)).strip()
        or getattr(s, name).strip() == Settings.model_fields[name].default
    ]
    if not demo:
        return []
    return ["production needs the clinic's own " + ", ".join(demo) + " (the demo clinic's is set)"]


def _weak_encryption_key(s: Settings) -> list[str]:
    """Each comma-separated key must be a Fernet key: URL-safe base64 of 32 random bytes."""
    if s.encryption_key is None:
        return []
    keys = [k.strip() for k in s.encryption_key.get_secret_value().split(",") if k.strip()]
    for key in keys or [""]:
        try:
            ok = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (ValueError, UnicodeEncodeError):
            ok = False
        if not ok:
            return [
                "CONSENT_ENCRYPTION_KEY is not a valid key (make one with `python cli.py gen-key`)"
            ]
    return []


def get_settings(**overrides: Any) -> Settings:
    """Read settings now (environment, then secrets.toml, then defaults)."""
    return Settings(**overrides)
