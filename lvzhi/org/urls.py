from django.urls import path

from . import views, views_accounts, views_import, views_tokens

app_name = "org"
urlpatterns = [
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("groups/", views.group_list, name="group_list"),
    path("units/", views.unit_list, name="unit_list"),
    path("congresses/", views.congress_list, name="congress_list"),
    path("accounts/", views_accounts.account_list, name="account_list"),
    path("accounts/new/", views_accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path(
        "accounts/<int:pk>/reset-password/",
        views_accounts.account_reset_password,
        name="account_reset_password",
    ),
    path("accounts/<int:pk>/deactivate/", views_accounts.account_deactivate, name="account_deactivate"),
    path("accounts/<int:pk>/reactivate/", views_accounts.account_reactivate, name="account_reactivate"),
    path("accounts/<int:pk>/roles/", views_accounts.role_grant, name="role_grant"),
    path("accounts/<int:pk>/roles/<int:role_pk>/revoke/", views_accounts.role_revoke, name="role_revoke"),
    path("me/", views_accounts.my_account, name="my_account"),
    path("tokens/", views_tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke_view, name="token_revoke"),
    # Importing rosters from Excel (views_import).
    path("import/", views_import.import_index, name="import_index"),
    path("import/deputies/", views_import.import_deputies, name="import_deputies"),
    path("import/units/", views_import.import_units, name="import_units"),
    path("import/new-term/", views_import.import_term_change, name="import_term_change"),
    path("import/<str:kind>/template.xlsx", views_import.import_template, name="import_template"),
]
