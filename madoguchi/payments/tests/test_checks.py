"""An office must not take fees through the simulated terminal by mistake: check --deploy warns."""

from django.core import checks

from madoguchi.payments.checks import simulated_terminal_in_deployment


def test_the_deployment_check_warns_about_the_simulator(settings):
    settings.PAYMENT_TERMINAL = {"backend": "simulated", "options": {"path": "/tmp/x"}}
    assert [w.id for w in simulated_terminal_in_deployment(None)] == ["payments.W001"]
    assert "payments.W001" in [w.id for w in checks.run_checks(include_deployment_checks=True)]


def test_cash_only_and_real_terminals_pass(settings):
    settings.PAYMENT_TERMINAL = {"backend": "none", "options": {}}
    assert simulated_terminal_in_deployment(None) == []
