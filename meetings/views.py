from django.shortcuts import render


def index(request):
    return render(request, "meetings/index.html")


def detail(request, pk):
    from meetings.selectors import meeting_get

    return render(request, "meetings/index.html", {"meeting": meeting_get(pk)})
