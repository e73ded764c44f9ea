"""Pages of the product registry. Thin: parse a form, read through selectors, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core.access import access
from ocop.core.errors import Conflict, InvalidTransition, ValidationFailed
from ocop.products import policies, selectors, services
from ocop.products.forms import (
    ProductCreateForm,
    ProductCycleStepForm,
    ProductDocumentForm,
    ProductEditForm,
    ProductFilterForm,
    ProductImageForm,
    ProductRetireForm,
    apply_errors,
)

PAGE_SIZE = 20
HISTORY_LIMIT = 100


def _warn(request: HttpRequest, product: Any) -> None:
    for warning in getattr(product, "warnings", []):
        messages.warning(request, warning.message)


@access(policies.can_list_products)
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET or None, actor=request.actor)
    products = selectors.product_list(actor=request.actor, **form.filters())
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "products/product_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_create": policies.can_create_product(request.actor),
        },
    )


def _detail_context(request: HttpRequest, product: Any, **forms: Any) -> dict[str, Any]:
    actor = request.actor
    documents = selectors.product_document_list(actor=actor, product=product)
    current = selectors.product_document_list(actor=actor, product=product, current_only=True)
    current_ids = {d.pk for d in current}
    return {
        "product": product,
        "warnings": selectors.product_warnings(actor=actor, product=product),
        "images": selectors.product_image_list(actor=actor, product=product),
        "documents": current,
        "older_documents": [d for d in documents if d.pk not in current_ids],
        "history": selectors.product_history(actor=actor, product=product)[:HISTORY_LIMIT],
        "can_edit": policies.can_edit_product(actor, product),
        "can_set_cycle_step": policies.can_set_cycle_step_product(actor, product),
        "can_retire": policies.can_retire_product(actor, product),
        "image_form": forms.get("image_form") or ProductImageForm(),
        "document_form": forms.get("document_form") or ProductDocumentForm(),
        "cycle_form": forms.get("cycle_form")
        or ProductCycleStepForm(initial={"cycle_step": product.cycle_step}),
        "retire_form": forms.get("retire_form") or ProductRetireForm(),
    }


@access(policies.can_view_product)
@require_GET
def product_detail(request: HttpRequest, public_id) -> HttpResponse:
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    return render(request, "products/product_detail.html", _detail_context(request, product))


@access(policies.can_create_product)
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    initial = {"producer": request.GET.get("producer")} if request.GET.get("producer") else {}
    form = ProductCreateForm(request.POST or None, actor=request.actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            product = services.product_create(
                actor=request.actor, producer=data.pop("producer"), **data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đăng ký sản phẩm «%(name)s».") % {"name": product.name})
            _warn(request, product)
            return redirect("products:detail", public_id=product.public_id)
    return render(request, "products/product_form.html", {"form": form, "product": None})


@access(policies.can_edit_product)
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, public_id) -> HttpResponse:
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    form = ProductEditForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_update(
                actor=request.actor, product=product, data=form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            _warn(request, product)
            return redirect("products:detail", public_id=product.public_id)
    return render(request, "products/product_form.html", {"form": form, "product": product})


def _post_on_detail(request, public_id, form_class, form_key, call, success) -> HttpResponse:
    """A form posted from the detail page: run one service, or show the page with the errors."""
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(product, form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except (Conflict, InvalidTransition) as exc:  # e.g. the product was retired meanwhile
            messages.error(request, exc.detail)
            return redirect("products:detail", public_id=product.public_id)
        else:
            messages.success(request, success)
            return redirect("products:detail", public_id=product.public_id)
    context = _detail_context(request, product, **{form_key: form})
    return render(request, "products/product_detail.html", context, status=422)


@access(policies.can_edit_product)
@require_POST
def product_image_add(request: HttpRequest, public_id) -> HttpResponse:
    def call(product, data):
        services.product_image_add(
            actor=request.actor,
            product=product,
            upload=data["file"],
            caption=data["caption"],
            is_registered_design=data["is_registered_design"],
        )

    return _post_on_detail(
        request, public_id, ProductImageForm, "image_form", call, _("Đã thêm ảnh.")
    )


@access(policies.can_edit_product)
@require_POST
def product_document_upload(request: HttpRequest, public_id) -> HttpResponse:
    def call(product, data):
        services.product_document_upload(
            actor=request.actor,
            product=product,
            kind=data["kind"],
            upload=data["file"],
            title=data["title"],
            standard_code=data["standard_code"],
        )

    return _post_on_detail(
        request, public_id, ProductDocumentForm, "document_form", call, _("Đã tải lên tài liệu.")
    )


@access(policies.can_set_cycle_step_product)
@require_POST
def product_set_cycle_step(request: HttpRequest, public_id) -> HttpResponse:
    def call(product, data):
        services.product_set_cycle_step(
            actor=request.actor, product=product, cycle_step=data["cycle_step"], note=data["note"]
        )

    return _post_on_detail(
        request,
        public_id,
        ProductCycleStepForm,
        "cycle_form",
        call,
        _("Đã cập nhật bước chu trình."),
    )


@access(policies.can_retire_product)
@require_POST
def product_retire(request: HttpRequest, public_id) -> HttpResponse:
    def call(product, data):
        services.product_retire(actor=request.actor, product=product, reason=data["reason"])

    return _post_on_detail(
        request,
        public_id,
        ProductRetireForm,
        "retire_form",
        call,
        _("Đã chuyển sản phẩm sang trạng thái ngừng sản xuất."),
    )


@access(policies.can_view_product)
@require_GET
def product_image(request: HttpRequest, public_id, image_id) -> FileResponse:
    """An image of a product the actor may see (never served from a public path)."""
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    image = selectors.product_image_get(actor=request.actor, product=product, public_id=image_id)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@access(policies.can_view_product)
@require_GET
def product_document_download(request: HttpRequest, public_id, document_id) -> FileResponse:
    """Download a document of a product the actor may see, under its sanitised original name."""
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    document = selectors.product_document_get(
        actor=request.actor, product=product, public_id=document_id
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
