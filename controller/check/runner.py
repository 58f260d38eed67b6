"""Runs the targets' probes in parallel and turns each into a result.

Every probe is bounded by its own timeouts (probes.py), so the whole check takes about as long
as its slowest probes: one thread per probe up to WORKERS, a province of 100+ communes included.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import dns.exception

from controller.check.probes import DNS_TRIES, PROBE_ERRORS, Outcome, ProbeError, failed, skipped
from controller.check.reach import Reach, Unreachable
from controller.check.results import CheckResult
from controller.check.targets import Target

WORKERS = 32

Progress = Callable[[int, int], None]


def _error_text(error: BaseException) -> str:
    if isinstance(error, dns.exception.Timeout):
        return f"no answer (timed out, {DNS_TRIES} tries)"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not trusted: {error.verify_message} (is --ca the internal CA?)"
    text = str(error) or type(error).__name__
    if isinstance(error, TimeoutError | OSError) and "timed out" in text:
        return "no answer (timed out)"
    return text.replace("\n", " ")[:160]


def probe_one(target: Target, reach: Reach, context: ssl.SSLContext) -> CheckResult:
    try:
        outcome = target.probe(reach, context)
    except Unreachable as reason:
        outcome = skipped(str(reason))
    except ProbeError as error:
        outcome = failed(str(error))
    except PROBE_ERRORS as error:
        outcome = failed(_error_text(error))
    return _result(target, outcome)


def _result(target: Target, outcome: Outcome) -> CheckResult:
    return CheckResult(
        check=target.check,
        workstream=target.workstream,
        commune=target.commune,
        host=target.host,
        target=target.target,
        status=outcome.status,
        detail=outcome.detail,
    )


def run_targets(
    targets: Sequence[Target], reach: Reach, context: ssl.SSLContext, progress: Progress | None = None
) -> list[CheckResult]:
    """The results in the targets' order."""
    if not targets:
        return []
    results: list[CheckResult | None] = [None] * len(targets)
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(targets))) as pool:
        futures = {pool.submit(probe_one, target, reach, context): i for i, target in enumerate(targets)}
        for done, future in enumerate(futures, start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(targets))
    return [result for result in results if result is not None]
