"""Words a candidate uses interchangeably, folded to one form before matching.

Stemming joins "evaluates" and "evaluated" but not "modify" and "change", "func" and
"function", "serialise" and "serialize", or "ran" and "run".  Rubric phrases and answers pass
through the same folding, so a rubric lists one wording and a candidate may use any of them.
Groups are deliberately narrow: only words that mean the same thing in an interview about
Python services.  Broad near-synonyms ("loop"/"iterate", "validate"/"check") stay apart,
because merging them would let a rubric phrase match a different claim; "build" stays
apart from "create" because it also means building an image or a release.
"""

from __future__ import annotations

import re

# One group a line; every word folds to the first word's stem.  The first two lines let a
# strict phrase ("tuples are immutable", "doesn't call super") match "a tuple is immutable"
# and "does not call super".
SYNONYM_GROUPS = """
is are was were am
not isnt doesnt dont arent wont cant cannot wasnt werent shouldnt didnt havent hasnt couldnt wouldnt mustnt
change modify modifies modified modification alter alters altered edit edits edited mutate mutates mutated mutating mutation
create creates created creating creation make makes made making construct constructs constructed
instantiate instantiates instantiated
build builds built building
run runs ran running execute executes executed executing execution
call calls called calling invoke invokes invoked invoking invocation
define defines defined defining definition definitions
large big huge massive enormous giant
small tiny little
fast quick quickly speedy rapid
slow sluggish
expensive
whole entire
error errors exception exceptions
problem problems issue issues
function functions func funcs fn
parameter parameters param params
attribute attributes attr attrs
dictionary dictionaries dict dicts
integer integers int ints
string strings str
boolean booleans bool bools
database databases db dbs
configuration config configs configure configured
application applications app apps
repository repositories repo repos
environment environments env envs
production prod
library libraries lib libs
asynchronous asynchronously async
synchronous synchronously sync
lazy lazily
store stores stored storing save saves saved saving
show shows showed shown demonstrate demonstrates demonstrated prove proves proved
inspect inspects inspected examine examines examined
hard difficult tricky
confusing confused unclear
surprising surprise surprised unexpected unexpectedly
fragile brittle
start starts started starting begin begins began begun beginning
need needs needed require requires required requirement necessary
use uses used using utilise utilize utilises utilizes employ
avoid avoids avoided prevent prevents prevented
happen happens happened occur occurs occurred
remove removes removed removing delete deletes deleted eliminate eliminates eliminated
check checks checked checking verify verifies verified
immediately instantly
maintain maintains maintained maintenance maintainable
choose chooses chose chosen choosing pick picks picked
break breaks broke broken breaking
write writes wrote written writing
take takes took taken taking
grow grows grew grown growing
throw throws threw thrown
know knows knew known
catalog catalogue
authentication authn
authorization authz
connection connections conn conns
transaction transactions txn txns
kubernetes k8s
permission permissions perms
credential credentials creds
dependency dependencies deps
implementation implementations impl
center centre centred centered
"""

# British spellings folded to American before stemming: "serialise" and "serialize" stem apart.
_ISE = re.compile(r"(?<=\w\w\w)is(e|ed|es|ing|er|ers|ation|ations)$")
_YSE = re.compile(r"(?<=\w)ys(e|ed|es|ing)$")
_OUR = re.compile(r"(?<=\w\w\w)our(s|ed|ing|ite|ites|able)?$")


def americanise(word: str) -> str:
    """``behaviour`` -> ``behavior``, ``optimisation`` -> ``optimization``, ``analyse`` -> ``analyze``."""
    if len(word) < 5 or ("is" not in word and "ys" not in word and "our" not in word):
        return word  # most words: none of the three patterns can match, so their passes are skipped
    word = _ISE.sub(r"iz\1", word)
    word = _YSE.sub(r"yz\1", word)
    return _OUR.sub(lambda m: "or" + (m.group(1) or ""), word)
