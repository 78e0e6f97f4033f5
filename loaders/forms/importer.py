"""Importing appointment forms and rosters: read, match, validate everything, write once.

Each form or roster row becomes a cadre (:mod:`loaders.forms.people`), the posts of their
简历 and their secondments, closing what a newer form no longer lists
(:mod:`loaders.forms.career`, matching units and posts with :mod:`loaders.forms.units`),
the proposal it makes (:mod:`loaders.forms.proposals`), annual assessments, supervision
records, specialties and the photo (:mod:`loaders.forms.fields`) and kinship
(:mod:`loaders.forms.family`). The rows
(:mod:`loaders.forms.batch`) go through the loader's own validation
(:func:`loaders.validate.validate_tables`): any problem anywhere and nothing is written;
a clean import is one atomic store write, so importing the same files twice changes
nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graphsvc.stores.base import GraphStore
from loaders.forms.batch import ImportBatch
from loaders.forms.career import career_rows
from loaders.forms.family import kinship_rows
from loaders.forms.fields import assessment_rows, photo_rows, specialty_rows, supervision_rows
from loaders.forms.people import CadreIndex, count_person, take_people
from loaders.forms.proposals import proposal_rows
from loaders.forms.reading import FORM_SUFFIXES, Read, read_paths, read_uploads
from loaders.forms.review import ImportReport
from loaders.forms.units import OrgIndex, normalize_name
from loaders.validate import validate_tables

__all__ = ["FORM_SUFFIXES", "import_form_bytes", "import_forms"]


def import_forms(*, store: GraphStore, paths: list[Path], dry_run: bool = False) -> ImportReport:
    """Import .lrmx/.lrm forms and roster workbooks (files or folders), all or nothing.

    Parameters
    ----------
    store : GraphStore
        Where the records go; read for matching.
    paths : list of Path
        Files (``.lrmx``, ``.lrm``, ``.xlsx``) or folders searched for them.
    dry_run : bool
        Build and check everything, report, write nothing.

    Returns
    -------
    ImportReport
        ``written`` is True only when there were no problems and not ``dry_run``.
    """
    return _run(store, read_paths(paths), dry_run=dry_run)


def import_form_bytes(
    *, store: GraphStore, files: list[tuple[str, bytes]], dry_run: bool = False
) -> ImportReport:
    """Import uploaded forms and rosters given as (file name, content); the same checks."""
    return _run(store, read_uploads(files), dry_run=dry_run)


def _run(store: GraphStore, read: Read, *, dry_run: bool) -> ImportReport:
    batch = ImportBatch(problems=list(read.problems), warnings=list(read.warnings))
    batch.report.files = read.files
    batch.report.dry_run = dry_run
    index = CadreIndex.load(store)
    org = OrgIndex.load(store)

    people = take_people(batch, read.records, index)
    batch.report.cadre_ids = [person.cadre_id for person in people]
    annual = {
        (a["cadre_id"], int(a["year"])): a["id"]
        for a in store.iter_nodes("Assessment", ["cadre_id", "year", "quarter"])
        if a.get("quarter") is None
    }
    supervised: dict[tuple[str, str, date], str] = {
        (s["cadre_id"], s["kind"], s["date"]): s["id"]
        for s in store.iter_nodes("Supervision", ["cadre_id", "kind", "date"])
    }
    specialties = {
        normalize_name(s["name"]): s["id"] for s in store.iter_nodes("Specialty", ["name"])
    }
    photos = store.get_nodes("Photo", {p.cadre_id for p in people if p.record.photo})
    proposals = {p["id"]: p for p in store.iter_nodes("Proposal")}
    for person in people:
        career_rows(batch, person, org)
        proposal_rows(batch, person, org, proposals)
        assessment_rows(batch, person, annual)
        supervision_rows(batch, person, supervised)
        specialty_rows(batch, person, specialties)
        photo_rows(batch, person, photos.get(person.cadre_id))
    kinship_rows(batch, store, people, index.cadres, org)
    for person in people:
        batch.add("cadres", person.record.where, person.props)
        count_person(batch, person)
    for unit in org.new_units.values():
        batch.add("units", unit.pop("_source", "简历"), unit)
    for post in org.new_posts.values():
        batch.add("posts", post.pop("_source", "简历"), post)

    validated = validate_tables(batch.raw_tables(), store)
    batch.absorb(validated.issues)
    report = batch.report
    report.problems = [p.as_dict() for p in batch.problems]
    report.warnings = [w.as_dict() for w in batch.warnings]
    if batch.problems or dry_run:
        return report
    summary = store.write(validated.batch)
    report.written = True
    report.summary = summary.as_dict()
    return report
