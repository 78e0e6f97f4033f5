"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graphsvc.settings import Settings
from graphsvc.stores import GraphStore
from queries.selection.policy import SelectionPolicy


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_policy(request: Request) -> SelectionPolicy:
    policy: SelectionPolicy = request.app.state.policy
    return policy


StoreDep = Annotated[GraphStore, Depends(get_store)]
PolicyDep = Annotated[SelectionPolicy, Depends(get_policy)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
