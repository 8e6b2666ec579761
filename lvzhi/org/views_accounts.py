"""The staff pages for accounts (list, detail, open, reset a password, deactivate, roles) and every
user's own "My account" page.

Views parse input, call one selector or service, and render. Accounts are fetched through
`account_list_visible_to`, so an account outside the user's scope is a 404; the services decide who may act.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.events import label_for
from lvzhi.core.params import clean_query, parse_id

from . import selectors, selectors_accounts
from .forms_accounts import AccountCreateForm, DeactivateForm, RoleGrantForm
from .models import RoleAssignment
from .permissions import is_staff_anywhere
from .privacy import MOBILE_RE, mask_mobile
from .scope import scope_for
from .services import accounts as services

STATES = [
    ("", gettext_lazy("All")),
    ("pending", gettext_lazy("Not yet signed in")),
    ("active", gettext_lazy("Active")),
    ("deactivated", gettext_lazy("Deactivated")),
]


def _require_staff(request) -> None:
    if not is_staff_anywhere(request.user):
        raise PermissionDenied(_("Only deputy-affairs staff manage accounts."))


def _visible_account(request, pk: int):
    # SECURITY: a sibling congress's account is simply not found here.
    return get_object_or_404(selectors.account_list_visible_to(user=request.user), pk=pk)


def _labelled(events):
    for event in events:
        event.label = label_for(event.kind)
        event.by = _masked(event.actor.display_name) if event.actor else ""
    return events


def _one_time_password_page(request, account, password, *, created: bool):
    response = render(
        request,
        "org/account_password.html",
        {"account": account, "password": password, "created": created},
    )
    add_never_cache_headers(response)  # the password must not stay in any cache
    return response


@login_required
def account_list(request):
    _require_staff(request)
    q = clean_query(request.GET.get("q"))
    state = request.GET.get("state", "")
    if request.GET.get("pending"):  # the home tile's older link
        state = "pending"
    if state not in dict(STATES):
        state = ""
    qs = selectors_accounts.account_search(user=request.user, q=q, state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.shown_username, a.shown_name = _masked(a.username), _masked(a.display_name)
    return render(
        request,
        "org/account_list.html",
        {
            "page": page,
            "q": q,
            "state": state,
            "states": STATES,
            "can_create": selectors.congresses_managed_by(user=request.user).exists(),
        },
    )


def _detail_context(request, account, *, grant_form=None, deactivate_form=None, revealed=None) -> dict:
    """`revealed`: the mobile number a manager chose to see (recorded); otherwise it is shown masked."""
    manages = selectors_accounts.can_manage_account(request.user, account)
    can_manage = manages and account.pk != request.user.pk
    return {
        "account": account,
        # SECURITY: personal data is masked for readers (staff of the congress above); managers see it
        # on request only, and that viewing is recorded.
        "mobile": revealed if revealed is not None else mask_mobile(account.mobile),
        "username": account.username if revealed is not None else _masked(account.username),
        "name": account.display_name if revealed is not None else _masked(account.display_name),
        "can_reveal": manages and bool(account.mobile) and revealed is None,
        "can_manage": can_manage,
        "can_reset": can_manage
        and (scope_for(request.user).is_admin or not services.holds_protected_role(account)),
        "roles": selectors_accounts.account_roles(account=account),
        "derived_roles": _derived_roles(account),
        "events": _labelled(selectors_accounts.account_security_events(user=request.user, account=account)),
        "grant_form": grant_form or RoleGrantForm(request.user, account),
        "deactivate_form": deactivate_form or DeactivateForm(),
    }


def _masked(value: str) -> str:
    """A username (or the name shown for want of one) that is a mobile number, as a deputy's is by
    default, is masked like the number itself."""
    return mask_mobile(value) if MOBILE_RE.match(value or "") else value


def _derived_roles(account) -> list[str]:
    """Roles that follow from mandates and groups (deputy, group leader) or from being an administrator."""
    from .roles import Role

    s = scope_for(account)
    derived = [Role.DEPUTY, Role.GROUP_LEADER, Role.ADMIN]
    return [str(r.label) for r in derived if r in s.roles]


@login_required
def account_detail(request, pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    return render(request, "org/account_detail.html", _detail_context(request, account))


@login_required
def account_create(request):
    _require_staff(request)
    initial = {}
    person = parse_id(request.GET.get("person"))
    if person:
        initial["person"] = person
    form = AccountCreateForm(request.user, data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.account_create(
                actor=request.user,
                congress=form.cleaned_data["congress"],
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                mobile=form.cleaned_data["mobile"],
                person=form.cleaned_data["person"],
                request=request,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _one_time_password_page(request, account, password, created=True)
    return render(request, "org/account_form.html", {"form": form})


@login_required
@require_POST
def account_show_mobile(request, pk: int):
    """Staff who manage the account see its mobile number unmasked; the viewing is a security event."""
    _require_staff(request)
    account = _visible_account(request, pk)
    try:
        mobile = services.account_reveal_mobile(actor=request.user, account=account, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("org:account_detail", pk=account.pk)
    response = render(request, "org/account_detail.html", _detail_context(request, account, revealed=mobile))
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def account_reset_password(request, pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    try:
        password = services.account_reset_password(actor=request.user, account=account, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("org:account_detail", pk=account.pk)
    return _one_time_password_page(request, account, password, created=False)


@login_required
@require_POST
def account_deactivate(request, pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    form = DeactivateForm(data=request.POST)
    if not form.is_valid():
        context = _detail_context(request, account, deactivate_form=form)
        return render(request, "org/account_detail.html", context, status=400)
    try:
        services.account_deactivate(
            actor=request.user, account=account, reason=form.cleaned_data["reason"], request=request
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account is deactivated: it can no longer sign in."))
    return redirect("org:account_detail", pk=account.pk)


@login_required
@require_POST
def account_reactivate(request, pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    try:
        services.account_reactivate(actor=request.user, account=account, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account is active again."))
    return redirect("org:account_detail", pk=account.pk)


@login_required
@require_POST
def role_grant(request, pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    form = RoleGrantForm(request.user, account, data=request.POST)
    if form.is_valid():
        try:
            services.role_grant(actor=request.user, account=account, request=request, **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The role is granted."))
            return redirect("org:account_detail", pk=account.pk)
    context = _detail_context(request, account, grant_form=form)
    return render(request, "org/account_detail.html", context, status=400)


@login_required
@require_POST
def role_revoke(request, pk: int, role_pk: int):
    _require_staff(request)
    account = _visible_account(request, pk)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user"), pk=role_pk, user=account)
    try:
        services.role_revoke(actor=request.user, assignment=assignment, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The role is revoked."))
    return redirect("org:account_detail", pk=account.pk)


@login_required
def my_account(request):
    """Every signed-in user: who they are, the roles they hold, and a way to change their password."""
    user = request.user
    return render(
        request,
        "org/account_me.html",
        {
            "account": user,
            "roles": selectors.roles_of(user=user),
            "derived_roles": _derived_roles(user),
            "events": _labelled(
                selectors_accounts.account_security_events(user=user, account=user, limit=10)
            ),
        },
    )
