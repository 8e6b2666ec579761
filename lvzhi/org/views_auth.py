"""Signing in and out, and changing one's password."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import record_security_event

from . import security_events as ev
from .auth import find_account
from .forms_auth import PasswordChangeForm, SignInForm
from .services.accounts import account_change_password


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signin(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            login(request, form.user, backend="lvzhi.org.auth.UsernameOrMobileBackend")
            record_security_event(actor=form.user, kind=ev.SIGNIN, target=form.user, request=request)
            return redirect(_safe_next(request))
        if form.attempted:
            # Axes counted this failure unless the account was already locked (then it only refused).
            already_locked = getattr(request, "axes_locked_out", False) and (
                getattr(request, "axes_failures_since_start", None) is None
            )
            known = find_account(form.data.get("username"))
            record_security_event(
                actor=known,
                kind=ev.SIGNIN_FAILED,
                target=known,
                request=request,
                payload={"reason": "locked" if already_locked else "bad_credentials"},
            )
    return render(request, "registration/signin.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
def signout(request):
    if request.user.is_authenticated:
        record_security_event(actor=request.user, kind=ev.SIGNOUT, target=request.user, request=request)
    logout(request)
    return redirect("signin")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_change_password(
            user=request.user, new_password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_safe_next(request))
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "forced": request.user.must_change_password, "next": _safe_next(request, "")},
    )
