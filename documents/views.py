from django.shortcuts import render

from documents import selectors


def index(request):
    return render(request, "documents/index.html")


def incoming_detail(request, pk):
    return render(request, "documents/index.html", {"document": selectors.incoming_get(request.user, pk)})


def outgoing_detail(request, pk):
    return render(request, "documents/index.html", {"document": selectors.outgoing_get(request.user, pk)})
