"""Rubric red flags for a fourth round of errors a confident candidate states (part a).

Written from an interviewer's own knowledge of each question, not from benchmark answers: each
further wrong belief is stated in two invented sentences of different shape that its flag must
catch, beside an invented correct sentence in nearby words that the flag must spare.
"""

from __future__ import annotations

import pytest

from tests.unit.flag_cases import case_ids, flags

CASES = [
    ("core.generators", "genexp-builds-list",
     "A generator expression computes all the values up front and then hands them out.",
     "A generator expression is lazy: it computes one value each time the consumer asks for the next one."),
    ("core.generators", "genexp-builds-list",
     "The parentheses version is basically a list comprehension written in parentheses.",
     "A generator expression is lazy: it computes one value each time the consumer asks for the next one."),
    ("core.generators", "len-and-index",
     "You can call len() on the generator to see how many 5xx lines there were.",
     "A generator has no len() and no indexing; you count as you consume it."),
    ("core.generators", "len-and-index",
     "A generator supports indexing and slicing just like a list.",
     "A generator has no len() and no indexing; you count as you consume it."),
    ("core.generators", "sorted-stays-lazy",
     "Sorting the generator with sorted() keeps it lazy, so memory stays flat.",
     "sorted() consumes the whole generator and holds every item, so only sort the small "
     "per-endpoint counts."),
    ("core.generators", "sorted-stays-lazy",
     "sorted() still streams the lines one at a time, so it's fine on the big log.",
     "sorted() consumes the whole generator and holds every item, so only sort the small "
     "per-endpoint counts."),
    ("core.generators", "generators-faster",
     "Generators are much faster than lists, so the scan finishes sooner.",
     "Generators save memory, not time; every line still has to be read and parsed, so the scan is "
     "not faster."),
    ("core.generators", "generators-faster",
     "The main advantage of the generator version is speed: it runs faster.",
     "Generators save memory, not time; every line still has to be read and parsed, so the scan is "
     "not faster."),
    ("core.generators", "pickle-generators",
     "I'd pickle the generator and send it to a multiprocessing pool to use all the cores.",
     "Generators cannot be pickled, so each worker process opens its own byte range of the file instead."),
    ("core.generators", "pickle-generators",
     "Hand the generator to a ProcessPoolExecutor and each worker process pulls lines from it.",
     "Generators cannot be pickled, so each worker process opens its own byte range of the file instead."),
    ("core.generators", "return-value-yielded",
     "At the end I return the total, and the loop gets it as the last item.",
     "A return inside a generator ends it; the value rides on StopIteration and a for loop never sees it."),
    ("core.generators", "return-value-yielded",
     "The return value from the generator comes out as the final item of the for loop.",
     "A return inside a generator ends it; the value rides on StopIteration and a for loop never sees it."),
    ("core.generators", "return-genexp-from-with",
     "Returning a generator expression from inside the with open block is fine.",
     "Leaving the with block closes the file, so the function must yield lines inside the block "
     "rather than return a generator expression."),
    ("core.generators", "return-genexp-from-with",
     "The file stays open after the function returns, because the generator still refers to it.",
     "Leaving the with block closes the file, so the function must yield lines inside the block "
     "rather than return a generator expression."),
    ("core.generators", "raise-stopiteration",
     "When the file ends I raise StopIteration to finish the generator.",
     "A generator finishes with a plain return or by reaching its end; an explicit StopIteration in "
     "the body becomes a RuntimeError."),
    ("core.generators", "raise-stopiteration",
     "You must raise StopIteration yourself inside the generator to tell the loop it's done.",
     "A generator finishes with a plain return or by reaching its end; an explicit StopIteration in "
     "the body becomes a RuntimeError."),
    ("core.generators", "groupby-unsorted",
     "itertools.groupby collects every line for the same endpoint across the whole file.",
     "groupby only merges runs of consecutive equal keys, so on an unsorted log a Counter is the "
     "right tool."),
    ("core.generators", "groupby-unsorted",
     "groupby works fine on the unsorted log and gives one group per endpoint.",
     "groupby only merges runs of consecutive equal keys, so on an unsorted log a Counter is the "
     "right tool."),
    ("core.generators", "counter-needs-list",
     "Counter needs the whole list in memory before it can count anything.",
     "Counter takes any iterable and consumes a generator one item at a time, holding only the "
     "distinct keys."),
    ("core.generators", "counter-needs-list",
     "Counter can't consume a generator, so I convert the stream to a list first.",
     "Counter takes any iterable and consumes a generator one item at a time, holding only the "
     "distinct keys."),
    ("core.generators", "unbuffered-reads",
     "Reading line by line is slow because every line is a separate disk read.",
     "File objects are buffered: Python reads large blocks and splits lines in memory, so line "
     "iteration is cheap."),
    ("core.generators", "unbuffered-reads",
     "Iterating the file is unbuffered, so it hits the disk for each byte.",
     "File objects are buffered: Python reads large blocks and splits lines in memory, so line "
     "iteration is cheap."),
    ("core.generators", "islice-skips-reading",
     "islice jumps straight to line ten million without reading the lines before it.",
     "islice still consumes every item before its start position; to jump ahead in a file you seek "
     "the file itself."),
    ("core.generators", "islice-skips-reading",
     "itertools.islice never reads the skipped lines, so sampling the tail costs nothing.",
     "islice still consumes every item before its start position; to jump ahead in a file you seek "
     "the file itself."),
    ("core.is-vs-eq", "is-checks-type",
     "The is operator checks that both values are the same type.",
     "The is operator asks whether both sides are one object; isinstance checks types."),
    ("core.is-vs-eq", "is-checks-type",
     "is works like isinstance, so it only tells you the types match.",
     "The is operator asks whether both sides are one object; isinstance checks types."),
    ("core.is-vs-eq", "default-eq-compares-fields",
     "By default == compares the attributes of the two instances.",
     "Without a custom __eq__, == falls back to identity; a dataclass generates a field-wise __eq__."),
    ("core.is-vs-eq", "default-eq-compares-fields",
     "A plain class gets an equality that compares every field automatically.",
     "Without a custom __eq__, == falls back to identity; a dataclass generates a field-wise __eq__."),
    ("core.is-vs-eq", "eq-none-equivalent",
     "Writing == None is just as safe as is None.",
     "== None goes through __eq__, which a class can override, so is None is the exact check."),
    ("core.is-vs-eq", "eq-none-equivalent",
     "For None, is None and == None are interchangeable, so pick either.",
     "== None goes through __eq__, which a class can override, so is None is the exact check."),
    ("core.is-vs-eq", "id-unique-forever",
     "An object's id() is unique for the whole run of the program.",
     "An id() is unique only among live objects; after an object is freed, its id can be reused."),
    ("core.is-vs-eq", "id-unique-forever",
     "ids are never reused, so you can store them as keys.",
     "An id() is unique only among live objects; after an object is freed, its id can be reused."),
    ("core.is-vs-eq", "is-true-for-truthiness",
     "The correct way to check a flag is if x is True.",
     "Check a flag with a plain if x:, because is True is false for truthy values like 1."),
    ("core.is-vs-eq", "is-true-for-truthiness",
     "You should always compare booleans with is True.",
     "Check a flag with a plain if x:, because is True is false for truthy values like 1."),
    ("core.is-vs-eq", "equal-to-itself",
     "A value is always equal to itself, so == and is agree there.",
     "Even one object can be unequal to itself: float NaN == NaN is False because == calls __eq__."),
    ("core.is-vs-eq", "equal-to-itself",
     "x == x is always True, whatever x is.",
     "Even one object can be unequal to itself: float NaN == NaN is False because == calls __eq__."),
    ("core.is-vs-eq", "literal-is-error",
     "Since 3.8, is with a literal raises a SyntaxError, so this code wouldn't even run.",
     "Since 3.8 is with a literal only emits a SyntaxWarning; the code still runs."),
    ("core.is-vs-eq", "literal-is-error",
     "Newer Python rejects a literal after is with an error.",
     "Since 3.8 is with a literal only emits a SyntaxWarning; the code still runs."),
    ("core.is-vs-eq", "same-hash-same-object",
     "Two objects with the same hash are the same object.",
     "A shared hash proves neither equality nor identity; only is tests identity."),
    ("core.is-vs-eq", "same-hash-same-object",
     "If the hashes match, that proves it's one object.",
     "A shared hash proves neither equality nor identity; only is tests identity."),
]


IDS = case_ids(CASES)


@pytest.mark.parametrize(("qid", "flag", "stated", "correct"), CASES, ids=IDS)
def test_round4_error_is_caught_and_the_correct_idea_spared(qid: str, flag: str, stated: str, correct: str) -> None:
    assert flag in flags(qid, stated)
    assert flag not in flags(qid, correct)
