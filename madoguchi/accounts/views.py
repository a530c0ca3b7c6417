from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.audit import services as audit
from madoguchi.core.access import public
from madoguchi.core.forms import form_guarded

from .forms import StaffLoginForm


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@public
@form_guarded
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's LoginView names the request's host ``site_name``; the layout means the app's name.
        context["site_name"] = settings.SITE_NAME
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.is_device:
            # Displays and kiosks run all day; staff sessions end after the idle timeout.
            self.request.session.set_expiry(settings.DEVICE_SESSION_SECONDS)
        audit.staff_logged_in(user=user, ip=_client_ip(self.request))
        return response

    def form_invalid(self, form):
        # The failure that locks the account (and every attempt while it is locked) is recorded by
        # ``locked_out``, which django-axes calls next; one event per attempt, not two.
        if not getattr(self.request, "axes_locked_out", False):
            audit.staff_login_failed(
                username=self.request.POST.get("username", ""), ip=_client_ip(self.request), locked=False
            )
        return super().form_invalid(form)


def locked_out(request, *args, **kwargs):
    """django-axes calls this when an account is locked: the login page with the reason, 429."""
    username = request.POST.get("username", "")
    audit.staff_login_failed(username=username, ip=_client_ip(request), locked=True)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {
            "form": None,
            "locked_message": _(
                "This account is locked after too many failed logins. Try again in %(minutes)d minutes "
                "or ask an administrator."
            ) % {"minutes": minutes},
        },
        status=429,
    )


@public
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.staff_logged_out(user=request.user, ip=_client_ip(request))
    return auth_views.logout_then_login(request)


login_view = method_decorator(never_cache, name="dispatch")(LoginView).as_view()
