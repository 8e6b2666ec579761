"""The signed-in user's API tokens: list, create (the token is shown once), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError

from .tokens import token_create, token_list_of, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("What the token is for, e.g. “statistics export”."),
    )


@never_cache
@login_required
def token_list(request):
    form = TokenForm(data=request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, plaintext = token_create(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except ServiceError as exc:
            form.add_error("name" if exc.field == "name" else None, exc.message)
        else:
            # Rendered, not redirected: the plaintext exists only in this one response.
            created = {"token": token, "plaintext": plaintext}
            form = TokenForm()
    return render(
        request,
        "org/token_list.html",
        {"form": form, "created": created, "tokens": token_list_of(user=request.user)},
    )


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(token_list_of(user=request.user), pk=pk)
    try:
        token_revoke(actor=request.user, token=token, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("org:token_list")
