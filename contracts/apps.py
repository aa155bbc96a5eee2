from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Agencies, vendors and agreements"

    def ready(self):
        from registry.interchange import register

        serializers = "contracts.api_serializers"
        register(name="agency", plural="agencies", label="Agencies", model_path="contracts.Agency",
                 serializer_path=f"{serializers}.AgencyWriteSerializer", order=20)
        register(name="vendor", plural="vendors", label="Vendors", model_path="contracts.Vendor",
                 serializer_path=f"{serializers}.VendorWriteSerializer", order=30)
        register(name="agreement", plural="agreements", label="Agreements", model_path="contracts.Agreement",
                 serializer_path=f"{serializers}.AgreementWriteSerializer", order=40)
        register(name="term", plural="terms", label="Public terms", model_path="contracts.PublicTerm",
                 serializer_path=f"{serializers}.PublicTermWriteSerializer", order=50)
        register(name="addendum-marker", plural="addendum_markers", label="Classified-addendum markers",
                 model_path="contracts.ClassifiedAddendumMarker",
                 serializer_path=f"{serializers}.ClassifiedAddendumMarkerWriteSerializer", order=60)
