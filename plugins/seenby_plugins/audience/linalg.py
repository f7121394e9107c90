"""Small dense linear algebra in plain Python (the systems have a few dozen unknowns)."""

from __future__ import annotations

import math


def cholesky(a: list[list[float]]) -> list[list[float]]:
    """Lower-triangular ``L`` with ``L·Lᵀ = a`` for a symmetric positive-definite ``a``."""
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = a[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                low[i][i] = math.sqrt(max(total, 1e-300))
            else:
                low[i][j] = total / low[j][j]
    return low


def inverse(a: list[list[float]]) -> list[list[float]]:
    """Inverse of a symmetric positive-definite matrix, through its Cholesky factor."""
    n = len(a)
    low = cholesky(a)
    inv_low = [[0.0] * n for _ in range(n)]
    for col in range(n):
        for i in range(col, n):
            total = (1.0 if i == col else 0.0) - sum(
                low[i][k] * inv_low[k][col] for k in range(col, i)
            )
            inv_low[i][col] = total / low[i][i]
    return [
        [sum(inv_low[k][i] * inv_low[k][j] for k in range(max(i, j), n)) for j in range(n)]
        for i in range(n)
    ]


def matvec(a: list[list[float]], v: list[float]) -> list[float]:
    return [dot(row, v) for row in a]


def dot(u: list[float], v: list[float]) -> float:
    return sum(x * y for x, y in zip(u, v, strict=True))
