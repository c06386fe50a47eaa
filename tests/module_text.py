"""The provenance every module's front matter needs (validate requires it), for test modules."""

PROVENANCE = """version: "1.0"
author: A test author
clinical_reviewer: A test reviewer
published: 2026-01-05
next_review: 2027-01-05
references:
  - title: A reference
    publisher: A publisher
    year: 2025
    url: https://example.org/reference
further_reading:
  - title: More to read
    publisher: A publisher
    year: 2024
    url: https://example.org/more
"""
