from django.urls import path

from . import views_public

app_name = "meetings_public"

# No sign-in: meetings open to citizen observers, the application form, the applicant's receipt.
urlpatterns = [
    path("", views_public.public_list, name="list"),
    path("<int:pk>/", views_public.public_detail, name="detail"),
    path("receipt/<str:key>/", views_public.receipt, name="receipt"),
]
