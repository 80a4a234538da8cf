"""待我审批: everything waiting on this person's decision, across duties.

Each duty app has an `approvals.py` module that registers a provider with
`@approval_provider("prefix")`; the provider lists the items waiting on a user
(`items(user)`) and decides one (`decide(user, key, approve, comment)`). Keys are
"prefix:pk", so `decide` here dispatches by the prefix. The modules are found
lazily on first use (autodiscover_modules("approvals")), so adding a duty never
edits office/.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from office.workflow import TransitionRefused


@dataclass
class Approval:
    kind: str  # 批示 / 签发 / 延期 / 销号 / 用车 / 请假 / 会议方案
    title: str
    url: str
    key: str  # unique: "supervision-extension:12"
    detail: str
    waiting_since: datetime.datetime | None
    comment_required_to_return: bool = True
    can_return: bool = True
    # Optional extras a provider may ask the page for (all default to nothing).
    approve_label: str = "同意"
    return_label: str = "退回"
    comment_required_to_approve: bool = False  # 批示: the comment is the instruction
    choices_label: str = ""  # e.g. 代表满意度 for a deputy's suggestion
    choices: tuple = ()  # ((value, label), ...) sent as "choice"


_PROVIDERS: dict[str, object] = {}
_discovered = False


def approval_provider(name: str):
    """Register an object (or class, instantiated) with items(user) and decide(user, key, approve, comment)."""

    def register(provider):
        _PROVIDERS[name] = provider() if isinstance(provider, type) else provider
        return provider

    return register


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("approvals")
        _discovered = True


def providers() -> dict[str, object]:
    autodiscover()
    return _PROVIDERS


def _since(item: Approval):
    if item.waiting_since is None:
        return timezone.now()
    return item.waiting_since


def items_for(user) -> list[Approval]:
    if not user.is_authenticated:
        return []
    found = []
    for provider in providers().values():
        found.extend(provider.items(user))
    return sorted(found, key=lambda item: (_since(item), item.key))


def decide(user, key: str, approve: bool, comment: str = "", **extra) -> None:
    """Approve or return one item; raises TransitionRefused with a Chinese message."""
    prefix, _, pk = (key or "").partition(":")
    provider = providers().get(prefix)
    if provider is None or not pk.isdigit():
        raise TransitionRefused("没有找到该审批事项")
    if extra:
        provider.decide(user, key, approve, comment, **extra)
    else:
        provider.decide(user, key, approve, comment)


def key_pk(key: str) -> int:
    """The record's pk from "prefix:pk"."""
    return int(key.partition(":")[2])
