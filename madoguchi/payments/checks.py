"""A deployment check: an office must not take fees through the simulated terminal by mistake."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def simulated_terminal_in_deployment(app_configs, **kwargs):
    if settings.PAYMENT_TERMINAL.get("backend") == "simulated":
        return [Warning(
            "PAYMENT_TERMINAL is the simulator: card, e-money and QR payments would take no real money.",
            hint="Set PAYMENT_TERMINAL to the office's terminal adapter, or to 'none' (cash only).",
            id="payments.W001",
        )]
    return []
