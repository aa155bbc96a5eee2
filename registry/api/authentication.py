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
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Token <key>.")
        from registry.models import ApiToken

        token = ApiToken.objects.authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid or has been revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'
