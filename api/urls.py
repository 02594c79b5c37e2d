from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import token_views, views
from core.permissions import signed_in

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("kecamatan", views.KecamatanViewSet, basename="kecamatan")
router.register("kelurahan", views.KelurahanViewSet, basename="kelurahan")
router.register("opd", views.OpdViewSet, basename="opd")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("persons", views.PersonViewSet, basename="person")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("interventions", views.InterventionViewSet, basename="intervention")
router.register("offline", views.OfflineViewSet, basename="offline")

app_name = "api"
urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # Interactive docs (Swagger UI from drf-spectacular-sidecar's static files), for signed-in users of the pages.
    path("api/v1/docs/", signed_in(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("api/v1/<path:rest>", views.not_found, name="not_found"),
    # The admin's screen for the OPD systems' tokens.
    path("accounts/manage/api-tokens/", token_views.token_list, name="token_list"),
    path("accounts/manage/api-tokens/new/", token_views.token_create, name="token_create"),
    path("accounts/manage/api-tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
]
