"""How every form view saves: `submit()`, the one path from a valid form to a saved record.

Double-submit protection: every create form carries a one-time token. The token is claimed in the same
transaction that saves the records, after the form is valid, so a second post of the same form (double
click, resend after a slow network) finds the claim and is sent to what the first one created instead of
creating it again. A refusal (a DomainError, a model ValidationError) is shown one way: on the form, by
`add_refusal`, with what the user typed kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import EmptyChoiceLabelsMixin, add_refusal
from core.models import FormSubmission

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User


class SubmitOnceMixin(EmptyChoiceLabelsMixin):
    """Add to a create form; the view calls `claim()` once the form is valid."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class AlreadySubmitted(Exception):  # noqa: N818 - reads as a sentence at the call site
    def __init__(self, redirect_to: str) -> None:
        super().__init__(redirect_to)
        self.redirect_to = redirect_to


DUPLICATE_MESSAGE = _("Formulir ini sudah terkirim sebelumnya; data tidak dicatat dua kali.")


def repeated(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the first result when this POST repeats an accepted form, before any validation
    (so a repeat is not mistaken for, say, a duplicate NIK)."""
    if request.method != "POST" or not request.user.is_authenticated:  # form views are behind a sign-in
        return None
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        return None
    previous = FormSubmission.objects.filter(token=token, user=request.user).exclude(redirect_to="").first()
    if previous is None:
        return None
    messages.info(request, DUPLICATE_MESSAGE)
    return redirect(previous.redirect_to)


def claim(user: User, token: uuid.UUID | None) -> FormSubmission | None:
    """Claim `token` for this save, or raise AlreadySubmitted with where the first save led."""
    if token is None:
        return None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        previous = FormSubmission.objects.filter(token=token, user=user).first()
        raise AlreadySubmitted(previous.redirect_to if previous else "/") from None


def complete(submission: FormSubmission | None, redirect_to: str) -> None:
    if submission is not None:
        submission.redirect_to = redirect_to
        submission.save(update_fields=["redirect_to"])


def claim_ahead(user: User, token: uuid.UUID | None, redirect_to: str) -> FormSubmission | None:
    """Claim `token` in a transaction of its own, before a save that commits in several transactions (the
    bulk record): a repeat of the form is refused from the first step on, and sent to `redirect_to`. Give
    the token back with `release` when nothing was saved, so the corrected form can be sent again."""
    with transaction.atomic(durable=True):
        submission = claim(user, token)
        complete(submission, redirect_to)
    return submission


def release(submission: FormSubmission | None) -> None:
    if submission is not None:
        submission.delete()


def run_once(user: User, token: uuid.UUID | None, save: Callable[[], str]) -> str:
    """Run `save` (which returns the URL to go to next) at most once per token.

    The claim and the save share one savepoint: if the save fails, the claim goes too and the
    corrected form can be sent again. A repeat raises AlreadySubmitted with the first save's URL.
    """
    with transaction.atomic():
        submission = claim(user, token)
        url = save()
        complete(submission, url)
    return url


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], str],
    *,
    success: StrOrPromise | Callable[[], object] | None = None,
    fallback: str = "/",
) -> HttpResponse | None:
    """Save a valid form the one way every form view does, and say how it went.

    `save` does the work through a service and returns the URL to go to next. It runs at most once per
    form token (create forms carry one; edit forms don't need it). A repeat goes where the first save led,
    with a note; a refusal goes onto the form (`add_refusal`) and the caller renders the form again —
    `None` is returned then. On success the `success` message is shown (or the callable is called) and
    the user is redirected.
    """
    if not request.user.is_authenticated:  # form views are behind a sign-in; this tells the type checker
        raise PermissionDenied
    token = form.cleaned_data.get("submission_token")
    try:
        url = run_once(request.user, token, save)
    except AlreadySubmitted as done:
        messages.info(request, DUPLICATE_MESSAGE)
        return redirect(done.redirect_to or fallback)
    except (DomainError, ValidationError) as error:
        add_refusal(form, error)
        return None
    if callable(success):
        success()
    elif success:
        messages.success(request, success)
    return redirect(url)
