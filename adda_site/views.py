from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW): in the site's layout, what
    the visitor can do about it. Django logs the reason (django.security.csrf)."""
    return render(request, "403_csrf.html", status=403)
