"""The one XML reader of the manifest parsers (pom.xml, *.csproj, packages.config), through defusedxml: DTDs
and entities are refused, so entity-expansion and external-entity attacks become a ManifestError, not a hang."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from analyzer.errors import ManifestError


def load_xml(text: str) -> ET.Element:
    """The root element; ManifestError for unsafe or malformed XML, naming the line."""
    try:
        root: ET.Element = DET.fromstring(text, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ManifestError(f"refused unsafe XML ({type(exc).__name__}): DTDs and entities are not allowed") from exc
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise ManifestError(f"malformed XML at line {line}: {exc}") from exc
    except RecursionError as exc:
        raise ManifestError("XML nested too deeply to read") from exc
    return root
