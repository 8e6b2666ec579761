"""The NinjaAPI instance; each app contributes a router from its apis.py."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="lvzhi API",
    version="1",
    description="履职 platform API. Authenticate with a session cookie or an `Authorization: Bearer <token>` header.",
    auth=[django_auth],
    urls_namespace="api",
)


@api.get("/me", tags=["accounts"])
def me(request):
    from lvzhi.org.scope import scope_for

    user = request.auth if hasattr(request.auth, "pk") else request.user
    s = scope_for(user)
    return {"id": user.pk, "username": user.username, "name": user.display_name, "roles": sorted(s.roles)}
