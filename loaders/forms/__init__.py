"""Reading the records departments already keep: appointment forms (.lrmx, .lrm) and rosters.

``importer.import_forms`` is the entry: it reads forms and roster workbooks, matches
people, units, posts and relatives against the graph, and writes everything through
the loader's validation in one atomic write.
"""
