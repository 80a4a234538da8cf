"""The main navigation: one entry per duty, in the office's own order, shown to
the roles that may open it."""

from dataclasses import dataclass

from django.urls import reverse

from office.roles import Role, has_role

REGISTER_ROLES = (Role.DIRECTOR, Role.STAFF, Role.LEADER, Role.LIAISON)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    namespace: str
    roles: tuple[str, ...] = ()  # empty: everyone who is logged in
    perm: str = ""


NAVIGATION = [
    NavItem("工作台", "office:home", "office"),
    NavItem("待我审批", "office:approvals", "approvals", roles=(Role.DIRECTOR, Role.LEADER)),
    NavItem("主任看板", "office:dashboard", "dashboard", roles=(Role.DIRECTOR, Role.LEADER)),
    NavItem("领导日程", "office:leader_week", "week", roles=(Role.DIRECTOR, Role.LEADER)),
    NavItem("办会", "meetings:index", "meetings"),
    NavItem("办文", "documents:index", "documents", roles=REGISTER_ROLES),
    NavItem("督办", "supervision:index", "supervision", roles=REGISTER_ROLES),
    NavItem("办事", "logistics:index", "logistics"),
    NavItem("作风", "conduct:index", "conduct"),
    NavItem("人员", "office:person_list", "people", perm="office.view_person"),
]


def _visible(item: NavItem, user) -> bool:
    if item.roles and not has_role(user, *item.roles):
        return False
    return not item.perm or user.has_perm(item.perm)


def navigation_for(request):
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    if current == "office":
        for prefix, section in (("person", "people"), ("people", "people"), ("unit", "people"),
                                ("approvals", "approvals"), ("dashboard", "dashboard"), ("leader_week", "week")):
            if match.url_name.startswith(prefix):
                current = section
                break
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.namespace == current}
        for item in NAVIGATION
        if _visible(item, request.user)
    ]
