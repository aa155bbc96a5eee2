"""The API's shared machinery, one module per concern. Resource viewsets live in each app's
api_views.py and subclass registry.api_views.RecordViewSet.

- parameters: the query parameters each kind of endpoint takes, declared once (validation, OpenAPI,
  the guide's table), and the one parse that names every bad parameter in one 400
- filtering: the list's FilterSet applied once the parameters are valid
- pagination: keyset pages
- caching: ETag / Last-Modified and conditional requests
- throttling: rate limits with RateLimit-* headers
- authentication: API tokens
- errors: one JSON error shape
- cors: GET from any origin
"""
