"""Roles are groups; this table says what each may do, and `roles_sync` makes it so."""

from django.contrib.auth.models import Group, Permission


class Role:
    DIRECTOR = "办公室主任"
    LEADER = "领导"
    STAFF = "工作人员"
    LIAISON = "委室联络员"
    DRIVER = "司机"
    CANTEEN = "食堂管理员"
    DUTY = "值班员"

    ALL = (DIRECTOR, LEADER, STAFF, LIAISON, DRIVER, CANTEEN, DUTY)
    # Office people who may see the office-wide registers.
    OFFICE = (DIRECTOR, LEADER, STAFF)


_REFERENCE_DATA = ["unit", "person", "term", "membership", "calendarday"]

# Model permissions ("app.codename") per role. Object-level grants (secret
# documents) go through django-guardian on top of these.
_CRUD = ("view", "add", "change", "delete")
# Reference data of the duty apps the director keeps in the admin.
_DIRECTOR_ADMIN = [
    "meetings.view_kindrule", "meetings.change_kindrule",
    *(f"meetings.{verb}_checklisttemplatetask" for verb in _CRUD),
    *(f"logistics.{verb}_room" for verb in _CRUD),
    "logistics.view_roombooking",
    *(f"office.{verb}_webhookconfig" for verb in _CRUD),
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DIRECTOR: [f"office.{verb}_{model}" for model in _REFERENCE_DATA for verb in _CRUD] + _DIRECTOR_ADMIN,
    Role.LEADER: [f"office.view_{model}" for model in _REFERENCE_DATA],
    Role.STAFF: [f"office.view_{model}" for model in _REFERENCE_DATA]
    + [f"office.{verb}_{model}" for model in ("person", "membership") for verb in ("add", "change")],
    Role.LIAISON: ["office.view_unit", "office.view_person"],
    Role.DRIVER: [],
    Role.CANTEEN: ["office.view_unit", "office.view_person"],
    Role.DUTY: ["office.view_unit", "office.view_person"],
}


def roles_sync() -> None:
    """Create the role groups and set their permissions to the table above."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Every app's permissions must exist before they are granted, whatever the
    # order in which post_migrate reaches the apps.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_office_roles", None)
    if cached is None:
        cached = _roles_and_permissions_load(user)
        user._office_roles = cached
    return cached


def _roles_and_permissions_load(user) -> set[str]:
    """The user's role names; and, in the same query, the permissions ModelBackend would
    read in two more (every page's navigation asks for both). The permissions go where
    ModelBackend keeps them for the rest of the request."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import CharField, Value

    by_group = Group.objects.filter(user=user).values_list("name", "permissions__content_type__app_label", "permissions__codename")
    direct = Permission.objects.filter(user=user).values_list(Value(None, output_field=CharField()), "content_type__app_label", "codename")
    roles, group_perms, user_perms = set(), set(), set()
    for name, app_label, codename in by_group.order_by().union(direct.order_by(), all=True):
        if name is not None:
            roles.add(name)
        if codename:
            (group_perms if name is not None else user_perms).add(f"{app_label}.{codename}")
    # ModelBackend gives superusers every permission and inactive users none: leave those to it.
    if user.is_active and not user.is_superuser and not hasattr(user, "_perm_cache"):
        user._user_perm_cache, user._group_perm_cache = user_perms, group_perms
        user._perm_cache = user_perms | group_perms
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles)) or user.is_superuser


def user_unit_id(user) -> int | None:
    """The unit the user works in (their person record), or None."""
    if not user.is_authenticated:
        return None
    person = getattr(user, "person", None)  # kept on the user: the page header reads it too
    return person.unit_id if person is not None else None


def liaisons_by_unit() -> dict[int, list]:
    """unit id → the active login users who act for that unit (its liaisons)."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.LIAISON, person__unit__isnull=False)
        .select_related("person")
        .distinct()
    )
    contacts: dict[int, list] = {}
    for user in users:
        contacts.setdefault(user.person.unit_id, []).append(user)
    return contacts
