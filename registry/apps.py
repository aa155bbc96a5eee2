from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (sources, submissions, change log)"

    def ready(self):
        from registry.interchange import register

        register(name="source", plural="sources", label="Sources", model_path="registry.Source",
                 serializer_path="registry.api_serializers.SourceWriteSerializer", order=10)
