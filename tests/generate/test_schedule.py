"""Deforum keyframe schedules: values hand-computed from Deforum's rules."""

from __future__ import annotations

import math

import numexpr
import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.generate.expression import ExpressionError, parse_expression
from stillmotion.generate.schedule import ScheduleError, parse_schedule, schedule_values


def test_linear_interpolation_between_numeric_keys():
    np.testing.assert_allclose(schedule_values("0:(0), 10:(1)", 11), np.arange(11) / 10)
    np.testing.assert_allclose(schedule_values("0:(2), 2:(4), 6:(0)", 8), [2, 3, 4, 3, 2, 1, 0, 0])


def test_readme_example_interpolates_then_keeps_evaluating():
    values = schedule_values("0:(1.0), 30:(1.04+0.02*sin(2*3.14*t/30))", 40)
    at30 = 1.04 + 0.02 * math.sin(2 * 3.14 * 30 / 30)
    assert values[0] == 1.0
    assert values[30] == pytest.approx(at30)
    assert values[15] == pytest.approx(1.0 + (at30 - 1.0) * 15 / 30)
    for t in range(31, 40):  # the expression keeps being evaluated after its key
        assert values[t] == pytest.approx(1.04 + 0.02 * math.sin(2 * 3.14 * t / 30))


def test_expression_runs_until_next_numeric_key_without_interpolating_towards_it():
    np.testing.assert_allclose(schedule_values("0:(t*2), 5:(100)", 8), [0, 2, 4, 6, 8, 100, 100, 100])
    # numeric -> expression: interpolate towards the expression's value at its key; then it runs on
    np.testing.assert_allclose(schedule_values("0:(0), 4:(t), 8:(0)", 10), [0, 1, 2, 3, 4, 5, 6, 7, 0, 0])
    # a later expression key replaces the running one
    np.testing.assert_allclose(schedule_values("0:(t), 3:(10*t)", 5), [0, 1, 2, 30, 40])


def test_number_test_is_deforums():
    # "1e3" is not a plain number for Deforum, so it is an expression that keeps being evaluated
    np.testing.assert_allclose(schedule_values("0:(1e3), 4:(0)", 6), [1000, 1000, 1000, 1000, 0, 0])
    np.testing.assert_allclose(schedule_values("0:(.5), 2:(-1.5)", 3), [0.5, -0.5, -1.5])


def test_first_value_holds_without_frame_zero_and_last_after_end():
    np.testing.assert_allclose(schedule_values("5:(2), 10:(4)", 12), [2] * 6 + [2.4, 2.8, 3.2, 3.6, 4, 4])
    np.testing.assert_allclose(schedule_values("3:(t)", 5), [3, 3, 3, 3, 4])


def test_keys_at_or_beyond_the_frame_count_are_ignored():
    np.testing.assert_allclose(schedule_values("0:(0), 10:(10)", 5), [0] * 5)
    np.testing.assert_allclose(schedule_values("0:(0), 4:(8), 5:(100)", 5), [0, 2, 4, 6, 8])
    with pytest.raises(ScheduleError, match="no key below frame 5"):
        schedule_values("5:(1)", 5)


def test_a1111_forms():
    np.testing.assert_allclose(schedule_values("0: 1 , 2 : 3,", 4), [1, 2, 3, 3])
    np.testing.assert_allclose(schedule_values('"0:(1), max_f:(2)"', 3), [1, 1.5, 2])
    np.testing.assert_allclose(schedule_values("0:(1), max_f/2:(3)", 5), [1, 2, 3, 3, 3])
    np.testing.assert_allclose(schedule_values("0:('0.5')", 2), [0.5, 0.5])
    np.testing.assert_allclose(schedule_values("0:(s + t)", 3, seed=7), [7, 8, 9])
    np.testing.assert_allclose(schedule_values("0:(where(t > 1, 5, -5))", 4), [-5, -5, 5, 5])
    np.testing.assert_allclose(schedule_values(1.5, 3), [1.5] * 3)
    np.testing.assert_allclose(schedule_values("0.25", 2), [0.25] * 2)


@pytest.mark.parametrize(
    "expr",
    ["1.04+0.02*sin(2*3.14*t/30)", "-t**2/3 % 7", "abs(cos(t/4))**0.5*(t>3)", "2**-1*t - (t-1)*(t+1)",
     "where((t > 2) & (t < 7) | (t == 9), t, -t)", "sqrt(t+1)*log(t+2)/exp(t/10)", "arctan2(t, 3) + tanh(t-4)"],
)  # fmt: skip
def test_expressions_agree_with_numexpr(expr):
    t = np.arange(12, dtype=np.float64)
    ours = parse_expression(expr).evaluate(t=t)
    np.testing.assert_allclose(ours, numexpr.evaluate(expr, local_dict={"t": t}), rtol=1e-12)


@pytest.mark.parametrize("expr", ["1 & 2", "1 | 2", "~1", "6 & 3 | 8", "(2 > 1) & (3 > 4)"])
def test_bitwise_operators_on_integers_agree_with_numexpr(expr):
    ours = parse_expression(expr).evaluate(t=0)
    np.testing.assert_allclose(ours, np.asarray(numexpr.evaluate(expr), np.float64))


def test_deep_expressions_are_an_error_not_a_crash():
    for text in ("-" * 1000 + "1", "+".join(["1"] * 5000), "sin(" * 2000 + "1" + ")" * 2000):
        with pytest.raises(ExpressionError, match="nested too deeply"):
            parse_expression(text)
    assert parse_expression("+".join(["1"] * 150)).evaluate(t=0) == 150


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("0:(1), 10", "key 2 '10'"),
        ("0:(1), :(2)", "frame before ':' is missing"),
        ("0:(1), 5:()", "value after ':' is missing"),
        ("0:(1), 5:(2 +* t)", "at character 5"),
        ("0:(1), 5:(sin(t)", "at character 10 is never closed"),
        ("0:(1)), 5:(2)", "unmatched ')' at character 6"),
        ("0:(1), 5:(t + frame)", "unknown name 'frame'"),
        ("0:(1), 5:(__import__(t))", "unknown function '__import__'"),
        ("0:(1),, 5:(2)", "key 2 is empty"),
        ("", "empty"),
    ],
)
def test_malformed_schedules_say_where(text, where):
    with pytest.raises(ScheduleError, match=None) as info:
        schedule_values(text, 10, name="zoom")
    assert where in str(info.value) and str(info.value).startswith("zoom")


def test_expression_cannot_reach_python():
    for text in ["t.__class__", "().__class__", "[t]", "'a'", "lambda: 1"]:
        with pytest.raises(ExpressionError):
            parse_expression(text)


def test_division_by_zero_is_reported_at_its_frame():
    with pytest.raises(ScheduleError, match="at frame 3"):
        schedule_values("0:(1/(t-3))", 5)


def test_parse_once_evaluate_for_several_lengths():
    schedule = parse_schedule("0:(0), max_f:(1)")
    np.testing.assert_allclose(schedule.values(3), [0, 0.5, 1])
    np.testing.assert_allclose(schedule.values(5), [0, 0.25, 0.5, 0.75, 1])


def test_cli_prints_one_value_per_line(capsys):
    assert main(["schedule", "0:(0), 4:(1)", "--frames", "5"]) == 0
    lines = capsys.readouterr().out.split()
    assert [float(x) for x in lines] == [0, 0.25, 0.5, 0.75, 1]


def test_cli_schedule_starting_with_minus_after_double_dash(capsys):
    assert main(["schedule", "--frames", "3", "--", "-0.5*t"]) == 0
    assert capsys.readouterr().out.split() == ["0", "-0.5", "-1"]  # zero printed as 0, not -0


def test_cli_malformed_schedule_is_one_line_error(capsys):
    assert main(["schedule", "0:(1), 5:(2 +* t)", "--frames", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "key 2" in err[0]


def test_a_bad_bare_value_is_quoted_as_written():
    """``schedule "abc"`` said "key 1 '0:abc'" (a key the user never wrote) and counted the constants e
    and pi among the variables."""
    with pytest.raises(ScheduleError) as info:
        schedule_values("abc", 4)
    message = str(info.value)
    assert message.startswith("schedule: 'abc' (a value without 'frame:' before it): unknown name 'abc'")
    assert "(variables: max_f, s, t; constants: e, pi)" in message and "0:abc" not in message
    assert list(schedule_values("1.5", 3)) == [1.5, 1.5, 1.5]
