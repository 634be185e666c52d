"""One task through both flows against the scripted model server: the real `agentls run`
subprocess, the naive HTTP call, the hidden check and the classification."""

from __future__ import annotations

from pathlib import Path

from bench.quality.classify import CORRECT, REFUSED, WRONG
from bench.quality.naive import ANSWER_RULE
from bench.quality.recorder import Recorder
from bench.quality.runner import Endpoint, run_one
from bench.quality.tasks import load_tasks

from tests.support.fake_model import FakeModel, Turn

GOOD_BODY = """\
```python
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page must be at least 1")
    start = (page - 1) * per_page
    pages = max(1, -(-len(items) // per_page))
    return {"items": items[start : start + per_page], "page": page, "total_pages": pages}
```
"""
WRONG_BODY = '```python\n    return {"items": items}\n```\n'
BROKEN_BODY = '```python\n    return {"items": items[start:]\n```\n'


def _endpoint(fake: FakeModel) -> Endpoint:
    return Endpoint(fake.openai_base_url, "fake-coder")


def test_agentls_correct_naive_wrong(fake_model: FakeModel, tmp_path: Path) -> None:
    (task,) = load_tasks(["paginate-todo"])
    fake_model.script([Turn(GOOD_BODY), Turn(WRONG_BODY, match=ANSWER_RULE)])
    with Recorder(fake_model.openai_base_url) as recorder:
        agentls = run_one(task, "agentls", 1, _endpoint(fake_model), tmp_path, None, recorder)
    naive = run_one(task, "naive", 1, _endpoint(fake_model), tmp_path)
    assert agentls["outcome"] == CORRECT, agentls
    assert agentls["status"] == "applied" and agentls["changed"] == ["pagination.py"]
    assert agentls["answers"] == [GOOD_BODY]
    assert naive["outcome"] == WRONG, naive
    assert naive["answers"] == [WRONG_BODY] and not naive["wrong_file"]
    assert naive["input_tokens"] and naive["output_tokens"]
    naive_bodies = [r.body for r in fake_model.requests if ANSWER_RULE in str(r.body)]
    assert len(naive_bodies) == 1 and naive_bodies[0]["temperature"] == 0.2


def test_agentls_refusal_is_classified_with_its_reason(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    (task,) = load_tasks(["paginate-todo"])
    fake_model.script([Turn(BROKEN_BODY), Turn(GOOD_BODY, match=ANSWER_RULE)])
    agentls = run_one(task, "agentls", 1, _endpoint(fake_model), tmp_path)
    naive = run_one(task, "naive", 1, _endpoint(fake_model), tmp_path)
    assert agentls["outcome"] == REFUSED, agentls
    assert agentls["reason"] and agentls["changed"] == []
    assert agentls["exit_code"] == 1
    assert naive["outcome"] == CORRECT, naive


def test_agentls_tests_flow_starts_from_the_same_answer_and_repairs_what_tests_reject(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    (task,) = load_tasks(["paginate-todo"])
    fake_model.script([Turn(WRONG_BODY), Turn(GOOD_BODY)])
    with Recorder(fake_model.openai_base_url) as recorder:
        plain = run_one(task, "agentls", 1, _endpoint(fake_model), tmp_path, None, recorder)
        tested = run_one(task, "agentls-tests", 1, _endpoint(fake_model), tmp_path, None, recorder)
    # Without the project tests the wrong answer is delivered.
    assert plain["outcome"] == WRONG and plain["repair_rounds"] == 0, plain
    assert plain["replayed"] == 0
    # With them, the identical first request gets the same answer, replayed, and the
    # tests' failure goes back to the model.
    assert tested["outcome"] == CORRECT, tested
    assert tested["replayed"] == 1 and tested["answers"] == [WRONG_BODY, GOOD_BODY]
    chats = [r for r in fake_model.requests if "messages" in str(r.body)]
    assert len(chats) == 2
    repair = str(chats[1].body)
    assert "pytest -q -x" in repair and "test_pagination.py" in repair
