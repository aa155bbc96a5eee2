"""Bulk data: snapshots of the whole registry (written by ``export_bulk``, read by the data page and
``import_bulk``). The layout and ``manifest.json`` are described in docs/data.md."""
