from django.shortcuts import get_object_or_404, render

from logistics.models import Reception, Trip


def index(request):
    return render(request, "logistics/index.html")


def trip_detail(request, pk):
    return render(request, "logistics/index.html", {"trip": get_object_or_404(Trip, pk=pk)})


def reception_detail(request, pk):
    return render(request, "logistics/index.html", {"reception": get_object_or_404(Reception, pk=pk)})
