"""Forecasting interval volumes and handle times, and backtesting the forecast.

The model, per queue, is multiplicative::

    calls(date, interval) = level(date) * factor[kind(date)] * profile[kind(date)][interval]
    level(date)           = max(0, a + b * days_since_first_date)

``kind`` is the weekday, ``"holiday"`` for a holiday of the calendar, or the weekday a
make-up working day keeps (see :func:`~callcenter.wfm.day_kind`). ``factor`` says how
busy a kind of day is against the average day, ``profile`` how its contacts spread over
the day (it sums to 1). The trend ``a + b t`` and the factors are fitted together by
alternating least squares on the daily totals: with the factors fixed the trend is a
linear regression, with the trend fixed each factor is a one-parameter regression; a
few rounds converge. A holiday is forecast with its own profile when the history holds
holidays and ``holidays="own"``, like a Sunday otherwise.

Handle time per interval is the answered contacts' mean in that interval over the
whole history, pulled towards the queue's mean by ``aht_prior`` pseudo-contacts (so a
quiet interval with three long calls does not get a wild value).
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Mapping
from typing import Literal

import attrs

from .._checks import check_argument
from ..calendars import BusinessCalendar
from ..errors import InvalidArgumentError
from ..metrics import IntervalForecast
from ._history import History, day_kind

__all__ = [
    "Accuracy",
    "Backtest",
    "DayForecast",
    "ForecastModel",
    "QueueFit",
    "backtest",
    "fit_forecast",
]

HolidayRule = Literal["sunday", "own"]

_ROUNDS = 50
_MIN_TREND_DAYS = 14


@attrs.frozen(kw_only=True)
class QueueFit:
    """The fitted model of one queue.

    Attributes:
        queue: The queue.
        first_date: The date at which the trend's ``t`` is 0.
        level: ``a``: the average day's contacts at ``first_date``.
        slope: ``b``: contacts per day added each day (0 without a trend).
        factors: Busyness of each kind of day against the average (kinds absent
            from the history are missing).
        profiles: Share of a day's contacts in each interval, per kind.
        aht_seconds: Forecast handle time per interval.
    """

    queue: str
    first_date: datetime.date
    level: float
    slope: float
    factors: Mapping[str, float]
    profiles: Mapping[str, tuple[float, ...]]
    aht_seconds: tuple[float, ...]

    def level_on(self, date: datetime.date) -> float:
        """The trend's level on ``date`` (never below 0)."""
        return max(0.0, self.level + self.slope * (date - self.first_date).days)


@attrs.frozen(kw_only=True)
class DayForecast:
    """A day's forecast: for each queue, volume and handle time per interval.

    Attributes:
        date: The local date.
        kind: Its kind of day (``"thursday"``, ``"holiday"``...).
        profile: The kind of day whose factor and profile forecast it (a holiday
            forecast like a Sunday: ``"sunday"``).
        timezone: IANA zone of the intervals.
        interval_seconds: Length of an interval.
        queues: Per queue, one :class:`~callcenter.metrics.IntervalForecast` per
            interval of the day from local midnight; ``start`` is a
            timezone-aware datetime.
    """

    date: datetime.date
    kind: str
    profile: str
    timezone: str
    interval_seconds: int
    queues: Mapping[str, tuple[IntervalForecast, ...]]

    def calls(self, queue: str) -> tuple[float, ...]:
        """Forecast contacts of ``queue`` per interval.

        Raises:
            InvalidArgumentError: An unknown queue.
        """
        if queue not in self.queues:
            raise InvalidArgumentError(
                name="queue", expected=f"one of {sorted(self.queues)}", got=queue
            )
        return tuple(item.calls for item in self.queues[queue])

    @property
    def total(self) -> float:
        """Forecast contacts of every queue over the day."""
        return math.fsum(item.calls for items in self.queues.values() for item in items)


def _solve_trend(
    totals: list[float], scale: list[float], ts: list[float], with_trend: bool
) -> tuple[float, float]:
    """Least squares for ``total ~ scale * (a + b t)``."""
    s_ff = sum(f * f for f in scale)
    if s_ff == 0:
        return 0.0, 0.0
    s_fy = sum(f * y for f, y in zip(scale, totals, strict=True))
    if not with_trend:
        return s_fy / s_ff, 0.0
    s_fft = sum(f * f * t for f, t in zip(scale, ts, strict=True))
    s_fftt = sum(f * f * t * t for f, t in zip(scale, ts, strict=True))
    s_fyt = sum(f * y * t for f, y, t in zip(scale, totals, ts, strict=True))
    det = s_ff * s_fftt - s_fft * s_fft
    if abs(det) <= 1e-12 * max(1.0, s_ff * s_fftt):
        return s_fy / s_ff, 0.0
    a = (s_fy * s_fftt - s_fyt * s_fft) / det
    b = (s_ff * s_fyt - s_fft * s_fy) / det
    return a, b


def _fit_queue(
    history: History,
    queue: str,
    kinds: Mapping[datetime.date, str],
    with_trend: bool,
    aht_prior: float,
) -> QueueFit:
    dates = history.dates
    first = dates[0]
    totals = [history.day_total(queue, d) for d in dates]
    ts = [float((d - first).days) for d in dates]
    by_kind: dict[str, list[int]] = {}
    for index, d in enumerate(dates):
        by_kind.setdefault(kinds[d], []).append(index)
    overall = math.fsum(totals) / len(totals)
    factors = {
        k: (math.fsum(totals[i] for i in idx) / len(idx) / overall if overall > 0 else 0.0)
        for k, idx in by_kind.items()
    }
    trend = with_trend and len(dates) >= _MIN_TREND_DAYS
    a, b = 0.0, 0.0
    for _ in range(_ROUNDS):
        scale = [factors[kinds[d]] for d in dates]
        a, b = _solve_trend(totals, scale, ts, trend)
        levels = [a + b * t for t in ts]
        new: dict[str, float] = {}
        for k, idx in by_kind.items():
            ll = math.fsum(levels[i] * levels[i] for i in idx)
            new[k] = max(0.0, math.fsum(totals[i] * levels[i] for i in idx) / ll) if ll else 0.0
        # Normalise: the factors average 1 over the days of the history.
        mean_factor = math.fsum(new[kinds[d]] for d in dates) / len(dates)
        if mean_factor > 0:
            new = {k: f / mean_factor for k, f in new.items()}
        done = all(abs(new[k] - factors[k]) < 1e-12 for k in new)
        factors = new
        if done:
            break
    scale = [factors[kinds[d]] for d in dates]
    a, b = _solve_trend(totals, scale, ts, trend)
    slots = history.slots
    profiles: dict[str, tuple[float, ...]] = {}
    volumes = history.volumes[queue]
    for k, idx in by_kind.items():
        sums = [math.fsum(volumes[dates[i]][s] for i in idx) for s in range(slots)]
        whole = math.fsum(sums)
        profiles[k] = tuple(x / whole for x in sums) if whole > 0 else (0.0,) * slots
    handle = [math.fsum(history.handle_seconds[queue][d][s] for d in dates) for s in range(slots)]
    count = [math.fsum(history.handled[queue][d][s] for d in dates) for s in range(slots)]
    answered = math.fsum(count)
    mean_aht = math.fsum(handle) / answered if answered > 0 else math.nan
    aht = tuple(
        (handle[s] + aht_prior * mean_aht) / (count[s] + aht_prior)
        if count[s] + aht_prior > 0
        else mean_aht
        for s in range(slots)
    )
    return QueueFit(
        queue=queue,
        first_date=first,
        level=a,
        slope=b,
        factors=factors,
        profiles=profiles,
        aht_seconds=aht,
    )


@attrs.frozen(kw_only=True, eq=False)
class ForecastModel:
    """A fitted forecast: call :meth:`forecast` for a date.

    Attributes:
        timezone: IANA zone of the dates and intervals.
        interval_seconds: Length of an interval.
        fits: The fitted model of each queue.
        calendar: The calendar that tells holidays and make-up days, if any.
        holidays: ``"sunday"`` (a holiday is forecast like a Sunday) or ``"own"``
            (with the holidays' own factor and profile when the history has any).
    """

    timezone: str
    interval_seconds: int
    fits: Mapping[str, QueueFit]
    calendar: BusinessCalendar | None = None
    holidays: HolidayRule = "sunday"

    def kind_for(self, date: datetime.date) -> str:
        """The kind of day whose factor and profile forecast ``date``."""
        kind = day_kind(date, self.calendar)
        if kind == "holiday" and self.holidays == "sunday":
            return "sunday"
        return kind

    def forecast(self, date: datetime.date) -> DayForecast:
        """Forecast every queue on ``date``.

        Raises:
            InvalidArgumentError: The history has no day of the kind needed (a
                holiday falls back to Sunday first), or a queue with contacts to
                forecast has never had one answered (no handle time to forecast).
        """
        kind = self.kind_for(date)
        zone = zoneinfo.ZoneInfo(self.timezone)
        midnight = datetime.datetime.combine(date, datetime.time(), zone)
        step = self.interval_seconds
        starts = [midnight + datetime.timedelta(seconds=s * step) for s in range(86_400 // step)]
        queues: dict[str, tuple[IntervalForecast, ...]] = {}
        for queue, fit in self.fits.items():
            used = kind
            if used not in fit.factors and used == "holiday":
                used = "sunday"
            if used not in fit.factors:
                raise InvalidArgumentError(
                    name="date",
                    expected=f"a kind of day the history has ({', '.join(sorted(fit.factors))})",
                    got=f"{date} ({used})",
                )
            day = fit.level_on(date) * fit.factors[used]
            calls = [day * share for share in fit.profiles[used]]
            if any(c > 0 for c in calls) and any(math.isnan(x) for x in fit.aht_seconds):
                raise InvalidArgumentError(
                    name="history",
                    expected=f"answered contacts in queue {queue!r} to forecast handle time",
                    got="none answered",
                )
            queues[queue] = tuple(
                IntervalForecast(
                    start=start, calls=c, aht_seconds=aht if not math.isnan(aht) else 1.0
                )
                for start, c, aht in zip(starts, calls, fit.aht_seconds, strict=True)
            )
        return DayForecast(
            date=date,
            kind=day_kind(date, self.calendar),
            profile=kind,
            timezone=self.timezone,
            interval_seconds=step,
            queues=queues,
        )


def _check_rule(holidays: object) -> HolidayRule:
    if holidays == "sunday":
        return "sunday"
    if holidays == "own":
        return "own"
    raise InvalidArgumentError(name="holidays", expected="'sunday' or 'own'", got=holidays)


def fit_forecast(
    history: History,
    *,
    calendar: BusinessCalendar | None = None,
    holidays: HolidayRule = "sunday",
    trend: bool = True,
    aht_prior: float = 10.0,
) -> ForecastModel:
    """Fit the day-of-week x intraday profile model with a linear trend, per queue.

    Args:
        history: The contacts to learn from.
        calendar: Tells holidays and make-up working days apart from ordinary days.
        holidays: ``"sunday"``: forecast a holiday like a Sunday (and learn nothing
            from the history's holidays); ``"own"``: holidays have a factor and a
            profile of their own.
        trend: Fit a linear trend (needs at least 14 days; with fewer the level is
            flat).
        aht_prior: Pseudo-contacts at the queue's mean handle time added to every
            interval's mean.

    Returns:
        The fitted :class:`ForecastModel`.

    Raises:
        InvalidArgumentError: A bad argument.

    Complexity: O(queues x dates x intervals).
    """
    rule = _check_rule(holidays)
    prior = check_argument("aht_prior", aht_prior, minimum=0)
    kinds: dict[datetime.date, str] = {}
    for d in history.dates:
        kind = day_kind(d, calendar)
        kinds[d] = "sunday" if kind == "holiday" and rule == "sunday" else kind
    if rule == "sunday":
        # Holidays are not Sundays: learning a Sunday from them would blur both.
        keep = tuple(d for d in history.dates if day_kind(d, calendar) != "holiday")
        if keep and len(keep) < len(history.dates):
            history = history.only(keep)
    fits = {q: _fit_queue(history, q, kinds, trend, prior) for q in history.queues}
    return ForecastModel(
        timezone=history.timezone,
        interval_seconds=history.interval_seconds,
        fits=fits,
        calendar=calendar,
        holidays=rule,
    )


@attrs.frozen(kw_only=True)
class Accuracy:
    """How close a method's interval forecasts came to what happened.

    Attributes:
        method: ``"model"``, ``"last_week"`` (same interval a week before) or
            ``"four_weeks"`` (mean of the same interval on the last four same
            weekdays).
        intervals: Interval forecasts scored (queue x date x interval).
        actual: Contacts that came over them.
        wape: Weighted absolute percentage error, ``sum |f - a| / sum a``.
        mape: Mean of ``|f - a| / a`` over intervals with contacts (``None`` if none).
        bias: ``sum (f - a) / sum a``: above 0 the method forecasts too many.
    """

    method: str
    intervals: int
    actual: float
    wape: float | None
    mape: float | None
    bias: float | None


@attrs.frozen(kw_only=True)
class Backtest:
    """Accuracy over held-out weeks, of the model and of the naive benchmarks.

    Attributes:
        weeks: The first date of each held-out week.
        methods: Accuracy per method, the model first.
    """

    weeks: tuple[datetime.date, ...]
    methods: tuple[Accuracy, ...]

    def format_table(self) -> str:
        """The accuracy as a text table, one method per line."""

        def pct(value: float | None) -> str:
            return "-" if value is None else f"{value:.1%}"

        lines = [f"{'method':<12}{'intervals':>10}{'WAPE':>9}{'MAPE':>9}{'bias':>9}"]
        lines.extend(
            f"{m.method:<12}{m.intervals:>10}{pct(m.wape):>9}{pct(m.mape):>9}{pct(m.bias):>9}"
            for m in self.methods
        )
        return "\n".join(lines)


def _accuracy(method: str, pairs: list[tuple[float, float]]) -> Accuracy:
    actual = math.fsum(a for _, a in pairs)
    errors = math.fsum(abs(f - a) for f, a in pairs)
    relative = [abs(f - a) / a for f, a in pairs if a > 0]
    return Accuracy(
        method=method,
        intervals=len(pairs),
        actual=actual,
        wape=errors / actual if actual > 0 else None,
        mape=math.fsum(relative) / len(relative) if relative else None,
        bias=math.fsum(f - a for f, a in pairs) / actual if actual > 0 else None,
    )


def backtest(
    history: History,
    *,
    weeks: int = 2,
    calendar: BusinessCalendar | None = None,
    holidays: HolidayRule = "sunday",
    trend: bool = True,
) -> Backtest:
    """Hold out the last ``weeks`` weeks one at a time, forecast them, and score.

    Each held-out week is forecast by a model fitted on the days before it only. The
    naive benchmarks forecast each interval by the same interval a week before, and
    by the mean of the same interval on up to four previous same weekdays. Only
    intervals that every method can forecast are scored.

    Args:
        history: The whole history.
        weeks: Held-out weeks (the last ``7 * weeks`` days).
        calendar: As for :func:`fit_forecast`.
        holidays: As for :func:`fit_forecast`.
        trend: As for :func:`fit_forecast`.

    Returns:
        A :class:`Backtest`.

    Raises:
        InvalidArgumentError: ``weeks`` below 1, or a history without a full week
            before the first held-out week.
    """
    weeks = int(check_argument("weeks", weeks, minimum=1, maximum=520, integer=True))
    first_test = history.dates[-1] - datetime.timedelta(days=7 * weeks - 1)
    if (first_test - history.dates[0]).days < 7:
        raise InvalidArgumentError(
            name="weeks",
            expected=f"at most {max(0, (len(history.dates) - 7) // 7)} held-out weeks "
            f"(a week of history must precede them)",
            got=weeks,
        )
    starts = tuple(first_test + datetime.timedelta(days=7 * w) for w in range(weeks))
    pairs: dict[str, list[tuple[float, float]]] = {"model": [], "last_week": [], "four_weeks": []}
    volumes = history.volumes
    known = set(history.dates)
    for start in starts:
        model = fit_forecast(
            history.before(start), calendar=calendar, holidays=holidays, trend=trend
        )
        for offset in range(7):
            date = start + datetime.timedelta(days=offset)
            try:
                day = model.forecast(date)
            except InvalidArgumentError:
                continue
            back = [date - datetime.timedelta(days=7 * n) for n in range(1, 5)]
            past = [d for d in back if d in known]
            if not past or back[0] not in past:
                continue
            for queue in history.queues:
                if queue not in day.queues:
                    continue
                actual = volumes[queue][date]
                seen = volumes[queue]
                slots = range(history.slots)
                forecasts = {
                    "model": day.calls(queue),
                    "last_week": seen[back[0]],
                    "four_weeks": [math.fsum(seen[d][s] for d in past) / len(past) for s in slots],
                }
                for name, values in forecasts.items():
                    pairs[name].extend((values[s], actual[s]) for s in slots)
    return Backtest(weeks=starts, methods=tuple(_accuracy(name, p) for name, p in pairs.items()))
