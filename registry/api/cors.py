"""CORS for the API: GET (and HEAD, OPTIONS) from any origin under /api/, never with credentials."""

from django.http import HttpResponse
from rest_framework import status


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=status.HTTP_204_NO_CONTENT)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = ("ETag, Last-Modified, Retry-After, RateLimit-Limit, "
                                                     "RateLimit-Remaining, RateLimit-Reset")
        return response
