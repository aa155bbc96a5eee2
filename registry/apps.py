from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (sources, submissions, change log)"

    def ready(self):
        import registry.api_docs  # noqa: F401 - registers the token scheme with drf-spectacular
        from registry.interchange import register

        register(name="source", plural="sources", label="Sources", model_path="registry.Source",
                 serializer_path="registry.api_serializers.SourceWriteSerializer", order=10)
