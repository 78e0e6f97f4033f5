"""All settings in one place, read from the environment (``GRAPHSVC_*``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAPHSVC_", env_file=".env", extra="ignore")

    store: str = Field(
        default="./graphsvc.db",
        description="Store URL: a file path for the embedded store, or neo4j:// / bolt://",
    )
    host: str = Field(default="127.0.0.1", description="Address the HTTP service binds to")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the HTTP service listens on")
    sample_dir: Path = Field(
        default=Path("./var/sample"), description="Where `graphsvc demo` keeps its district"
    )

    snapshot_dir: Path = Field(
        default=Path("./var/snapshots"),
        description="Where the columnar snapshots of a Neo4j store are kept "
        "(an embedded store keeps them beside its file)",
    )

    access_db: Path = Field(
        default=Path("./graphsvc-access.db"),
        description="Tokens (hashed) and the append-only audit log (SQLite)",
    )
    cache_entries: int = Field(
        default=256, ge=0, description="Analysis results kept per graph version (0: no cache)"
    )
    warm: bool = Field(
        default=True,
        description="Prepare the read models (directory, selection, development) in the "
        "background as the service starts, so that the first question is answered like the "
        "second (GET /health says warming until they are ready)",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A workbench sign-in ends after this many idle minutes"
    )
    audit_key: Path | None = Field(
        default=None,
        description="The audit log's secret HMAC key, a file of its own readable by its owner "
        "only (made on first use); default: the access file's name + '.key' beside it. Keep a "
        "copy apart from the log: without it the log cannot be verified",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or networks, 10.0.0.0/8) of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated; from anyone "
        "else those headers are ignored",
    )

    # Sign-in throttling (the workbench): see docs/api.md, Security.
    sign_in_first_wait_seconds: float = Field(
        default=1.0, gt=0, description="The wait after one failed sign-in; each next one doubles"
    )
    sign_in_max_wait_seconds: float = Field(
        default=300.0, gt=0, description="The longest wait after failed sign-ins (1 s, 2 s, 4 s …)"
    )
    sign_in_address_allowance: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins one address may make (against any accounts) before the "
        "address itself must wait; an account waits after its first failure",
    )
    sign_in_forget_minutes: int = Field(
        default=1440, ge=1, description="Failed sign-ins are forgotten after this much quiet"
    )

    # Uploads (POST /api/v1/load, POST /api/v1/forms) and the workbooks they carry.
    upload_max_mb: int = Field(
        default=200, ge=1, description="The largest file POST /load takes (MiB, the whole body)"
    )
    forms_upload_max_mb: int = Field(
        default=20, ge=1, description="The most POST /forms takes, all files together (MiB)"
    )
    body_max_mb: int = Field(
        default=16,
        ge=1,
        description="The largest request body that is not a multipart upload (JSON): refused "
        "before it is read (MiB)",
    )
    uploads_at_once: int = Field(
        default=2, ge=1, description="Uploads one server process reads at a time; more wait (503)"
    )
    workbook_max_unzipped_mb: int = Field(
        default=2048,
        ge=1,
        description="The most an .xlsx workbook may hold once decompressed (MiB, all its parts;"
        " a province's 28 million cells in one workbook are about 1 GiB)",
    )
    workbook_max_ratio: int = Field(
        default=100,
        ge=1,
        description="The most a part of an .xlsx workbook may expand over its compressed size "
        "(a zip bomb expands thousands of times; real sheets tens)",
    )
    table_max_rows: int = Field(
        default=5_000_000,
        ge=1,
        description="The most rows one load reads from its files (a province: 4.2 million)",
    )
    table_max_cells: int = Field(
        default=60_000_000,
        ge=1,
        description="The most cells one load reads from its files (a province: 28 million)",
    )

    id_number_check: Literal["error", "warn"] = Field(
        default="error",
        description="An ID number whose check digit (GB 11643) is wrong, or whose birth date "
        "disagrees with 出生年月: 'error' refuses the load, 'warn' loads it and says so",
    )

    policy: Path | None = Field(
        default=None, description="Selection policy file (TOML) merged over the defaults"
    )

    # Neo4j connection (used when `store` is a neo4j:// or bolt:// URL). The
    # unprefixed NEO4J_* names are the ones the Neo4j tooling itself uses.
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(
        default=SecretStr("graphsvc-dev"), validation_alias="NEO4J_PASSWORD"
    )
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    neo4j_auth: str = Field(
        default="basic", validation_alias="NEO4J_AUTH", description="'basic' or 'none' (auth off)"
    )
    neo4j_atomic_rows: int = Field(
        default=500_000, ge=1, description="Writes up to this many rows are one transaction"
    )
    neo4j_batch_rows: int = Field(default=10_000, ge=1, description="Rows per UNWIND batch")
    neo4j_retry_seconds: float = Field(
        default=5.0, ge=0, description="How long a transaction is retried while Neo4j is away"
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: object) -> object:
        if isinstance(value, str):  # GRAPHSVC_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/16
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            for item in value:
                ip_network(str(item), strict=False)  # refuses what is not an address
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
