"""Container image references (``registry[:port]/path[:tag][@digest]``) as written in Helm values,
kustomizations and CI files, reduced to (name, tag or digest) with Docker Hub's prefixes dropped."""

from __future__ import annotations

import re

# registry[:port]/path[:tag][@digest]; lower case except the tag, as the distribution spec says.
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/-]*(?::\d+/[a-z0-9._/-]+)?(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")
_DOCKER_HUB = ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/", "index.docker.io/")


def image_reference(reference: str) -> tuple[str, str] | None:
    """(name, tag or digest) of a container image reference, Docker Hub's prefixes dropped; None if it is not one."""
    reference = reference.strip()
    if len(reference) > 300 or "//" in reference or not _IMAGE.match(reference):
        return None
    name, _, digest = reference.partition("@")
    head, slash, last = name.rpartition("/")
    version = digest
    if ":" in last:
        last, version = last.split(":", 1)
        name = head + slash + last
    for prefix in _DOCKER_HUB:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name, version
