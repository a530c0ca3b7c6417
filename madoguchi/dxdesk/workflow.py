"""The help desk's workflow (よろず相談DXの進行): which status may follow which. Pure: no Django.

received → analysing → building → delivered → measured; any open one may be declined (with the
reason), and a declined one reopened. Delivery needs the tool and the expected saving; measuring
needs the figures after, and the measurement date.
"""

RECEIVED, ANALYSING, BUILDING, DELIVERED, MEASURED, DECLINED = (
    "received", "analysing", "building", "delivered", "measured", "declined")
ORDER = (RECEIVED, ANALYSING, BUILDING, DELIVERED, MEASURED, DECLINED)
OPEN = (RECEIVED, ANALYSING, BUILDING)

NEXT: dict[str, tuple[str, ...]] = {
    RECEIVED: (ANALYSING, DECLINED),
    ANALYSING: (BUILDING, DECLINED),
    BUILDING: (DELIVERED, DECLINED),
    DELIVERED: (MEASURED,),
    MEASURED: (),
    DECLINED: (RECEIVED,),
}
# Moves a plain "next step" button makes; delivery, measuring and declining have their own forms.
SIMPLE = {(RECEIVED, ANALYSING), (ANALYSING, BUILDING), (DECLINED, RECEIVED)}


def may_move(old: str, new: str) -> bool:
    return new in NEXT.get(old, ())
