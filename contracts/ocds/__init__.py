"""Agreements as Open Contracting Data Standard 1.1.5 releases and records (docs/ocds.md).

``release`` maps one agreement to a release, ``stated`` reads what it maps (now or at each change),
``packages`` wraps releases in packages for the API and the bulk export, and ``extension/`` is the
registry's own OCDS extension, served at /api/v1/ocds/extension/.
"""

from contracts.ocds.packages import write_record_package, write_release_package

__all__ = ["write_record_package", "write_release_package"]
