"""
Fits the rational erf of native/src/simd.h: erf(x) ≈ x · P(x²) / Q(x²) on [0, 4] (erf is odd; beyond 4 it is
1 in float32), P of degree 6 and Q of degree 4 in x², Q(0) = 1, minimising the largest relative error by
reweighted linear least squares (Loeb's linearisation with Lawson's weights). Prints the float32 coefficients
and the float32 evaluation's error. A development tool, not run by the build: python3 with numpy and scipy.
"""
import numpy as np
from scipy.special import erf

P_DEGREE, Q_DEGREE, LIMIT = 6, 4, 4.0

x = np.linspace(1e-6, LIMIT, 20000)
f = erf(x)
z = x * x
weights = np.ones_like(x)
q_values = np.ones_like(x)
for _ in range(60):
    # x·P(z) − f·(Q(z) − 1) = f, each row scaled by 1 / (f·Q_previous) so the residual is a relative error
    a = np.hstack([np.stack([x * z**i for i in range(P_DEGREE + 1)], 1),
                   np.stack([-f * z**j for j in range(1, Q_DEGREE + 1)], 1)])
    scale = np.sqrt(weights) / (np.abs(f) * np.abs(q_values))
    c, *_ = np.linalg.lstsq(a * scale[:, None], f * scale, rcond=None)
    p, q = c[:P_DEGREE + 1], np.concatenate([[1.0], c[P_DEGREE + 1:]])
    q_values = np.polynomial.polynomial.polyval(z, q)
    error = np.abs(x * np.polynomial.polynomial.polyval(z, p) / q_values - f) / f
    weights = weights * (error / error.max()) ** 0.5 + 1e-12
    weights /= weights.sum()
print(f"float64 max relative error: {error.max():.3g}")

p32, q32 = p.astype(np.float32), q.astype(np.float32)
x32 = np.linspace(0, LIMIT, 2_000_001, dtype=np.float32)
z32 = x32 * x32
num = np.float32(p32[-1])
for coefficient in p32[-2::-1]:
    num = num * z32 + coefficient
den = np.float32(q32[-1])
for coefficient in q32[-2::-1]:
    den = den * z32 + coefficient
approx = (x32 * num / den).astype(np.float32)
exact = erf(x32.astype(np.float64))
print(f"float32 evaluation, max absolute error: {np.abs(approx - exact).max():.3g}")
print("P:", ", ".join(f"{v!r}f" for v in p32.tolist()))
print("Q:", ", ".join(f"{v!r}f" for v in q32.tolist()))
