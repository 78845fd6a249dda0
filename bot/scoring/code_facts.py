"""What a code answer does, read from its syntax tree, so code earns rubric credit as prose does.

A candidate who writes ``delay * 2 ** attempt`` has shown exponential backoff as surely as one
who says it.  Each fact below is a small, general check on the AST (not on one question's
expected solution); a rubric indicator lists the facts that evidence it (``code = [...]``), and
the evidence quoted is the line of code itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.scoring.fences import blocks, code_blocks

_COUNTER_NAMES = frozenset({"Counter", "defaultdict"})
_LOG_NAMES = frozenset({"log", "logger", "logging", "_log", "LOG", "LOGGER"})
_RANDOM_CALLS = frozenset({"uniform", "random", "randint", "randrange", "expovariate", "triangular"})
_BROAD = frozenset({"Exception", "BaseException"})


@dataclass(frozen=True)
class CodeFact:
    name: str
    start: int  # offsets of the evidencing line in the whole answer
    end: int


@dataclass(frozen=True)
class _Block:
    tree: ast.Module
    offset: int  # where the block's first character sits in the answer
    lines: list[str]


def _blocks(text: str) -> Iterator[_Block]:
    fenced = [(b.code, b.start) for b in blocks(text)] or [(b.code, b.start) for b in code_blocks(text)]
    for source, offset in fenced:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        yield _Block(tree, offset, source.splitlines(keepends=True))


def _name(node: ast.AST) -> str:
    """The last name of a call target or attribute: ``functools.wraps`` -> ``wraps``."""
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _owner(node: ast.AST) -> str:
    """``logger`` in ``logger.warning(...)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        value = node.func.value
        return value.id if isinstance(value, ast.Name) else _name(value)
    return ""


@lru_cache(maxsize=1024)  # asked by several facts about the same function; nodes hash by identity
def _calls_self(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(n, ast.Call) and _name(n.func) == fn.name for n in ast.walk(fn))


def _recursion(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _calls_self(node)


def _base_case(node: ast.AST) -> bool:
    """An ``if`` inside a recursive function with a branch that does not recurse, or an early exit."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not _calls_self(node):
        return False
    for branch in ast.walk(node):
        if isinstance(branch, ast.If):
            arms = [branch.body, branch.orelse]
            recursing = [any(isinstance(n, ast.Call) and _name(n.func) == node.name
                             for stmt in arm for n in ast.walk(stmt)) for arm in arms]
            if any(recursing) and not all(recursing):
                return True
            if not recursing[0] and branch.body and isinstance(branch.body[-1], ast.Return | ast.Continue):
                return True
    return False


def _exponential(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Mult):
        return isinstance(node.value, ast.Constant) and isinstance(node.value.value, int | float) and node.value.value > 1
    return False


def _reraise(node: ast.AST) -> bool:
    """A bare ``raise`` or ``raise ... from``: the original error reaches the caller."""
    return isinstance(node, ast.Raise) and (node.exc is None or node.cause is not None)


_COUNTS = ("attempt", "tries", "retries", "times")


def _last_attempt(node: ast.AST) -> bool:
    """The loop knows its last try and gives up there instead of waiting again: ``if i == attempts - 1:
    raise`` (or ``n + 1 == tries``, ``attempt >= max_attempts``) with a ``raise`` or ``break`` inside."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    if not all(isinstance(op, ast.Eq | ast.GtE) for op in node.test.ops):
        return False
    sides = [node.test.left, *node.test.comparators]
    by_one = any(isinstance(s, ast.BinOp) and isinstance(s.op, ast.Sub | ast.Add)
                 and isinstance(s.right, ast.Constant) and s.right.value == 1 for s in sides)
    counted = any(c in ast.unparse(s).casefold() for s in sides for c in _COUNTS)
    gives_up = any(isinstance(n, ast.Raise | ast.Break) for s in node.body for n in ast.walk(s))
    return (by_one or counted) and gives_up


def _raise_saved(node: ast.AST) -> bool:
    """``raise last_error`` after the loop: re-raising a caught exception kept in a variable."""
    return isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name)


def _specific_except(node: ast.AST) -> bool:
    if not isinstance(node, ast.ExceptHandler) or node.type is None:
        return False
    names = [_name(t) for t in (node.type.elts if isinstance(node.type, ast.Tuple) else [node.type])]
    return bool(names) and not any(n in _BROAD for n in names)


_MATCHERS = frozenset({"match", "search", "fullmatch"})


def _skip_bad(node: ast.AST) -> bool:
    """Moving on to the next item instead of stopping: an ``except`` that continues, a failed check
    that continues (``if not row: continue``), or a regex match tested before it is used
    (``m = LINE.match(line)`` then ``if m:``), which passes over every line that does not match."""
    if isinstance(node, ast.ExceptHandler):
        return any(isinstance(n, ast.Continue) for s in node.body for n in ast.walk(s))
    if isinstance(node, ast.If) and node.body and isinstance(node.body[-1], ast.Continue):
        test = node.test
        return (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)) or _is_none(test)
    if isinstance(node, ast.For | ast.While):
        matched = {t.id for n in ast.walk(node) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                   and _name(n.value.func) in _MATCHERS for t in n.targets if isinstance(t, ast.Name)}
        matched |= {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)
                    and isinstance(n.value, ast.Call) and _name(n.value.func) in _MATCHERS}
        return any(isinstance(n, ast.If) and _tests_name(n.test, matched) for n in ast.walk(node))
    return False


def _tests_name(test: ast.AST, names: set[str]) -> bool:
    """``if m:``, ``if m is None:``, ``if (m := ...):``: the test is about one of ``names``."""
    if isinstance(test, ast.Name):
        return test.id in names
    if isinstance(test, ast.NamedExpr):
        return test.target.id in names
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name):
        return test.left.id in names and _is_none(test)
    return False


def _call_named(*names: str) -> Callable[[ast.AST], bool]:
    wanted = frozenset(names)
    return lambda node: isinstance(node, ast.Call) and _name(node.func) in wanted


def _decorator_factory(node: ast.AST) -> bool:
    """A function returning a function that itself defines and returns a function."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    inner = [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return any(isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) for f in inner for m in f.body)


def _forwarding(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and any(isinstance(a, ast.Starred) for a in node.args)
            and any(k.arg is None for k in node.keywords))


def _generator(node: ast.AST) -> bool:
    return isinstance(node, ast.Yield | ast.YieldFrom)


_LINE_NAMES = frozenset({"line", "raw", "row", "ln", "record", "chunk", "raw_line"})


def _lazy_lines(node: ast.AST) -> bool:
    """Reading a file a line at a time rather than whole: ``for line in f`` (or ``for i, line in
    enumerate(f)``, or over ``open(...)``), or a ``while`` loop that calls ``readline``."""
    if isinstance(node, ast.While):
        return any(isinstance(n, ast.Call) and _name(n.func) == "readline" for n in ast.walk(node))
    if not isinstance(node, ast.For) or _name(node.iter) in ("readlines", "read"):
        return False
    targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
    named = any(isinstance(t, ast.Name) and t.id in _LINE_NAMES for t in targets)
    source = node.iter.args[0] if isinstance(node.iter, ast.Call) and _name(node.iter) == "enumerate" and node.iter.args \
        else node.iter
    return (named and isinstance(source, ast.Name | ast.Call)) or _name(source) == "open"


def _counter(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and _name(node.func) in _COUNTER_NAMES:
        return True
    # counts[key] = counts.get(key, 0) + 1
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Call)
            and _name(node.left.func) == "get" and len(node.left.args) == 2)


def _none_default(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    return any(isinstance(d, ast.Constant) and d.value is None for d in defaults)


def _is_none(node: ast.AST) -> bool:
    return (isinstance(node, ast.Compare) and any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops)
            and any(isinstance(c, ast.Constant) and c.value is None for c in node.comparators))


def _logging(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (_owner(node) in _LOG_NAMES or _name(node.func) == "getLogger")


def _jitter(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in _RANDOM_CALLS and _owner(node) in ("random", "rng", "")


def _isinstance_dict(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and _name(node.func) == "isinstance" and len(node.args) == 2
            and any(_name(n) in ("dict", "Mapping", "MutableMapping") for n in ast.walk(node.args[1])))


def _decode_errors(node: ast.AST) -> bool:
    """Bytes that do not decode cannot stop the run: an ``errors=`` policy, or a file opened in binary."""
    if not isinstance(node, ast.Call):
        return False
    if any(k.arg == "errors" for k in node.keywords):
        return True
    if _name(node.func) != "open":
        return False
    modes = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "mode")]
    return any(isinstance(m, ast.Constant) and isinstance(m.value, str) and "b" in m.value for m in modes)


def _explicit_stack(node: ast.AST) -> bool:
    """A walk with a stack or queue of its own: ``while todo:`` that pops from ``todo`` and pushes onto it."""
    if not isinstance(node, ast.While):
        return False
    names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
    used = {(_owner(n), _name(n.func)) for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    return any((name, pop) in used and any((name, push) in used for push in ("append", "extend", "appendleft"))
               for name in names for pop in ("pop", "popleft"))


def _joined_key(node: ast.AST) -> bool:
    """A key built from parts: ``sep.join(path)``, ``".".join(...)`` or an f-string joining two values."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        target = node.func.value
        return isinstance(target, ast.Name) or (isinstance(target, ast.Constant) and isinstance(target.value, str))
    return isinstance(node, ast.JoinedStr) and sum(isinstance(v, ast.FormattedValue) for v in node.values) >= 2


def _clash_check(node: ast.AST) -> bool:
    """``if key in out: raise ...``: a collision refused instead of silently overwritten."""
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and any(isinstance(op, ast.In) for op in node.test.ops)
            and any(isinstance(n, ast.Raise) for s in node.body for n in ast.walk(s)))


# Every fact a rubric may name, with its check.  Names are part of the rubric format.
FACTS: dict[str, Callable[[ast.AST], bool]] = {
    "recursion": _recursion,
    "base-case": _base_case,
    "isinstance-dict": _isinstance_dict,
    "exponential": _exponential,
    "sleep": _call_named("sleep"),
    "reraise": _reraise,
    "raise-saved": _raise_saved,
    "last-attempt": _last_attempt,
    "specific-except": _specific_except,
    "skip-bad": _skip_bad,
    "wraps": _call_named("wraps"),
    "decorator-factory": _decorator_factory,
    "forwarding": _forwarding,
    "generator": _generator,
    "lazy-lines": _lazy_lines,
    "counter": _counter,
    "none-default": _none_default,
    "is-none": _is_none,
    "logging": _logging,
    "jitter": _jitter,
    "gather": _call_named("gather", "as_completed", "TaskGroup", "create_task"),
    "semaphore": _call_named("Semaphore", "BoundedSemaphore"),
    "timeout": _call_named("wait_for", "timeout", "timeout_at"),
    "csv-module": _call_named("reader", "DictReader"),
    "decimal": _call_named("Decimal"),
    "decode-errors": _decode_errors,
    "copy": _call_named("copy", "deepcopy"),
    "identity": _call_named("id"),
    "explicit-stack": _explicit_stack,
    "joined-key": _joined_key,
    "clash-check": _clash_check,
}


def code_facts(text: str) -> dict[str, CodeFact]:
    """The facts the answer's code shows, each with the first line that shows it."""
    found: dict[str, CodeFact] = {}
    for block in _blocks(text):
        starts = [0]
        for line in block.lines:
            starts.append(starts[-1] + len(line))
        for node in ast.walk(block.tree):
            lineno = getattr(node, "lineno", None)
            if lineno is None or lineno > len(block.lines):
                continue
            for name, check in FACTS.items():
                if name not in found and check(node):
                    line = block.lines[lineno - 1]
                    begin = block.offset + starts[lineno - 1] + (len(line) - len(line.lstrip()))
                    found[name] = CodeFact(name, begin, block.offset + starts[lineno - 1] + len(line.rstrip()))
    return found
