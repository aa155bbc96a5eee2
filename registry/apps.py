from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (sources, submissions, change log)"

    def ready(self):
        from django.db.models.signals import post_migrate

        import registry.api_docs  # noqa: F401 - registers the token scheme with drf-spectacular
        from registry.exports import SOURCE_COLUMNS
        from registry.interchange import register
        from registry.models import Source
        from registry.permissions import ensure_moderators_group
        from registry.search import repair_fts
        from registry.vocabulary import SOURCE_MEANINGS

        steady_reconnect_delay()
        post_migrate.connect(repair_fts, sender=self, dispatch_uid="registry.search.repair_fts")
        post_migrate.connect(ensure_moderators_group, sender=self, dispatch_uid="registry.permissions.moderators")

        register(name="source", plural="sources", label="Sources", model=Source,
                 serializer_path="registry.write_serializers.SourceWriteSerializer", order=10, page_order=90,
                 api_order=90, csv=SOURCE_COLUMNS, meanings=SOURCE_MEANINGS)


def steady_reconnect_delay():
    """psycopg_pool retries a lost server after 1 s, then 2, 4, 8…: after an outage of a few seconds the site
    stayed down for up to 19 s more. The registry retries every DB_RECONNECT_DELAY_S instead (one cheap connection
    attempt each time), so service returns within that delay of the database. psycopg_pool reads these two class
    attributes at each attempt (AttemptWithBackoff, psycopg_pool/base.py); tests/registry/test_database_settings.py
    checks they are still there."""
    from django.conf import settings

    try:
        from psycopg_pool.base import AttemptWithBackoff
    except ImportError:  # SQLite-only installs
        return
    AttemptWithBackoff.INITIAL_DELAY = settings.DB_RECONNECT_DELAY_S
    AttemptWithBackoff.DELAY_BACKOFF = 1.0

