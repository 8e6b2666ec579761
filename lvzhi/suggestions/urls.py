from django.urls import path

from . import views, views_letters, views_unit

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    # the unit handler's pages (views_unit)
    path("unit/assignments/", views_unit.assignment_list, name="unit_assignments"),
    path("<int:pk>/unit/acknowledge/", views_unit.unit_acknowledge, name="unit_acknowledge"),
    path("<int:pk>/unit/return/", views_unit.unit_return, name="unit_return"),
    path("<int:pk>/unit/progress/", views_unit.unit_progress, name="unit_progress"),
    path("<int:pk>/unit/consultation/", views_unit.unit_consultation, name="unit_consultation"),
    path("<int:pk>/unit/opinion/", views_unit.unit_opinion, name="unit_opinion"),
    path("<int:pk>/unit/reply/", views_unit.unit_reply, name="unit_reply"),
    path("<int:pk>/unit/promise/", views_unit.unit_promise, name="unit_promise"),
    # assignment letters (views_letters)
    path("letters/", views_letters.letter_index, name="letters"),
    path("letters/units/<int:unit_id>/docx/", views_letters.letter_docx, name="letter_docx"),
    path("letters/units/<int:unit_id>/pdf/", views_letters.letter_pdf, name="letter_pdf"),
]
