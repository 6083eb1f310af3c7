"""Benchmark of the browse lists (issue 15 item 2): pages through the Flask app.

Run from the project root after ``iacml build``::

    .venv/bin/python bench/browse_bench.py [-n 20]

Prints the time of each list's first page (reading its facet table from the graph),
then the median and worst of ``-n`` warm requests of a few pages, HTML, JSON and CSV,
unfiltered and filtered, and, as the baseline, the page's own SPARQL query (the one it
shows) run through the query backend as the page runs it (``/sparql`` would answer a
repeated query from its result cache): the ratio says what the facets, titles and page
cost on top of the query behind them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.app import create_app  # noqa: E402
from server.ld import datasource  # noqa: E402

PAGES = ("/browse/cooperations", "/browse/cooperations?topic=topic/child-labor&status=Ongoing",
         "/browse/activities", "/browse/activities.json?type=Workshop",
         "/browse/organizations.csv?type=Ministry&size=50", "/browse/topics?sort=-label")


def _timed(get: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        get()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def _query_of(client: object, page: str) -> str:
    """The SPARQL query a page shows (the HTML page's editor link)."""
    html_url = re.sub(r"\.(json|csv)", "", page)
    html = client.get(html_url).get_data(as_text=True)  # type: ignore[attr-defined]
    link = re.search(r'<a href="([^"]+)">Open this query', html)
    assert link, html_url
    return parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["query"][0]


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="warm repetitions")
    args = parser.parse_args()
    app = create_app({"IACML_DATASET": str(ROOT / "build" / "iacml.nq"), "IACML_RATE_LIMIT": 0,
                      "IACML_QUERY_WORKERS": 1})
    client = app.test_client()
    print("first page of each list (facet table read, label index on the first):")
    for kind in ("cooperations", "activities", "organizations", "topics"):
        start = time.perf_counter()
        assert client.get(f"/browse/{kind}").status_code == 200
        print(f"  /browse/{kind:<14} {1000 * (time.perf_counter() - start):7.1f} ms")
    print(f"\nwarm, {args.n} requests each: page median / worst | its query alone "
          "median | ratio")
    for page in PAGES:
        query = _query_of(client, page)
        times = _timed(lambda p=page: client.get(p), args.n)
        with app.test_request_context():
            base = _timed(lambda q=query: datasource.select(q), args.n)
        median, worst, base_median = (statistics.median(times), max(times),
                                      statistics.median(base))
        print(f"  {page:<62} {1000 * median:6.1f} / {1000 * worst:6.1f} ms | "
              f"{1000 * base_median:6.1f} ms | x{median / base_median:4.1f}")
    app.extensions["iacml.backend"].close()


if __name__ == "__main__":
    main()
