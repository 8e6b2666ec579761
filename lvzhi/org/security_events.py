"""The security event kinds of accounts (recorded in core's Event table with is_security=True), and the
words the pages show for them (read through lvzhi.core.events.label_for, which gathers every app's LABELS)."""

from django.utils.translation import gettext_lazy as _

SIGNIN = "security.signin"
SIGNIN_FAILED = "security.signin_failed"
LOCKOUT = "security.lockout"
SIGNOUT = "security.signout"
PASSWORD_CHANGED = "security.password_changed"
PASSWORD_RESET = "security.password_reset"
ACCOUNT_CREATED = "security.account_created"
ACCOUNT_DEACTIVATED = "security.account_deactivated"
ACCOUNT_ACTIVATED = "security.account_activated"
ACCOUNT_LINKED = "security.account_linked"
ROLE_GRANTED = "security.role_granted"
ROLE_REVOKED = "security.role_revoked"
API_TOKEN_CREATED = "security.api_token_created"
API_TOKEN_REVOKED = "security.api_token_revoked"

LABELS = {
    SIGNIN: _("Signed in"),
    SIGNIN_FAILED: _("Failed sign-in"),
    LOCKOUT: _("Locked after too many failed sign-ins"),
    SIGNOUT: _("Signed out"),
    PASSWORD_CHANGED: _("Password changed"),
    PASSWORD_RESET: _("Password reset by staff"),
    ACCOUNT_CREATED: _("Account created"),
    ACCOUNT_DEACTIVATED: _("Account deactivated"),
    ACCOUNT_ACTIVATED: _("Account reactivated"),
    ACCOUNT_LINKED: _("Account linked to a person"),
    ROLE_GRANTED: _("Role granted"),
    ROLE_REVOKED: _("Role revoked"),
    API_TOKEN_CREATED: _("API token created"),
    API_TOKEN_REVOKED: _("API token revoked"),
}
