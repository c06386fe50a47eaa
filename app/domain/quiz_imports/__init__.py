"""Bring quizzes written for other tools (text2qti, Moodle GIFT) into Linkwise's format.

Each importer writes a Linkwise quiz file and checks it with the quiz parser, reporting
every problem at the line of the source file it came from, as `FILE:LINE: error: ...`.
"""

from .checked import Imported
from .gift import import_gift
from .text2qti import import_text2qti

__all__ = ["Imported", "import_gift", "import_text2qti"]
