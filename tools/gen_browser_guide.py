"""Write the graphsvc Neo4j Browser guide to a file, for a web server of the department's own.

    python tools/gen_browser_guide.py --out /srv/www/graphsvc-guide.html

``graphsvc serve`` already serves it at ``/browser-guide``; use this file when Browser
should load the guide from another host (that host must send
``Access-Control-Allow-Origin`` and be listed in ``browser.remote_content_hostname_whitelist``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries.browser_guide import browser_guide_html  # noqa: E402


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    out: Path = parser.parse_args(argv).out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(browser_guide_html(), encoding="utf-8")
    print(f"wrote {out}; in Neo4j Browser run :play <URL of this file>")
    return out


if __name__ == "__main__":
    main()
