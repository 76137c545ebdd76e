"""Time budgets: the watchdog a run installs once, and each file's clock."""

import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from aiplan.core.budget import FILE, RULE, RUN, Budget, OutOfTime, Watchdog


def test_watchdog_yields_to_a_running_timer():
    # A test runner's own alarm (pytest-timeout) keeps the signal; calls run unbudgeted.
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        with Watchdog() as watchdog:
            assert not watchdog.enforced
            assert watchdog.run(0.0, RULE, lambda: "done") == "done"
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 20
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired


def test_watchdog_off_the_main_thread_is_not_enforced():
    seen = []

    def work():
        with Watchdog() as watchdog:
            seen.append((watchdog.enforced, watchdog.run(0.0, RULE, lambda: 42)))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(False, 42)]


def test_a_late_alarm_does_not_hit_the_caller():
    with Watchdog() as watchdog:
        assert watchdog.run(None, RULE, lambda: 1) == 1
        watchdog._expired(signal.SIGALRM, None)  # nothing armed: ignored
        with pytest.raises(OutOfTime) as info:
            watchdog.run(0.0, FILE, lambda: watchdog._expired(signal.SIGALRM, None))
    assert info.value.scope == FILE


def test_a_call_that_swallows_the_stop_is_stopped_all_the_same():
    def swallow():
        try:
            watchdog._expired(signal.SIGALRM, None)
        except BaseException:  # a plugin's bare except
            pass
        return "carried on"

    with Watchdog() as watchdog:
        with pytest.raises(OutOfTime):
            watchdog.run(0.0, RULE, swallow)


def test_a_budget_of_zero_stops_before_any_work():
    clock = Budget(file_seconds=0).for_file()
    with pytest.raises(OutOfTime) as info:
        clock.guard(lambda: "work")
    assert info.value.scope == FILE


def test_the_earlier_of_file_and_run_deadline_wins():
    import time

    now = time.monotonic()
    clock = Budget(file_seconds=100, run_deadline=now - 1).for_file()
    assert clock.scope == RUN
    with pytest.raises(OutOfTime) as info:
        clock.check()
    assert info.value.scope == RUN
    assert Budget().for_file().deadline is None


def test_phases_are_traced():
    trail = []
    clock = Budget(trace=trail.append).for_file()
    clock.at("running rule X001")
    assert trail == ["running rule X001"] and clock.phase == "running rule X001"


def test_reading_data_files_pauses_the_rules_budget_but_not_the_files():
    with Watchdog() as watchdog:
        clock = Budget(rule_seconds=0, watchdog=watchdog).for_file()

        def rule_reading_a_file():
            with clock.paused():
                watchdog._expired(signal.SIGALRM, None)  # a tick while reading: not the rule's time
                return "read"

        assert clock.run_rule(rule_reading_a_file) == "read"

        import time
        out_of_file_time = Budget(rule_seconds=100, run_deadline=time.monotonic() - 1, watchdog=watchdog)
        clock = out_of_file_time.for_file()
        clock.deadline = time.monotonic() + 100  # pretend the file started in time

        def reading_past_the_file_deadline():
            clock.deadline = time.monotonic() - 1  # and ran out while reading
            with clock.paused():
                watchdog._expired(signal.SIGALRM, None)

        with pytest.raises(OutOfTime) as info:
            clock.run_rule(reading_past_the_file_deadline)
        assert info.value.scope == RUN


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no POSIX signal masks here")
def test_a_tick_pending_when_the_watchdog_stops_does_not_kill_the_process():
    # The tick is raised while blocked, so it is still pending when the watchdog
    # restores the default action (terminate); unblocking must not deliver it.
    script = textwrap.dedent("""
        import os, signal
        from aiplan.core.budget import Watchdog
        with Watchdog():
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            os.kill(os.getpid(), signal.SIGALRM)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        print("alive")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "alive\n"), done.stderr
