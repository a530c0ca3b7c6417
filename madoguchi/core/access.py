"""How a page declares who may open it. A view with neither marker is refused to everybody.

    @public                                   # residents' pages, login, language switch
    @requires(Capability.COUNTER_SERVE)       # staff and device pages
    @requires(Capability.COUNTER_SERVE, Capability.RECEPTION_REGISTER)  # open to holders of either
"""

from collections.abc import Callable

from .roles import Capability

PUBLIC_ATTR = "madoguchi_public"
CAPABILITY_ATTR = "madoguchi_capability"


def public(view: Callable) -> Callable:
    setattr(view, PUBLIC_ATTR, True)
    return view


def requires(*capabilities: Capability) -> Callable[[Callable], Callable]:
    """Mark a page open to accounts holding any one of ``capabilities`` (at least one)."""
    if not capabilities:
        raise TypeError("requires() needs at least one capability")

    def mark(view: Callable) -> Callable:
        setattr(view, CAPABILITY_ATTR, tuple(capabilities))
        return view

    return mark


def view_policy(view: Callable) -> tuple[bool, tuple[Capability, ...] | None]:
    """(is_public, capabilities) for a view function or a class-based view's as_view() result;
    the page is open to accounts holding any of the capabilities."""
    candidates = [view, getattr(view, "view_class", None)]
    for candidate in candidates:
        if candidate is None:
            continue
        if getattr(candidate, PUBLIC_ATTR, False):
            return True, None
        capabilities = getattr(candidate, CAPABILITY_ATTR, None)
        if capabilities:
            return False, tuple(capabilities)
    return False, None
