from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (sources, submissions, change log)"

    def ready(self):
        import registry.api_docs  # noqa: F401 - registers the token scheme with drf-spectacular
        from registry.exports import SOURCE_COLUMNS
        from registry.interchange import register
        from registry.models import Source

        register(name="source", plural="sources", label="Sources", model=Source,
                 serializer_path="registry.write_serializers.SourceWriteSerializer", order=10, page_order=90,
                 api_order=90, csv=SOURCE_COLUMNS)
