"""Competency frameworks in and out: 1EdTech CASE 1.1 packages and Moodle's framework CSV."""

from .case_export import case_package
from .case_import import ImportedFramework, import_case
from .moodle_csv import moodle_csv, names_moodle_shortens
from .source import FrameworkSource, read_source
from .yaml_writer import framework_yaml

__all__ = [
    "FrameworkSource",
    "ImportedFramework",
    "case_package",
    "framework_yaml",
    "import_case",
    "moodle_csv",
    "names_moodle_shortens",
    "read_source",
]
