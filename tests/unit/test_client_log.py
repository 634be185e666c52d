"""ClientLogHandler: levels, threads marshalled to the loop, no recursion, stderr fallback."""

from __future__ import annotations

import asyncio
import logging
import threading

from lsprotocol import types

from agentls.lsp.client_log import ClientLogHandler, UnlessForwarded, message_type


def test_levels_map_to_message_types() -> None:
    assert message_type(logging.CRITICAL) == types.MessageType.Error
    assert message_type(logging.ERROR) == types.MessageType.Error
    assert message_type(logging.WARNING) == types.MessageType.Warning
    assert message_type(logging.INFO) == types.MessageType.Info
    assert message_type(logging.DEBUG) == types.MessageType.Debug


def _logger(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    return logger


async def test_records_from_worker_threads_are_sent_on_the_loop_thread() -> None:
    sent: list[tuple[types.LogMessageParams, threading.Thread]] = []
    handler = ClientLogHandler(lambda params: sent.append((params, threading.current_thread())))
    logger = _logger(handler, "agentls.test.threads")
    logger.warning("before initialized")  # not forwarded: stderr has it
    handler.start(asyncio.get_running_loop())
    worker = threading.Thread(target=lambda: logger.warning("from a worker"))
    worker.start()
    worker.join()
    logger.info("on the loop")
    await asyncio.sleep(0.01)
    assert [(p.type, p.message) for p, _ in sent] == [
        (types.MessageType.Info, "on the loop"),
        (types.MessageType.Warning, "from a worker"),
    ]
    assert {thread for _, thread in sent} == {threading.current_thread()}


async def test_a_failing_or_logging_send_never_recurses_and_falls_back_to_stderr() -> None:
    fallback: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            fallback.append(record.getMessage())

    calls = 0

    def send(params: types.LogMessageParams) -> None:
        nonlocal calls
        calls += 1
        logger.error("sending failed: %s", params.message)  # would loop forever
        raise OSError("pipe closed")

    handler = ClientLogHandler(send)
    stderr = Collect()
    stderr.addFilter(UnlessForwarded(handler))
    logger = _logger(handler, "agentls.test.recursion")
    logger.addHandler(stderr)
    handler.start(asyncio.get_running_loop())
    logger.warning("first")
    assert calls == 1
    # The error raised while sending went to stderr, not back to the client; so did the
    # record that could not be sent (this stderr handler runs after the client's).
    assert fallback == ["sending failed: first", "first"]
    # The client is gone: later records go to stderr only.
    logger.warning("second")
    assert calls == 1 and fallback[-1] == "second"
