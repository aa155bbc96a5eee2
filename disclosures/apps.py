from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = "Designations, testing disclosures and events"

    def ready(self):
        from registry.interchange import register

        serializers = "disclosures.api_serializers"
        register(name="designation", plural="designations", label="Designations",
                 model_path="disclosures.Designation",
                 serializer_path=f"{serializers}.DesignationWriteSerializer", order=70)
        register(name="testing-disclosure", plural="testing_disclosures", label="Testing disclosures",
                 model_path="disclosures.TestingDisclosure",
                 serializer_path=f"{serializers}.TestingDisclosureWriteSerializer", order=80)
        register(name="event", plural="events", label="Events", model_path="disclosures.Event",
                 serializer_path=f"{serializers}.EventWriteSerializer", order=90)
