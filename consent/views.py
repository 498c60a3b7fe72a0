import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from adda_site import rate_limits

from .cookie import save_choice
from .forms import BannerChoiceForm, ConsentForm
from .models import ConsentRecord
from .policy import current_policy


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/"):
        return target
    return default


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _too_many_choices(request, *, allowed: set[str], wait: int):
    """The settings page with the visitor's choice ticked, saying why it was not saved."""
    policy = current_policy()
    form = ConsentForm({"categories": sorted(allowed)}, policy=policy)
    form.is_valid()
    refusal = _(
        "You have changed your cookie choices many times in a short while. Wait a few "
        "minutes and save again: your choice is kept below."
    )
    context = {"form": form, "policy": policy, "consent": request.consent, "refusal": refusal}
    response = render(request, "consent/settings.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _respond_with_choice(request, *, allowed: set[str], method: str, default_next: str = "/"):
    """Save the choice; answer a plain form post with a redirect, a script's with JSON."""
    if wait := rate_limits.seconds_to_wait(request, "consent", settings.CONSENT_RATE_LIMIT):
        return _too_many_choices(request, allowed=allowed, wait=wait)
    policy = current_policy()
    before = request.consent.allowed
    message = _("Your cookie choices have been saved.")
    if not _wants_json(request):
        messages.success(request, message)
        response = redirect(_safe_next(request, default_next))
        save_choice(request, response, allowed=allowed, method=method)
        return response
    response = HttpResponse(content_type="application/json")
    save_choice(request, response, allowed=allowed, method=method)
    now = request.consent.allowed
    # Scripts already running cannot be unloaded: withdrawing them needs a reload,
    # and the reloaded page confirms the choice.
    reload = bool(policy.scripts_for(before - now))
    if reload:
        messages.success(request, message)
    response.content = json.dumps(
        {
            "message": message,
            "reload": reload,
            "scripts": [{"src": s.src, "code": s.code} for s in policy.scripts_for(now - before)],
            "receipt": render_to_string(
                "consent/_receipt.html", {"consent": request.consent, "policy": policy}, request
            ),
        }
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    policy = current_policy()
    if request.method == "POST":
        form = ConsentForm(request.POST, policy=policy)
        if form.is_valid():
            return _respond_with_choice(
                request,
                allowed=set(form.cleaned_data["categories"]),
                method=ConsentRecord.Method.SETTINGS,
                default_next=request.path,
            )
        status = 400
    else:
        consent = request.consent
        form = ConsentForm(
            policy=policy, initial={"categories": sorted(consent.allowed & policy.optional_slugs)}
        )
        status = 200
    return render(
        request,
        "consent/settings.html",
        {"form": form, "policy": policy, "consent": request.consent},
        status=status,
    )


@require_POST
def banner_choice(request):
    form = BannerChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("We could not read your choice. Please choose again below."))
        return redirect("consent:settings")
    accepted = form.cleaned_data["choice"] == BannerChoiceForm.ACCEPT_ALL
    policy = current_policy()
    return _respond_with_choice(
        request,
        allowed=set(policy.optional_slugs) if accepted else set(),
        method=ConsentRecord.Method.BANNER_ACCEPT
        if accepted
        else ConsentRecord.Method.BANNER_REJECT,
    )


@require_safe
def receipt(request):
    consent = request.consent
    if not consent.consent_id:
        raise Http404
    records = list(
        ConsentRecord.objects.filter(consent_id=consent.consent_id)
        .select_related("policy_version", "texts")
        .order_by("id")
    )
    if not records:
        raise Http404
    response = JsonResponse(
        {
            "consent_id": consent.consent_id,
            "current": records[-1].content() | {"record_hash": records[-1].record_hash},
            "history": [r.content() | {"record_hash": r.record_hash} for r in records],
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="samtyckeskvitto-{consent.consent_id}.json"'
    )
    return response
