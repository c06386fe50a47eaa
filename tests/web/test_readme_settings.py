"""The README's configuration table names each setting once, so no two rows disagree."""

import re
from collections import Counter

from app.config import PROJECT_ROOT


def test_each_setting_has_one_row_in_the_configuration_table():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = Counter(
        name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split(" | ", 1)[0])
    )
    assert "LINKWISE_BASE_URL" in named
    assert [name for name, times in named.items() if times > 1] == []
