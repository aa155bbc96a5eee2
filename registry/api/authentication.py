"""API tokens: ``Authorization: Token <key>`` (or Bearer). Keys are stored only as SHA-256 hashes."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header


class TokenAuthentication(BaseAuthentication):
    # Documented in the OpenAPI schema by registry.api_docs.TokenScheme.

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        from registry.api.throttling import check_failed_token  # not at import: DRF settings load this module
        from registry.models import ApiToken

        if len(parts) != 2:
            check_failed_token(request)  # every failed attempt counts: a 429 past the limit per address
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Token <key>.")
        token = ApiToken.objects.authenticate(parts[1].decode("latin-1"))
        if token is None:
            check_failed_token(request)
            raise exceptions.AuthenticationFailed("This token is not valid or has been revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'
