"""The admin's screen for API tokens: issue one (its secret shown once), see when each was last used, revoke."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from api.services import token_issue, token_revoke
from core.errors import DomainError
from core.http import AuthenticatedHttpRequest
from core.permissions import ADD, CHANGE, get_object_for, permission_required

# Never cached: the page that shows a new token's secret must not be kept by a browser or a proxy.
NO_STORE = "no-store"


@permission_required(CHANGE, ApiToken)
@require_GET
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.select_related("opd", "created_by", "revoked_by").order_by("revoked_at", "-created_at")
    return render(request, "api/token_list.html", {"tokens": tokens})


@permission_required(ADD, ApiToken)
@require_http_methods(["GET", "POST"])
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_issue(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            response = render(request, "api/token_issued.html", {"token": token, "secret": secret})
            response["Cache-Control"] = NO_STORE
            return response
    return render(request, "api/token_form.html", {"form": form})


@permission_required(CHANGE, ApiToken)
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_for(request.user, ApiToken, pk, action=CHANGE)
    try:
        token_revoke(actor=request.user, token=token)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Token %(name)s dicabut; permintaan dengan token itu kini ditolak.") % {"name": token.name}
        )
    return redirect("api:token_list")
