"""A synthetic district, deterministic for a seed, written in the input format.

By default about 3,000 cadres in one district: 15 townships and streets with
their villages and communities, 40 district departments, the district's own
leadership, and the figures of the source report (118 civil-servant recruits
and 328 village/community graduates this year, a pool of about 196 young
cadres). Larger counts make a province of several such districts.

The generator plants what the analyses must find (ageing teams, leaders
retiring soon, vacancies, mentees left without a mentor, overloaded and
departed mentors, people behind on training, sanctions in their effect
period, kinship that breaks the avoidance rules) and lists them in
``manifest.json`` beside the tables, so tests can check the analyses against
ground truth. No real person: names are drawn at random and ID numbers use a
region code no real region has.

Careers follow the rank ladder (定级 after a year's probation, then each 职级 after its
minimum years) and the leadership ladder (a 正科 holder held a 副科 leadership post for
two years, a 副处 holder a 正科 one for three); the manifest also plants staff without a
leadership post at high ranks, people past and close to retirement, and pool members
under exit review.

Modules: ``catalogue`` (templates and vocabularies), ``names`` (names, places, ID
numbers), ``records`` (posts, people, month arithmetic), ``state`` (the tables, planted
facts, id counters and random stream every step writes into), ``district`` (one
district's tables), ``planted``, ``mentoring`` and ``path_cases`` (the ground truth;
``path_cases``: cadres whose path to the next level is worked out by hand),
``generator`` (the order of it all; the only module that imports the steps, none
imports it) and
``writer`` (CSV files and the manifest).
"""

from loaders.sample.catalogue import AS_OF, DISTRICT_CADRES
from loaders.sample.generator import generate_sample
from loaders.sample.records import Sample
from loaders.sample.writer import raw_tables, write_sample

__all__ = ["AS_OF", "DISTRICT_CADRES", "Sample", "generate_sample", "raw_tables", "write_sample"]
