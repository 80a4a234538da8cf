"""Every page sends a Content-Security-Policy without inline script, and no template
carries inline script or event handlers that such a policy would block."""

import re
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_pages_send_a_policy_without_inline_script(office):
    for url in (reverse("login"), reverse("office:home"), reverse("supervision:index")):
        response = office.client_for(office.staff).get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in list(ROOT.glob("templates/**/*.html")) + list(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son(click|change|submit|load|input)=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
