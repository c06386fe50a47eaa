"""Read the fonts a PDF embeds: which characters each cut-down font file can draw."""

import re
import zlib
from io import BytesIO

from fontTools import ttLib

# An object whose dictionary is followed by a stream; the dictionary never spans objects.
STREAM = re.compile(rb"(\d+) 0 obj\s*<<((?:(?!endobj).)*?)>>\s*stream\r?\n", re.S)
DESCRIPTOR = re.compile(rb"/FontFile2 (\d+) 0 R.*?/FontName /(\S+)", re.S)
LENGTH = re.compile(rb"/Length (\d+)")


def embedded_characters(pdf: bytes) -> dict[str, set[str]]:
    """Return, for each font file the PDF embeds, the characters its cmap maps to glyphs."""
    streams = {}
    for match in STREAM.finditer(pdf):
        start, length = match.end(), int(LENGTH.search(match.group(2)).group(1))
        data = pdf[start : start + length]
        streams[match.group(1)] = (
            zlib.decompress(data) if b"FlateDecode" in match.group(2) else data
        )
    fonts = {}
    for file_id, name in DESCRIPTOR.findall(pdf):
        font = ttLib.TTFont(BytesIO(streams[file_id]))
        fonts[name.decode()] = {chr(code) for code in font.getBestCmap()}
    return fonts
