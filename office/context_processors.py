from django.conf import settings

from django.utils import timezone

from office.models import Message
from office.related import header_notes
from office.navigation import navigation_for


def office_header(request):
    """Header data on every page: the office's name, navigation, unread count."""
    context = {"OFFICE_NAME": settings.OFFICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context["nav_items"] = navigation_for(request)
    context["header_notes"] = header_notes(timezone.localdate())
    context["unread_count"] = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    return context
