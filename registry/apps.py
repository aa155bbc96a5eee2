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

        post_migrate.connect(repair_fts, sender=self, dispatch_uid="registry.search.repair_fts")
        post_migrate.connect(ensure_moderators_group, sender=self, dispatch_uid="registry.permissions.moderators")

        register(name="source", plural="sources", label="Sources", model=Source,
                 serializer_path="registry.write_serializers.SourceWriteSerializer", order=10, page_order=90,
                 api_order=90, csv=SOURCE_COLUMNS, meanings=SOURCE_MEANINGS)
