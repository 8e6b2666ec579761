from django.urls import path

from . import views, views_tokens

app_name = "org"
urlpatterns = [
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("groups/", views.group_list, name="group_list"),
    path("units/", views.unit_list, name="unit_list"),
    path("congresses/", views.congress_list, name="congress_list"),
    path("accounts/", views.account_list, name="account_list"),
    path("tokens/", views_tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke_view, name="token_revoke"),
]
