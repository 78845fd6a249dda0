"""Pieces of hostile submissions shared by the sandbox tests and the hostile-grading benchmark.

``TAKE_CHANNEL`` is how a submission takes the result channel over: it finds the harness's
channel on the stack, keeps a copy of its descriptor as ``RESULT`` and points the original at
/dev/null, so the harness's own frames go nowhere and the submission writes every frame itself.
"""

TAKE_CHANNEL = r'''
import os, sys
_frame = sys._getframe()
while _frame is not None and "channel" not in _frame.f_locals:
    _frame = _frame.f_back
RESULT = os.dup(_frame.f_locals["channel"].fd)
os.dup2(os.open("/dev/null", os.O_WRONLY), _frame.f_locals["channel"].fd)
del _frame
'''
