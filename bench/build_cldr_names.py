"""Write the packaged CLDR name tables (src/retold/data/cldr_names.json) from `babel`.

Run: .venv/bin/python bench/build_cldr_names.py

Countries and time-zone cities keyed as specifics key them (`retold.places`), and month names
per language (`retold.dates`). Building them loads CLDR for 47 locales, a second or two, so
they are shipped built; `tests/test_realnews.py` fails when the packaged file and a fresh build
from the installed babel differ, and this script brings them back together.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from retold.dates import build_month_tables
from retold.places import CLDR_NAMES_FILE, build_place_names, place_names_to_json


def cldr_names() -> dict:
    import babel

    return {
        "babel": babel.__version__,
        "places": place_names_to_json(build_place_names()),
        "months": build_month_tables(),
    }


def main() -> None:
    path = Path(str(resources.files("retold") / "data" / CLDR_NAMES_FILE))
    path.write_text(json.dumps(cldr_names(), ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {path} ({path.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
