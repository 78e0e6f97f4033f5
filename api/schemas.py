"""Response shapes shared by the routers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PageOut(BaseModel):
    items: list[dict[str, Any]] = Field(description="记录 (records) of this page")
    total: int = Field(description="How many records match in all")
    limit: int
    offset: int


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])
    store: str = Field(description="Kind of store: embedded or neo4j", examples=["embedded"])
    version: int = Field(description="Graph version; grows with every write that changed data")
    nodes: dict[str, int] = Field(description="Node counts by label")


class ErrorOut(BaseModel):
    detail: str = Field(examples=["no cadre with id 'C999999'"])
