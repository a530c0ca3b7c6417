"""`manage.py simulate`: the table, the CSV, one policy, the what-if and its refusals."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import SMALL_DAY


def simulate(*args) -> str:
    out = StringIO()
    call_command("simulate", "--profile", str(SMALL_DAY), *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_every_policy_side_by_side_and_writes_the_csv(tmp_path):
    target = tmp_path / "day.csv"

    text = simulate("--seed", "3", "--csv", str(target))

    assert "test day — seed 3" in text
    for title in ("(a) back of each queue", "(b) handoff, fixed route", "(c) handoff + live route",
                  "(d) (c) + staffing page"):
        assert title in text
    assert "multi-procedure visitors" in text and "product / naive" in text
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["policy"] for r in rows} == {"a", "b", "c", "d"}
    assert "desk moves accepted" in text
    assert [r["policy"] for r in rows if r["metric"] == "desk_moves"] == ["d"]
    assert int(next(r["value"] for r in rows if r["metric"] == "desk_moves")) > 0
    assert {"mean_stay_minutes", "p90_stay_minutes", "mean_wait_minutes", "p90_wait_minutes", "utilisation",
            "mae_product_minutes", "mae_naive_minutes"} <= {r["metric"] for r in rows}
    single = next(r for r in rows if (r["policy"], r["subject"], r["metric"]) == ("a", "single", "visits"))
    assert int(single["value"]) > 0


def test_the_command_runs_one_policy():
    text = simulate("--policy", "c")

    assert "(c) handoff + live route" in text
    assert "(a) back of each queue" not in text


def test_the_what_if_changes_the_day():
    base = simulate("--seed", "2", "--policy", "b")
    more = simulate("--seed", "2", "--policy", "b", "--desks", "kokuho=6", "koseki-move=6", "--prefill-share", "0.9")

    assert "pre-fill share 30%" in base and "pre-fill share 90%" in more
    assert "kokuho (6 desks)" in more
    assert base != more


@pytest.mark.parametrize(("args", "message"), [
    (["--desks", "kokuho"], "COUNTER=N"),
    (["--desks", "nowhere=2"], "no counter 'nowhere'"),
    (["--desks", "kokuho=0"], "staff at least one desk"),
    (["--prefill-share", "1.5"], "between 0 and 1"),
])
def test_the_command_refuses_a_what_if_that_makes_no_sense(args, message):
    with pytest.raises(CommandError, match=message):
        simulate(*args)


def test_the_command_names_a_broken_profile(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL_DAY.read_text(encoding="utf-8").replace("cv: 0.5", "cv: -1"), encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken.yaml:\d+: handling.cv"):
        call_command("simulate", "--profile", str(broken), stdout=StringIO())
