"""Every named URL of our apps, read from the URL configuration, for the tests that
walk them all (anonymous visitors, the permission matrix)."""

from django.urls import URLPattern, URLResolver, get_resolver

APPS = {"office", "meetings", "documents", "supervision", "logistics", "conduct"}
# Reached by an invitee from the link in their notice, without an account.
PUBLIC = {"meetings:reply"}


def app_urls():
    """(name, path) for every named URL of our apps, with 1 for each argument."""
    found = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in APPS:
                route = prefix + str(pattern.pattern)
                path = "/" + "".join("1" if part.startswith("<") else part for part in _split(route))
                found.append((f"{namespace}:{pattern.name}", path))

    walk(get_resolver().url_patterns, None, "")
    return found


def _split(route):
    parts, current = [], ""
    for char in route:
        if char == "<":
            if current:
                parts.append(current)
            current = "<"
        elif char == ">" and current.startswith("<"):
            parts.append(current + ">")
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts
