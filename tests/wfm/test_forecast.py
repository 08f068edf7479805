from __future__ import annotations

import datetime
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.calendars import BusinessCalendar, Holiday, MakeupWorkday, Weekday
from callcenter.errors import InvalidArgumentError
from callcenter.metrics import ContactRecord, Outcome
from callcenter.wfm import History, backtest, day_kind, fit_forecast

from .synthetic import (
    FACTORS,
    MONDAY,
    PROFILE,
    history_from_days,
    records_for_day,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def exact_history(level: float, slope: float, days: int = 28) -> History:
    """Volumes exactly level + slope * t times the weekday factor times the profile."""
    volumes = {}
    for n in range(days):
        date = MONDAY + datetime.timedelta(days=n)
        day = (level + slope * n) * FACTORS[date.weekday()]
        volumes[date] = tuple(day * share for share in PROFILE)
    return history_from_days({"q": volumes}, aht=200.0)


def test_an_exact_seasonal_history_with_a_trend_is_recovered_exactly() -> None:
    model = fit_forecast(exact_history(level=100.0, slope=2.0))
    fit = model.fits["q"]
    # The factors average 1 over the history (four whole weeks), as the true ones do.
    for index, name in enumerate(WEEKDAYS):
        assert fit.factors[name] == pytest.approx(FACTORS[index], rel=1e-9)
        assert fit.profiles[name] == pytest.approx(PROFILE, abs=1e-12)
    assert fit.slope == pytest.approx(2.0, rel=1e-9)
    assert fit.level == pytest.approx(100.0, rel=1e-9)
    date = MONDAY + datetime.timedelta(days=31)  # a Thursday after the history
    expected_day = (100.0 + 2.0 * 31) * FACTORS[3]
    forecast = model.forecast(date)
    assert forecast.kind == "thursday"
    assert forecast.calls("q") == pytest.approx([expected_day * s for s in PROFILE], rel=1e-9)
    assert all(item.aht_seconds == pytest.approx(200.0) for item in forecast.queues["q"])


def test_without_a_trend_the_level_is_flat() -> None:
    model = fit_forecast(exact_history(level=100.0, slope=2.0), trend=False)
    assert model.fits["q"].slope == 0.0


def test_poisson_history_recovers_the_seasonality_and_trend_within_noise() -> None:
    rng = random.Random(7)
    records: list[ContactRecord] = []
    for n in range(42):
        date = MONDAY + datetime.timedelta(days=n)
        mean = (300.0 + 3.0 * n) * FACTORS[date.weekday()]
        records.extend(records_for_day(rng, date, "q", mean, aht=240.0))
    history = History.from_records(records, timezone="Asia/Shanghai")
    assert history.dates[0] == MONDAY
    assert len(history.dates) == 42
    fit = fit_forecast(history).fits["q"]
    assert fit.slope == pytest.approx(3.0, abs=1.0)
    for index, name in enumerate(WEEKDAYS):
        assert fit.factors[name] == pytest.approx(FACTORS[index], rel=0.06)
    assert fit.profiles["monday"] == pytest.approx(PROFILE, abs=0.02)
    assert fit.aht_seconds[20] == pytest.approx(240.0, rel=0.1)


def test_handle_time_per_interval_is_learned_and_pulled_towards_the_queue_mean() -> None:
    rng = random.Random(3)
    records: list[ContactRecord] = []
    for n in range(14):
        date = MONDAY + datetime.timedelta(days=n)
        records.extend(records_for_day(rng, date, "q", 400.0, aht=120.0, long_after=14, long=360.0))
    history = History.from_records(records, timezone="Asia/Shanghai")
    fit = fit_forecast(history, aht_prior=0).fits["q"]
    assert fit.aht_seconds[18] == pytest.approx(120.0, rel=0.1)  # 09:00
    assert fit.aht_seconds[30] == pytest.approx(360.0, rel=0.1)  # 15:00
    pulled = fit_forecast(history, aht_prior=1e9).fits["q"]
    mean = math.fsum(h for d in history.dates for h in history.handle_seconds["q"][d]) / math.fsum(
        n for d in history.dates for n in history.handled["q"][d]
    )
    assert pulled.aht_seconds[18] == pytest.approx(mean, rel=1e-3)
    assert pulled.aht_seconds[30] == pytest.approx(mean, rel=1e-3)


def calendar_with(holidays: list[datetime.date], makeups: list[datetime.date]) -> BusinessCalendar:
    return BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly={day: ["08:00-20:00"] for day in Weekday},
        holidays=[Holiday(date=d, name="holiday") for d in holidays],
        makeup_workdays=[
            MakeupWorkday(date=d, name="make-up", as_weekday=Weekday.FRIDAY) for d in makeups
        ],
    )


def test_day_kinds_follow_the_calendar() -> None:
    saturday = datetime.date(2026, 10, 10)
    cal = calendar_with([datetime.date(2026, 10, 1)], [saturday])
    assert day_kind(saturday) == "saturday"
    assert day_kind(saturday, cal) == "friday"
    assert day_kind(datetime.date(2026, 10, 1), cal) == "holiday"
    assert day_kind(datetime.date(2026, 10, 2), cal) == "friday"


def test_a_make_up_saturday_is_forecast_like_the_weekday_it_keeps() -> None:
    # Three weeks of history; the make-up Saturday in it had a Friday's traffic.
    makeup_past = MONDAY + datetime.timedelta(days=12)
    makeup_next = MONDAY + datetime.timedelta(days=26)
    cal = calendar_with([], [makeup_past, makeup_next])
    factors = (*FACTORS[:5], 0.4, 0.3)  # quiet weekends
    volumes = {}
    for n in range(21):
        date = MONDAY + datetime.timedelta(days=n)
        kind = 4 if date == makeup_past else date.weekday()
        volumes[date] = tuple(100.0 * factors[kind] * s for s in PROFILE)
    history = history_from_days({"q": volumes}, aht=200.0)
    model = fit_forecast(history, calendar=cal, trend=False)
    friday = model.forecast(MONDAY + datetime.timedelta(days=25))
    made_up = model.forecast(makeup_next)
    plain = fit_forecast(history, trend=False).forecast(makeup_next)
    assert made_up.kind == "friday"
    assert made_up.calls("q") == pytest.approx(friday.calls("q"), rel=1e-9)
    assert sum(made_up.calls("q")) == pytest.approx(100.0 * factors[4], rel=1e-9)
    # Without the calendar the same date is a Saturday, and the make-up Friday-like
    # day in the history pulled the Saturday factor away from the truth.
    assert plain.kind == "saturday"
    assert sum(plain.calls("q")) < 0.8 * sum(made_up.calls("q"))


def holiday_history() -> tuple[History, BusinessCalendar, datetime.date]:
    holidays = [MONDAY + datetime.timedelta(days=n) for n in (15, 16)]  # a Tuesday, a Wednesday
    cal = calendar_with(holidays, [])
    holiday_profile = tuple(1 / 8 if 20 <= i < 28 else 0.0 for i in range(48))
    volumes = {}
    for n in range(28):
        date = MONDAY + datetime.timedelta(days=n)
        if date in holidays:
            volumes[date] = tuple(40.0 * s for s in holiday_profile)
        else:
            volumes[date] = tuple(100.0 * FACTORS[date.weekday()] * s for s in PROFILE)
    return history_from_days({"q": volumes}, aht=200.0), cal, holidays[0]


def test_a_holiday_is_forecast_like_a_sunday_by_default() -> None:
    history, cal, _ = holiday_history()
    future_holiday = MONDAY + datetime.timedelta(days=30)
    cal = calendar_with([*(h.date for h in cal.holidays), future_holiday], [])
    model = fit_forecast(history, calendar=cal, trend=False)
    sunday = model.forecast(MONDAY + datetime.timedelta(days=34))
    holiday = model.forecast(future_holiday)
    assert holiday.kind == "holiday"
    assert holiday.calls("q") == pytest.approx(sunday.calls("q"), rel=1e-9)
    # The holidays of the history bend neither the Sunday nor the weekday they fell on.
    factors = model.fits["q"].factors
    for index in (1, 2, 6):
        assert factors[WEEKDAYS[index]] == pytest.approx(
            FACTORS[index] / FACTORS[0] * factors["monday"], rel=1e-9
        )


def test_a_holiday_can_have_its_own_profile() -> None:
    history, cal, _ = holiday_history()
    future_holiday = MONDAY + datetime.timedelta(days=30)
    cal = calendar_with([*(h.date for h in cal.holidays), future_holiday], [])
    model = fit_forecast(history, calendar=cal, holidays="own", trend=False)
    calls = model.forecast(future_holiday).calls("q")
    assert sum(calls) == pytest.approx(40.0, rel=1e-6)
    assert all(c == 0 for i, c in enumerate(calls) if not 20 <= i < 28)
    assert calls[20] == pytest.approx(5.0, rel=1e-6)


def test_backtest_scores_the_model_and_the_naive_benchmarks() -> None:
    history, cal, _ = holiday_history()
    scores = backtest(history, weeks=2, calendar=cal, holidays="own", trend=False)
    by = {m.method: m for m in scores.methods}
    assert set(by) == {"model", "last_week", "four_weeks"}
    assert scores.weeks == (
        MONDAY + datetime.timedelta(days=14),
        MONDAY + datetime.timedelta(days=21),
    )
    # The held-out weeks hold the holidays: "same interval last week" misses them,
    # and so does the model, which has seen no holiday before the first held-out week.
    assert by["model"].intervals == by["last_week"].intervals > 0
    # In the second held-out week everything repeats the weeks before the holidays.
    late = backtest(history, weeks=1, calendar=cal, holidays="own", trend=False)
    late_by = {m.method: m for m in late.methods}
    assert late_by["model"].wape == pytest.approx(0.0, abs=1e-9)
    assert late_by["model"].bias == pytest.approx(0.0, abs=1e-9)
    # The four-week mean includes the holiday week: it forecasts too few.
    assert late_by["four_weeks"].bias is not None
    assert late_by["four_weeks"].bias < 0
    assert late_by["last_week"].wape is not None
    assert late_by["last_week"].wape > 0.1
    assert "WAPE" in late.format_table()


def test_backtest_metrics_match_their_definitions() -> None:
    # Week 1 flat 10 per open interval, week 2 flat 20: last week forecasts 10 for 20.
    volumes = {}
    for n in range(14):
        date = MONDAY + datetime.timedelta(days=n)
        volume = 10.0 if n < 7 else 20.0
        volumes[date] = tuple(volume if i == 20 else 0.0 for i in range(48))
    history = history_from_days({"q": volumes}, aht=200.0)
    by = {m.method: m for m in backtest(history, weeks=1, trend=False).methods}
    last = by["last_week"]
    assert last.intervals == 7 * 48
    assert last.actual == 140.0
    assert last.wape == pytest.approx(0.5)
    assert last.mape == pytest.approx(0.5)
    assert last.bias == pytest.approx(-0.5)


def test_bad_inputs_raise_library_errors() -> None:
    with pytest.raises(InvalidArgumentError, match="interval_seconds"):
        History.from_records([], timezone="UTC", interval_seconds=7)
    with pytest.raises(InvalidArgumentError, match="at least one contact"):
        History.from_records([], timezone="UTC")
    with pytest.raises(InvalidArgumentError, match="timezone"):
        History.from_records([], timezone="Mars/Olympus")
    ivr_only = ContactRecord(
        contact_id="1", outcome=Outcome.FINISHED_IN_IVR, arrived_at=0.0, ended_at=10.0
    )
    with pytest.raises(InvalidArgumentError, match="at least one contact"):
        History.from_records([ivr_only], timezone="UTC")
    with pytest.raises(InvalidArgumentError, match="ContactRecord"):
        History.from_records([{"contact_id": "1"}], timezone="UTC")  # type: ignore[list-item]
    history = exact_history(level=100.0, slope=0.0, days=5)  # Monday to Friday
    model = fit_forecast(history)
    with pytest.raises(InvalidArgumentError, match="kind of day"):
        model.forecast(MONDAY + datetime.timedelta(days=5))
    with pytest.raises(InvalidArgumentError, match="holidays"):
        fit_forecast(history, holidays="easter")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="aht_prior"):
        fit_forecast(history, aht_prior=-1)
    with pytest.raises(InvalidArgumentError, match="weeks"):
        backtest(history, weeks=1)
    with pytest.raises(InvalidArgumentError, match="weeks"):
        backtest(exact_history(100.0, 0.0), weeks=0)
    with pytest.raises(InvalidArgumentError, match="queue"):
        model.forecast(MONDAY).calls("nope")


@settings(max_examples=25)
@given(
    factors=st.lists(st.floats(0.2, 3.0), min_size=7, max_size=7),
    level=st.floats(10.0, 1000.0),
    slope=st.floats(-0.5, 5.0),
    peak=st.integers(16, 39),
)
def test_any_exact_seasonal_history_is_recovered(
    factors: list[float], level: float, slope: float, peak: int
) -> None:
    mean = sum(factors) / 7
    true = [f / mean for f in factors]  # they average 1 over whole weeks
    profile = [0.0] * 48
    for i in range(16, 40):
        profile[i] = 1.0 + (3.0 if i == peak else 0.0)
    total = sum(profile)
    profile = [p / total for p in profile]
    volumes = {}
    for n in range(21):
        date = MONDAY + datetime.timedelta(days=n)
        volumes[date] = tuple((level + slope * n) * true[date.weekday()] * p for p in profile)
    fit = fit_forecast(history_from_days({"q": volumes}, aht=100.0)).fits["q"]
    assert fit.slope == pytest.approx(slope, rel=1e-6, abs=1e-6)
    assert fit.level == pytest.approx(level, rel=1e-6)
    for index, name in enumerate(WEEKDAYS):
        assert fit.factors[name] == pytest.approx(true[index], rel=1e-6)
        assert fit.profiles[name] == pytest.approx(profile, abs=1e-9)


def test_the_history_before_a_date_is_a_training_set() -> None:
    history = exact_history(level=100.0, slope=0.0, days=14)
    cut = history.before(MONDAY + datetime.timedelta(days=7))
    assert cut.dates == history.dates[:7]
    assert cut.volumes["q"] == {d: history.volumes["q"][d] for d in cut.dates}
    assert history.day_total("q", MONDAY + datetime.timedelta(days=99)) == 0.0
    with pytest.raises(InvalidArgumentError, match="date"):
        history.before(MONDAY)
    with pytest.raises(InvalidArgumentError, match="dates"):
        history.only((MONDAY - datetime.timedelta(days=1),))
    assert history.only((MONDAY,)).dates == (MONDAY,)
