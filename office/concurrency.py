"""Concurrent edits: the second of two saves of one record is refused, never silently overwrites.

An edit form carries a hidden token of the record as it was when the form was shown
(`versioned(form, record)`). The view saves inside `unchanged(form, record)`: in one
transaction with the service call, the row is re-read with select_for_update and a
token that differs refuses the save with RecordChanged. RecordChanged is a
TransitionRefused, so the views' `except TransitionRefused` puts the message on the
re-rendered form, with everything the user typed still in it.

The token is a hash of the record's editable fields (and its many-to-many ids), so
any saved change by someone else — through a page, the admin or a task — counts.
"""

import hashlib
import json
from contextlib import contextmanager

from auditlog.models import LogEntry
from django import forms
from django.db import transaction
from django.utils import timezone

from office.audit import _actor_name
from office.workflow import TransitionRefused

VERSION_FIELD = "record_version"


class RecordChanged(TransitionRefused):
    """Someone else saved the record after this form was shown."""


def version_token(record) -> str:
    """A short hash of the record's editable values as stored."""
    values = {field.attname: str(getattr(record, field.attname)) for field in record._meta.concrete_fields if field.editable}
    for field in record._meta.many_to_many:
        if field.editable and record.pk is not None:
            values[field.name] = sorted(getattr(record, field.name).values_list("pk", flat=True))
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def versioned(form, record):
    """Add the hidden token to an edit form; returns the form."""
    form.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, initial=version_token(record))
    return form


def changed_message(record) -> str:
    """该记录已被他人修改（who, HH:MM）…, naming the latest change from the audit history."""
    entry = LogEntry.objects.get_for_object(record).exclude(action=LogEntry.Action.ACCESS).select_related("actor__person").order_by("-timestamp", "-id").first()
    who = f"（{_actor_name(entry.actor)}，{timezone.localtime(entry.timestamp):%H:%M}）" if entry else ""
    return f"该记录已被他人修改{who}。请刷新后重新填写；你的修改未保存。"


def check_unchanged(record, token) -> None:
    """Lock the record's row (inside the caller's transaction) and refuse if it differs from `token`."""
    current = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if not token:
        raise RecordChanged("页面缺少版本信息（可能已过期）。请刷新后重新填写；你的修改未保存。")
    if version_token(current) != token:
        raise RecordChanged(changed_message(current))


@contextmanager
def unchanged(form, record):
    """Save block for a versioned form: `with unchanged(form, item): services.item_update(...)`.

    Takes the token out of cleaned_data, so a form's service_data() never passes it on.
    """
    token = form.cleaned_data.pop(VERSION_FIELD, "")
    with transaction.atomic():
        check_unchanged(record, token)
        yield


class VersionedAdminMixin:
    """For a ModelAdmin: its change form carries the token and refuses a stale save.

    The admin already saves inside a transaction, so the form's clean() can lock the row.
    """

    change_form_template = "admin/versioned_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class

        class VersionedChangeForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                versioned(self, self.instance)

            def clean(self):
                cleaned = super().clean()
                try:
                    check_unchanged(self.instance, cleaned.pop(VERSION_FIELD, ""))
                except RecordChanged as refused:
                    raise forms.ValidationError(str(refused)) from None
                return cleaned

        return VersionedChangeForm
