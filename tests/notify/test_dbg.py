import time
from .conftest import wait_until
from .test_reliability import _fast_settings, _queue_many, FAST

def test_rate(app_ctx, mail_sink, start_worker):
    _fast_settings(batch_size=500)
    t0 = time.monotonic()
    _queue_many(500, "rate")
    t1 = time.monotonic()
    w = start_worker("--no-periodic")
    wait_until(lambda: len(mail_sink.messages) >= 1, timeout=30)
    t2 = time.monotonic()
    wait_until(lambda: len(mail_sink.messages) >= 500, timeout=60)
    t3 = time.monotonic()
    print(f"\nqueue {t1-t0:.2f}s first-arrival {t2-t1:.2f}s send500 {t3-t2:.2f}s")
