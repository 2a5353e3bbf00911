"""A bounded Levenberg–Marquardt solver for many small independent least-squares problems at once.

Each problem has two unknowns (the inverse fit of the small punch test
solves ``(log K, n)`` per curve); every iteration is one call of the
residual function for all problems still running, so a vectorised model
(the simulator) is called a handful of times instead of once per problem.
"""

from __future__ import annotations

import numpy as np

__all__ = ["levenberg_marquardt", "jacobian", "solve_2x2", "at_bound"]

# Forward-difference step in the unknowns.
_STEP = 1e-6
# Damping: start, factors on rejection / acceptance, give-up level.
_DAMPING = (1e-3, 4.0, 1.0 / 3.0, 1e10)
# A problem whose RMS residual is below this is exact to rounding; it stops there.
_EXACT = 1e-10


def levenberg_marquardt(residuals, start, lower, upper, max_iter, tol):
    """Bounded Levenberg–Marquardt on two unknowns, for many independent problems at once.

    ``residuals(params, rows)`` returns the residuals ``(len(params), m)`` of
    the problems ``rows`` at ``params`` ``(len(rows), 2)``. Steps that would
    leave ``[lower, upper]`` are projected back, and a parameter on a bound
    whose gradient points outwards is held there. A problem has converged
    when an accepted step lowers its sum of squares by at most ``tol`` times
    itself or moves the parameters by at most ``tol`` (relative), or when
    its RMS residual is below 1e-10. Returns the final parameters, NRMSE
    (RMS residual), iteration count and convergence flag of every problem.

    Examples
    --------
    >>> import numpy as np
    >>> target = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> residuals = lambda p, rows: p - target[rows]
    >>> out = levenberg_marquardt(residuals, np.zeros((2, 2)), np.full(2, -5.0), np.full(2, 5.0), 50, 1e-12)
    >>> np.round(out["params"], 6).tolist(), out["converged"].tolist()
    ([[1.0, 2.0], [3.0, -1.0]], [True, True])
    """
    n = len(start)
    params = np.clip(start, lower, upper)
    rows = np.arange(n)
    r = residuals(params, rows)
    m = r.shape[1]
    cost = np.einsum("ij,ij->i", r, r)
    jac = jacobian(residuals, params, rows, r, lower, upper)
    damping = np.full(n, _DAMPING[0])
    n_iter = np.zeros(n, dtype=int)
    converged = cost <= m * _EXACT**2
    active = ~converged
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        n_iter[idx] += 1
        J, res, p = jac[idx], r[idx], params[idx]
        A = np.einsum("imk,iml->ikl", J, J)
        g = np.einsum("imk,im->ik", J, res)
        # Hold a parameter on its bound while the gradient points outwards.
        held = ((p <= lower) & (g > 0)) | ((p >= upper) & (g < 0))
        diag = np.maximum(np.diagonal(A, axis1=1, axis2=2), 1e-12 * np.maximum(A.max(axis=(1, 2)), 1e-300)[:, None])
        M = A + damping[idx, None, None] * (diag[:, :, None] * np.eye(2))
        M = np.where(held[:, :, None] | held[:, None, :], 0.0, M) + held[:, :, None] * np.eye(2)
        step = solve_2x2(M, np.where(held, 0.0, -g))
        trial = np.clip(p + step, lower, upper)
        moved = np.abs(trial - p).max(axis=1)
        r_new = residuals(trial, idx)
        cost_new = np.einsum("ij,ij->i", r_new, r_new)
        accept = cost_new < cost[idx]
        small_gain = accept & (cost[idx] - cost_new <= tol * cost[idx])
        small_step = moved <= tol * (1.0 + np.abs(p).max(axis=1))
        exact = cost_new <= m * _EXACT**2
        won = idx[accept]
        params[won], r[won], cost[won] = trial[accept], r_new[accept], cost_new[accept]
        damping[idx] = np.where(accept, np.maximum(damping[idx] * _DAMPING[2], 1e-12), damping[idx] * _DAMPING[1])
        done = small_gain | small_step | (accept & exact)
        converged[idx[done]] = True
        stuck = ~done & (damping[idx] > _DAMPING[3])
        active[idx[done | stuck]] = False
        update = won[active[won]]
        if len(update):
            jac[update] = jacobian(residuals, params[update], update, r[update], lower, upper)
    return {"params": params, "nrmse": np.sqrt(cost / m), "n_iter": n_iter, "converged": converged}


def jacobian(residuals, params, rows, r, lower, upper):
    """Forward-difference Jacobian ``(len(rows), m, 2)``, stepping inwards at an upper bound."""
    k = len(params)
    step = np.where(params + _STEP > upper, -_STEP, _STEP)
    shifted = np.repeat(params[:, None, :], 2, axis=1)
    shifted[:, 0, 0] += step[:, 0]
    shifted[:, 1, 1] += step[:, 1]
    moved = residuals(shifted.reshape(2 * k, 2), np.repeat(rows, 2)).reshape(k, 2, -1)
    return ((moved - r[:, None, :]) / step[:, :, None]).transpose(0, 2, 1)


def solve_2x2(M, b):
    """Solve ``M x = b`` for many symmetric positive-definite 2 × 2 systems."""
    a, c, d = M[:, 0, 0], M[:, 0, 1], M[:, 1, 1]
    det = a * d - c * c
    return np.column_stack([(d * b[:, 0] - c * b[:, 1]) / det, (a * b[:, 1] - c * b[:, 0]) / det])


def at_bound(params, lower, upper):
    """Whether a parameter of each problem ends on (within 1e-6 of the span of) one of its bounds."""
    span = upper - lower
    return ((params <= lower + 1e-6 * span) | (params >= upper - 1e-6 * span)).any(axis=1)
