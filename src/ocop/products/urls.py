from django.urls import path

from ocop.products import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("<uuid:public_id>/", views.product_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.product_edit, name="edit"),
    path("<uuid:public_id>/images/", views.product_image_add, name="image_add"),
    path("<uuid:public_id>/images/<uuid:image_id>/", views.product_image, name="image"),
    path("<uuid:public_id>/documents/", views.product_document_upload, name="document_upload"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.product_document_download,
        name="document",
    ),
    path("<uuid:public_id>/cycle-step/", views.product_set_cycle_step, name="cycle_step"),
    path("<uuid:public_id>/retire/", views.product_retire, name="retire"),
]
