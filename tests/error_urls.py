"""A URL that fails, to check what a server error shows."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("rahasia: 6271041203850001")


urlpatterns = [path("boom/", boom), path("", include("poverty.urls"))]
