"""The SCORM 1.2 manifest (imsmanifest.xml) of a one-SCO package, and what XSDs cannot check.

The XML schemas check the manifest's shape; they cannot see an item pointing at a resource
that does not exist, a mastery score outside 0 to 100, or a file listed but missing.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LAUNCH = "index.html"


def manifest_xml(
    *, identifier: str, title: str, version: str, mastery_score: int, files: list[str]
) -> str:
    """Return imsmanifest.xml for one SCO launched from index.html, listing every file."""
    listed = "\n".join(f"      <file href={quoteattr(name)}/>" for name in sorted(files))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(identifier)} version={quoteattr(version)}
    xmlns="{IMSCP}"
    xmlns:adlcp="{ADLCP}"
    xmlns:xsi="{XSI}"
    xsi:schemaLocation="{IMSCP} imscp_rootv1p1p2.xsd {ADLCP} adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="linkwise-org">
    <organization identifier="linkwise-org">
      <title>{escape(title)}</title>
      <item identifier="linkwise-item" identifierref="linkwise-sco" isvisible="true">
        <title>{escape(title)}</title>
        <adlcp:masteryscore>{mastery_score}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="linkwise-sco" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH}">
{listed}
    </resource>
  </resources>
</manifest>
"""


def manifest_problems(xml_text: str, files: set[str]) -> list[str]:
    """Return what is wrong with a manifest beyond its schema, each as a sentence."""
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError as error:
        return [f"imsmanifest.xml is not well-formed XML: {error}"]
    ns = {"cp": IMSCP, "adlcp": ADLCP}
    problems = []
    identifiers: dict[str, int] = {}
    for element in root.iter():
        found = element.get("identifier")
        if found is not None:
            identifiers[found] = identifiers.get(found, 0) + 1
    problems += [f"identifier '{i}' is used {n} times" for i, n in identifiers.items() if n > 1]
    resources = {r.get("identifier"): r for r in root.iterfind(".//cp:resource", ns)}
    organizations = root.find("cp:organizations", ns)
    default = organizations.get("default") if organizations is not None else None
    if default not in {o.get("identifier") for o in root.iterfind(".//cp:organization", ns)}:
        problems.append(f"the default organization '{default}' does not exist")
    for item in root.iterfind(".//cp:item", ns):
        ref = item.get("identifierref")
        if ref is not None and ref not in resources:
            problems.append(
                f"item '{item.get('identifier')}' points at resource '{ref}', which does not exist"
            )
        score = item.find("adlcp:masteryscore", ns)
        if score is not None and not _percentage(score.text):
            problems.append(
                f"item '{item.get('identifier')}' has a mastery score "
                f"'{score.text}' that is not a whole number from 0 to 100"
            )
    for resource in resources.values():
        scorm_type = resource.get(f"{{{ADLCP}}}scormtype")
        if scorm_type not in ("sco", "asset"):
            problems.append(
                f"resource '{resource.get('identifier')}' has scormtype "
                f"'{scorm_type}', not sco or asset"
            )
        hrefs = [resource.get("href")] + [f.get("href") for f in resource.iterfind("cp:file", ns)]
        problems += [
            f"'{href}' is listed in the manifest but not in the package"
            for href in hrefs
            if href and href not in files
        ]
    return problems


def _percentage(text: str | None) -> bool:
    text = (text or "").strip()
    return bool(re.fullmatch(r"[0-9]{1,3}", text)) and int(text) <= 100
