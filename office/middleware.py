"""Security headers the whole site sends."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Everything from our own origin, no inline script (the pages use none), no
    framing. Inline style attributes stay allowed: chart bars and progress widths use them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
