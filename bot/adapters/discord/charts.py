"""Score charts as PNG bytes for Discord attachments, drawn off-screen by matplotlib's Agg canvas.

A ``Figure`` with its own ``FigureCanvasAgg``, never pyplot: pyplot keeps a global registry of
figures that is not thread-safe.  The bot draws in a separate process (:mod:`.chart_worker`), so the
drawing functions take plain data.  matplotlib is imported inside the functions because importing
it takes about half a second, which the terminal commands that import this package's neighbours
should not pay.
Colours are set explicitly for Discord's dark theme; nothing touches the global rcParams.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from bot.engine.models import Signal
from bot.engine.ports import QuestionBank
from bot.engine.signals import MAX_LEVEL, signal_bands, signal_for
from bot.engine.state import SessionState

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH_INCHES = 8.0
HEIGHT_INCHES = 4.5  # 800x450 at DPI: fits an embed image without scaling
MAX_HEIGHT_INCHES = 14.0  # a long session grows the criterion chart up to here, then groups are left out
DPI = 100
ROW_INCHES = 0.24
LABEL_CHARS = 40
SCORE_MARGIN = 4  # points of room beyond 0 and 100 on a score axis

BACKGROUND = "#2b2d31"  # Discord's dark embed background, so the image has no bright frame
TEXT = "#dbdee1"
MUTED = "#949ba4"
TRACK = "#4e5058"
LEVEL_COLOURS = ("#ed4245", "#f0b232", "#a3c957", "#23a55a")  # levels 0-3
SIGNAL_COLOURS = {
    Signal.STRONG_NO: "#ed4245",
    Signal.NO: "#e67e22",
    Signal.LEAN_YES: "#fee75c",
    Signal.YES: "#57f287",
    Signal.STRONG_YES: "#1f8b4c",
}
LINE_COLOURS = ("#5865f2", "#eb459e", "#57f287", "#fee75c", "#3ba1f0", "#f0b232", "#ffffff")


def _plain(text: str, limit: int = LABEL_CHARS) -> str:
    # "$" would switch matplotlib into math mode; an escaped one is drawn as it is.
    short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return short.replace("$", r"\$")


def _figure(height: float) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)  # attaches itself to the figure; savefig then renders with Agg
    axes = figure.add_subplot()
    axes.set_facecolor(BACKGROUND)
    axes.tick_params(colors=MUTED, labelcolor=TEXT)
    for side, spine in axes.spines.items():
        spine.set_visible(side in ("left", "bottom"))
        spine.set_color(TRACK)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=figure.get_facecolor())
    return buffer.getvalue()


Groups = list[tuple[str, list[tuple[str, int, int]]]]  # (question title, [(criterion, level, max)])


def criterion_chart(state: SessionState, bank: QuestionBank) -> bytes | None:
    """Each graded question's criterion levels (0-3) as horizontal bars, grouped by question;
    ``None`` when nothing was graded."""
    return draw_criteria(criterion_groups(state, bank), state.score)


def criterion_groups(state: SessionState, bank: QuestionBank) -> Groups:
    """What the criterion chart shows, as plain data (it can be sent to another process)."""
    groups: Groups = []
    for round_ in state.rounds:
        for asked in round_.questions:
            result = asked.result
            if result is None or result.scorer == "none" or not result.criteria:
                continue  # skipped and timed-out questions have nothing to show but zeros
            try:
                title = bank.get(asked.question_id).title
                names = {c.id: c.name for c in bank.rubric(asked.question_id).criteria}
            except KeyError:
                title, names = asked.question_id, {}
            groups.append((title, [(names.get(c.id, c.id), c.score, c.max) for c in result.criteria]))
    return groups


def draw_criteria(groups: Groups, score: int | None) -> bytes | None:
    if not groups:
        return None
    from matplotlib.transforms import blended_transform_factory

    max_rows = int((MAX_HEIGHT_INCHES - 1.2) / ROW_INCHES)
    shown: Groups = []
    for group in groups:
        if sum(1 + len(rows) for _, rows in shown) + 1 + len(group[1]) > max_rows:
            break
        shown.append(group)
    shown = shown or groups[:1]
    rows = sum(1 + len(crits) for _, crits in shown)
    figure, axes = _figure(min(MAX_HEIGHT_INCHES, max(HEIGHT_INCHES, 1.2 + rows * ROW_INCHES)))

    labels: list[str] = []
    headers: set[int] = set()
    ys: list[int] = []
    levels: list[int] = []
    for title, crits in shown:
        headers.add(len(labels))
        labels.append(_plain(title))
        for name, level, ceiling in crits:
            ys.append(rows - 1 - len(labels))
            levels.append(max(0, min(MAX_LEVEL, level)))
            labels.append(_plain(name))
            axes.text(levels[-1] + 0.05, ys[-1], f"{level}/{ceiling}", va="center", color=TEXT, fontsize=8)
    # one bar call per layer, not per row: each call builds a container and costs a few milliseconds
    axes.barh(ys, [MAX_LEVEL] * len(ys), color=TRACK, alpha=0.35, height=0.7)
    axes.barh(ys, levels, color=[LEVEL_COLOURS[level] for level in levels], height=0.7)
    # Labels as plain text rather than tick labels: a Tick is several artists and costs several
    # times as much to draw, which matters for a 12-question session's 60 rows.
    axes.set_yticks([])
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    for index, text in enumerate(labels):
        header = index in headers
        axes.text(-0.01, rows - 1 - index, text, transform=beside, ha="right", va="center", fontsize=8,
                  color=MUTED if header else TEXT, fontweight="bold" if header else "normal")
    axes.set_xlim(0, MAX_LEVEL + 0.45)
    axes.set_xticks(range(MAX_LEVEL + 1))
    axes.set_ylim(-0.6, rows - 0.4)
    left_out = len(groups) - len(shown)
    title = "Criterion levels (0-3)" + (f" · overall {score}/100" if score is not None else "")
    title += f" · {left_out} more question{'s' if left_out != 1 else ''} in the scorecard" if left_out else ""
    axes.set_title(title, color=TEXT, fontsize=10, loc="left")
    figure.subplots_adjust(left=0.36, right=0.97, top=1 - 0.45 / figure.get_figheight(), bottom=0.35 / figure.get_figheight())
    return _png(figure)


def trend_chart(points: list[tuple[datetime, int, str]]) -> bytes | None:
    """Overall score per session over time, one line per round kind (or "loop"), over the
    shaded signal bands; ``None`` when there is no point to draw."""
    if not points:
        return None
    figure, _ = trend_axes(points)
    return _png(figure)


def trend_axes(points: list[tuple[datetime, int, str]]) -> tuple[Figure, Axes]:
    """The trend chart before it is rendered (tests read its lines and limits).

    Sessions sit one step apart in the order they were taken, with their dates as tick labels:
    on a time axis, two rounds on one day were drawn as a vertical line and a month's gap as a
    long flat one, which says nothing about progress.  The score axis reaches a little beyond
    0 and 100 so that a 0 (or a 100) shows as a point instead of vanishing into the frame.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from matplotlib.transforms import blended_transform_factory

    ordered = sorted(points, key=lambda p: p[0])
    figure, axes = _figure(HEIGHT_INCHES)
    for signal, low, high in signal_bands():
        top = high + 1 if high < 100 else 100  # bands are integer ranges; shade up to the next floor
        axes.axhspan(low, top, color=SIGNAL_COLOURS[signal], alpha=0.12, linewidth=0)
        axes.text(1.01, (low + top) / 2, signal.value.replace("_", " "), color=MUTED, fontsize=7, va="center",
                  transform=blended_transform_factory(axes.transAxes, axes.transData))
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, (_, score, kind) in enumerate(ordered):
        by_kind[kind].append((index, score))
    for colour, (kind, series) in enumerate(sorted(by_kind.items())):
        axes.plot([x for x, _ in series], [y for _, y in series], marker="o", markersize=4, linewidth=1.6,
                  color=LINE_COLOURS[colour % len(LINE_COLOURS)], label=_plain(kind))
    dates = [when.strftime("%b %d").replace(" 0", " ") for when, _, _ in ordered]
    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: dates[int(x)] if 0 <= int(x) < len(dates) else ""))
    axes.set_xlim(-0.5, max(len(ordered) - 0.5, 1.5))
    axes.set_ylim(-SCORE_MARGIN, 100 + SCORE_MARGIN)
    axes.set_ylabel("overall score", color=MUTED)
    axes.set_xlabel("sessions in order", color=MUTED)
    axes.grid(axis="y", color=TRACK, alpha=0.4, linewidth=0.5)
    axes.set_title("Your scores over time", color=TEXT, fontsize=10, loc="left")
    legend = axes.legend(loc="lower left", fontsize=8, facecolor=BACKGROUND, edgecolor=TRACK, labelcolor=TEXT)
    legend.get_frame().set_alpha(0.9)
    figure.subplots_adjust(left=0.08, right=0.88, top=0.9, bottom=0.15)
    return figure, axes


def topic_chart(topics: list[tuple[str, list[int]]]) -> bytes | None:
    """Each topic's latest grade as a bar over the signal bands, with its earlier grades as dots,
    so a candidate sees at a glance what improved and what still sits low."""
    if not topics:
        return None
    shown = topics[: int((MAX_HEIGHT_INCHES - 1.2) / ROW_INCHES)]
    figure, axes = _figure(min(MAX_HEIGHT_INCHES, max(HEIGHT_INCHES, 1.2 + len(shown) * ROW_INCHES * 1.6)))
    for signal, low, high in signal_bands():
        top = high + 1 if high < 100 else 100
        axes.axvspan(low, top, color=SIGNAL_COLOURS[signal], alpha=0.10, linewidth=0)
    ys = list(range(len(shown)))[::-1]
    latest = [scores[-1] for _, scores in shown]
    axes.barh(ys, latest, color=[SIGNAL_COLOURS[signal_for(s)] for s in latest], height=0.6)
    # The latest grade as a mark too: a bar of 0 has no width, and a 0 is the grade most worth seeing.
    axes.scatter(latest, ys, color=[SIGNAL_COLOURS[signal_for(s)] for s in latest], s=18, zorder=3, marker="|")
    for y, (_, scores) in zip(ys, shown, strict=True):
        if len(scores) > 1:
            axes.scatter(scores[:-1], [y] * (len(scores) - 1), color=TEXT, s=12, zorder=3)
        axes.text(scores[-1] + 1, y, f"{scores[-1]}", va="center", color=TEXT, fontsize=8)
    axes.set_yticks(ys)
    axes.set_yticklabels([_plain(title) for title, _ in shown], color=TEXT, fontsize=8)
    axes.set_xlim(-SCORE_MARGIN, 100 + SCORE_MARGIN + 1)
    axes.set_title("Latest grade per topic (dots: earlier attempts)", color=TEXT, fontsize=10, loc="left")
    figure.subplots_adjust(left=0.36, right=0.97, top=1 - 0.45 / figure.get_figheight(), bottom=0.35 / figure.get_figheight())
    return _png(figure)
