"""The main navigation: one entry per duty, in the office's own order."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    namespace: str


NAVIGATION = [
    NavItem("工作台", "office:home", "office"),
    NavItem("办会", "meetings:index", "meetings"),
    NavItem("办文", "documents:index", "documents"),
    NavItem("督办", "supervision:index", "supervision"),
    NavItem("办事", "logistics:index", "logistics"),
    NavItem("作风", "conduct:index", "conduct"),
    NavItem("人员", "office:person_list", "people"),
]


def navigation_for(request):
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    if current == "office" and match.url_name.startswith(("person", "people", "unit")):
        current = "people"
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.namespace == current}
        for item in NAVIGATION
    ]
