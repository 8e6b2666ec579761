"""The codes page of staff, station staff and deputies (views_codes): downloads, posters, replacing a code.

Mounted at /opinions/codes/ by lvzhi/urls.py; the citizen's own pages (/c/<token>/, /o/…) are in urls.py.
"""

from django.urls import path

from . import views_codes

app_name = "opinion_codes"
urlpatterns = [
    path("", views_codes.code_list, name="list"),
    path("issue/", views_codes.code_issue_missing, name="issue"),
    path("<int:pk>/qr.svg", views_codes.code_svg, name="svg"),
    path("<int:pk>/qr.png", views_codes.code_png, name="png"),
    path("<int:pk>/poster.pdf", views_codes.code_poster, name="poster"),
    path("<int:pk>/reissue/", views_codes.code_reissue, name="reissue"),
    path("stations/<int:station_id>/posters.pdf", views_codes.station_posters, name="station_posters"),
    path("congresses/<int:congress_id>/posters.pdf", views_codes.congress_posters, name="congress_posters"),
]
