"""SCORM 1.2 packages of a module: its runtime data, manifest and the checks on both."""

from .course_data import (
    SUSPEND_DATA_LIMIT,
    answer_bound,
    course_data,
    package_problems,
    suspend_data_bound,
)
from .manifest import manifest_problems, manifest_xml

__all__ = [
    "SUSPEND_DATA_LIMIT",
    "answer_bound",
    "course_data",
    "manifest_problems",
    "manifest_xml",
    "package_problems",
    "suspend_data_bound",
]
