from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 30):
    """A page of the list; a bad or too-large page number gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
