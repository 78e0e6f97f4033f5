"""What the sample's planted path situations (``manifest["planted"]["paths"]``) must read in
a path: shared by the tests that compute the paths on each store and through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loaders.sample.path_cases import SITUATIONS


def planted_paths(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The default district's planted situations by name: every one, once."""
    entries = manifest["planted"]["paths"]
    found = {entry["situation"]: entry for entry in entries}
    assert sorted(found) == sorted(SITUATIONS) and len(entries) == len(SITUATIONS)
    return found


def assert_as_planted(
    path: dict[str, Any],
    entry: dict[str, Any],
    *,
    unit_kind: Callable[[str | None], str | None],
    actions_shown: int,
) -> None:
    """``path`` says exactly what the manifest planted: the levels, the ready days, the
    lines that decide them (every other barring line holds today), the pool and, for a
    grassroots posting, the township or street postings and secondments with their day."""
    assert path["cadre_id"] == entry["cadre_id"]
    assert (path["level"], path["next_level"]) == (entry["level"], entry["next_level"])
    assert path["ready_now"] is entry["ready_now"]
    assert path["ready_on"] == entry["ready_on"]
    assert path["ready_with_actions"] == entry["ready_with_actions"]
    lines = {line["rule"]: line for line in path["rules"]}
    for rule, expected in entry["rules"].items():
        assert {"status": lines[rule]["status"], "met_on": lines[rule]["met_on"]} == expected
    for rule, line in lines.items():
        if rule not in entry["rules"]:
            assert (line["status"], line["met_on"]) == ("pass", path["as_of"]), line
    if entry["pool"] is None:
        assert path["pool"] is None
    else:
        assert path["pool"] is not None
        assert {key: path["pool"][key] for key in entry["pool"]} == entry["pool"]
    if "actions" not in entry:
        return
    expected = entry["actions"]
    placed = [a for a in path["actions"] if a["kind"] in expected["kinds"]]
    assert sorted({a["kind"] for a in placed}) == sorted(expected["kinds"])
    for action in placed:
        assert unit_kind(action["unit_id"]) in expected["unit_kinds"], action
        assert action["ready_on"] == expected["ready_on"], action
        assert action["fixes"] == ["grassroots_years"], action
    postings = [a["post_id"] for a in placed if a["kind"] == "posting"]
    assert set(postings) <= set(expected["vacant_posts"])
    assert len(postings) == min(actions_shown, len(expected["vacant_posts"])) > 0
