"""The 待我审批 page: the queue and the one POST that decides an item."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from office import approvals
from office.workflow import TransitionRefused


def approvals_page(request, *, error=None, status=200):
    items = approvals.items_for(request.user)
    if error is not None:
        error["in_queue"] = any(item.key == error["key"] for item in items)
    context = {"items": items, "error": error}
    return render(request, "office/approvals.html", context, status=status)


@require_POST
def approvals_decide(request):
    key = request.POST.get("key", "")
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "").strip()
    choice = request.POST.get("choice", "").strip()
    if action not in ("approve", "return"):
        messages.error(request, "请选择同意或退回")
        return redirect("office:approvals")
    approve = action == "approve"
    extra = {"choice": choice} if choice else {}
    try:
        approvals.decide(request.user, key, approve, comment, **extra)
    except TransitionRefused as refusal:
        # Nothing changed: show the queue again with the reason and the comment kept.
        error = {"key": key, "message": str(refusal), "comment": comment, "choice": choice}
        return approvals_page(request, error=error, status=400)
    messages.success(request, "已同意" if approve else "已退回")
    return redirect("office:approvals")
