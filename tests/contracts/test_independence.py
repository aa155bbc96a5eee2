"""The dependency direction, checked on the source: disclosures → contracts → registry. Contracts never
names disclosures, not even by string; nothing looks models up by name at run time."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sources(*patterns):
    return [path for pattern in patterns for path in ROOT.glob(pattern) if "migrations" not in path.parts]


def test_contracts_never_names_the_disclosures_app_or_its_models():
    named = re.compile(r"disclosures|Designation|TestingDisclosure|EventLink|\bEvent\b")
    offenders = [str(path.relative_to(ROOT)) for path in sources("contracts/**/*.py")
                 if named.search(path.read_text())]

    assert offenders == []


def test_no_module_looks_a_model_up_by_name():
    offenders = [str(path.relative_to(ROOT)) for path in sources("registry/**/*.py", "contracts/**/*.py",
                                                                  "disclosures/**/*.py")
                 if "apps.get_model(" in path.read_text() or 'import_string("disclosures' in path.read_text()]

    assert offenders == []
