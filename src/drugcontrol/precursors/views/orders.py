"""Pages of suspicious order reports: the list, the operator's report form and the national
authority's review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.permissions import can, require_page
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.forms import OrderReviewForm, SuspiciousOrderForm


@login_required
def order_list(request):
    page = Paginator(selectors.suspicious_order_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "precursors/orders.html", {"page": page, "active_nav": "precursors"})


@login_required
def order_create(request):
    require_page(request.user, "precursors.order_report")
    form = SuspiciousOrderForm()
    if request.method == "POST":
        form = SuspiciousOrderForm(request.POST)
        if form.is_valid():
            try:
                order = services.suspicious_order_report(actor=request.user, raw=form.raw())
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Report %(reference)s was sent to your national authority.")
                    % {"reference": order.reference},
                )
                return redirect("precursors:order", order.pk)
    context = {"form": form, "active_nav": "precursors"}
    status = 422 if form.errors else 200
    return render(request, "precursors/order_form.html", context, status=status)


@login_required
def order_detail(request, order_id: int):
    order = selectors.suspicious_order_get(user=request.user, order_id=order_id)
    form = OrderReviewForm(initial={"version": order.version})
    if request.method == "POST":
        require_page(request.user, "precursors.order_review", order)
        form = OrderReviewForm(request.POST)
        if form.is_valid():
            try:
                order = services.suspicious_order_review(
                    actor=request.user,
                    order=order,
                    decision=form.cleaned_data["decision"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The report was reviewed."))
                return redirect("precursors:order", order.pk)
    may_review = order.status == "new" and can(request.user, "precursors.order_review", order)
    context = {"order": order, "may_review": may_review, "form": form, "active_nav": "precursors"}
    status = 422 if form.errors else 200
    return render(request, "precursors/order_detail.html", context, status=status)
