"""Small statistics shared by the figures the ward reads (insights, the visitor survey). Pure."""

import math

Z_975 = 1.959963984540054  # the standard normal's 97.5th percentile: two-sided 95% intervals


def wilson(events: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of ``events / n`` (sound for small n and rates near 0 or 1)."""
    if n <= 0:
        return (0.0, 1.0)
    p = events / n
    z2 = Z_975 * Z_975
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))
