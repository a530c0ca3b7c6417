"""The life events of a navigator page in its URL: one code, or several joined with "+"
(``/navigator/marriage+move_in/``). The view checks them against the catalogue."""

EVENT_SEPARATOR = "+"


class LifeEventsConverter:
    regex = r"[a-z0-9][a-z0-9_-]*(?:\+[a-z0-9][a-z0-9_-]*){0,3}"

    def to_python(self, value: str) -> list[str]:
        return list(dict.fromkeys(value.split(EVENT_SEPARATOR)))

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else EVENT_SEPARATOR.join(value)
