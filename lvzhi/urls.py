from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from lvzhi.api.api import api
from lvzhi.core import views as core_views
from lvzhi.org import views_auth

admin.site.site_header = _("Lvzhi administration")
admin.site.site_title = _("Lvzhi administration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("signin/", views_auth.signin, name="signin"),
    path("signout/", views_auth.signout, name="signout"),
    path("password/", views_auth.password_change, name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("lvzhi.core.urls")),
    path("org/", include("lvzhi.org.urls")),
    path("stations/", include("lvzhi.stations.urls")),
    path("suggestions/", include("lvzhi.suggestions.urls")),
    path("performance/", include("lvzhi.performance.urls")),
    path("liaison/", include("lvzhi.liaison.urls")),  # the two contacts (两个联系)
    path("meetings/", include("lvzhi.meetings.urls")),  # invitations: meetings, inspections, research
    path("briefings/", include("lvzhi.briefings.urls")),  # keeping deputies informed (知情知政)
    path("training/", include("lvzhi.training.urls")),
    path("dashboards/", include("lvzhi.dashboards.urls")),  # the chair's and staff's figures
    path("public/reception/", include("lvzhi.stations.urls_public")),  # calendar of reception days
    path("public/meetings/", include("lvzhi.meetings.urls_public")),  # citizens apply to observe (旁听)
    path("public/", include("lvzhi.portal.urls")),
    path("opinions/codes/", include("lvzhi.opinions.urls_codes")),  # QR codes and posters to print
    path("opinions/inbox/", include("lvzhi.opinions.urls_inbox")),  # the deputy's and station's inbox
    path("opinions/triage/", include("lvzhi.opinions.urls_triage")),  # the office's queue, the unit's page
    path("opinions/figures/", include("lvzhi.opinions.urls_figures")),  # figures, their lists, Excel
    path("opinions/hotline/", include("lvzhi.opinions.urls_hotline")),  # 12345 hotline: trends, import
    path("", include("lvzhi.opinions.urls")),  # the citizen's pages: /c/<token>/ (QR codes), /o/…
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.BENCH:  # the load benchmark's reference view (bench/dashboard_load.py), LVZHI_BENCH=1 only
    from lvzhi.core import views_bench

    urlpatterns.append(path("bench/minimal/", views_bench.minimal, name="bench_minimal"))

# Error pages: templates in the user's language for the site, JSON for /api/.
handler400 = "lvzhi.core.views.bad_request"
handler403 = "lvzhi.core.views.permission_denied"
handler404 = "lvzhi.core.views.page_not_found"
handler500 = "lvzhi.core.views.server_error"
