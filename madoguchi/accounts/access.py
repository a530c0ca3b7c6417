"""How a page declares who may open it. A view with neither marker is refused to everybody.

    @public                                   # residents' pages, login, language switch
    @requires(Capability.COUNTER_SERVE)       # staff and device pages
"""

from collections.abc import Callable

from .roles import Capability

PUBLIC_ATTR = "madoguchi_public"
CAPABILITY_ATTR = "madoguchi_capability"


def public(view: Callable) -> Callable:
    setattr(view, PUBLIC_ATTR, True)
    return view


def requires(capability: Capability) -> Callable[[Callable], Callable]:
    def mark(view: Callable) -> Callable:
        setattr(view, CAPABILITY_ATTR, capability)
        return view

    return mark


def view_policy(view: Callable) -> tuple[bool, Capability | None]:
    """(is_public, capability) for a view function or a class-based view's as_view() result."""
    candidates = [view, getattr(view, "view_class", None)]
    for candidate in candidates:
        if candidate is None:
            continue
        if getattr(candidate, PUBLIC_ATTR, False):
            return True, None
        capability = getattr(candidate, CAPABILITY_ATTR, None)
        if capability is not None:
            return False, capability
    return False, None
