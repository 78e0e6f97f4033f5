"""All settings in one place, read from the environment (``GRAPHSVC_*``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
