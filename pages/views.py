from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .forms import AccessibilityReportForm
from .models import AccessibilityStatement, Page

THANKS_PARAMETER = "tack"


def _statement_page(request, form: AccessibilityReportForm, *, status: int = 200):
    statement = AccessibilityStatement.objects.prefetch_related(
        "inaccessible_content", "burden_exemptions"
    ).first()
    if statement is None:
        raise Http404
    context = {
        "statement": statement,
        "form": form,
        "thanked": not form.is_bound and request.GET.get(THANKS_PARAMETER) == "1",
        # A refused report is shown at the form's address; the statement is the page.
        "canonical_url": request.build_absolute_uri(statement.get_absolute_url()),
    }
    return render(request, "pages/accessibility_statement.html", context, status=status)


@require_GET
def accessibility_statement(request):
    return _statement_page(request, AccessibilityReportForm())


@require_POST
def report_problem(request):
    form = AccessibilityReportForm(request.POST)
    if not form.is_valid():
        return _statement_page(request, form, status=400)
    # A bot that filled the honeypot is thanked like anyone else, and nothing is stored.
    if not form.is_honeypot_hit:
        form.save()
    return redirect(f"{reverse('pages:accessibility')}?{THANKS_PARAMETER}=1#rapportera")


@require_GET
def page(request, slug):
    return render(request, "pages/page.html", {"page": get_object_or_404(Page, slug=slug)})
