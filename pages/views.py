from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from adda_site import rate_limits

from .forms import AccessibilityReportForm
from .models import AccessibilityStatement, Page

THANKS_PARAMETER = "tack"


def _statement_page(
    request, form: AccessibilityReportForm, *, status: int = 200, refusal: str = ""
):
    statement = AccessibilityStatement.objects.prefetch_related(
        "inaccessible_content", "burden_exemptions"
    ).first()
    if statement is None:
        raise Http404
    context = {
        "statement": statement,
        "form": form,
        "refusal": refusal,
        "thanked": not form.is_bound and request.GET.get(THANKS_PARAMETER) == "1",
        # A refused report is shown at the form's address; the statement is the page.
        "canonical_url": request.build_absolute_uri(statement.get_absolute_url()),
    }
    return render(request, "pages/accessibility_statement.html", context, status=status)


@require_safe
def accessibility_statement(request):
    return _statement_page(request, AccessibilityReportForm())


@require_POST
def report_problem(request):
    form = AccessibilityReportForm(request.POST)
    if wait := rate_limits.seconds_to_wait(request, "reports", settings.REPORTS_RATE_LIMIT):
        form.renew_stamp()
        refusal = _(
            "You have sent many reports in a short time. Wait a few minutes and send it "
            "again: your text is kept below."
        )
        response = _statement_page(request, form, status=429, refusal=refusal)
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        form.renew_stamp()
        return _statement_page(request, form, status=400)
    # A bot that filled the honeypot is thanked like anyone else, and nothing is stored.
    if not form.is_honeypot_hit:
        form.save()
    return redirect(f"{reverse('pages:accessibility')}?{THANKS_PARAMETER}=1#rapportera")


@require_safe
def page(request, slug):
    return render(request, "pages/page.html", {"page": get_object_or_404(Page, slug=slug)})
