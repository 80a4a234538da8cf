"""The 待我审批 page: the queue and the one POST that decides an item."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from office import approvals
from office.workflow import TransitionRefused


PER_PAGE = 30


def approvals_page(request, *, error=None, status=200):
    items = approvals.items_for(request.user)
    page_number = request.GET.get("page") or request.POST.get("page")
    if error is not None:
        keys = [item.key for item in items]
        error["in_queue"] = error["key"] in keys
        if error["in_queue"]:  # show the page that holds the refused item, with its form
            page_number = keys.index(error["key"]) // PER_PAGE + 1
    page = Paginator(items, PER_PAGE).get_page(page_number)
    context = {"page": page, "total": len(items), "error": error}
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
    page = request.POST.get("page", "")
    return redirect(reverse("office:approvals") + (f"?page={page}" if page.isdigit() and page != "1" else ""))
