"""Machine-readable results of a make grade run, for course autograders and CI:

    results.json   Gradescope's autograder format: "tests" (name, score, max_score, status,
                   output), "score" (the total) and "execution_time" (seconds)
    results.xml    JUnit XML (<testsuites><testsuite name="sloth"><testcase>...), which CI
                   systems show as a test report

A test's max_score is its weight in tests/suite.py; a passed test scores all of it, a failed
one nothing. A failed test's output is the reason it failed and the last lines of its log.
"""
import json
import os
import re
import xml.etree.ElementTree as ET

TAIL_LINES = 12


class Result:
    def __init__(self, test, ok, seconds, reason="", log=None):
        self.test, self.ok, self.seconds, self.reason, self.log = test, ok, seconds, reason, log


def tail(path, n=TAIL_LINES):
    """The last n lines of the file at path (none if it cannot be read)."""
    try:
        with open(path, errors="replace") as f:
            return [l.rstrip("\r") for l in f.read().rstrip("\n").split("\n")[-n:]]
    except (OSError, TypeError):
        return []


def failure_output(r):
    lines = tail(r.log)
    if not lines:
        return r.reason
    return "%s\n\nlast lines of %s:\n%s" % (r.reason, r.log, "\n".join(lines))


def gradescope(results, seconds):
    tests = []
    for r in results:
        tests.append({
            "name": r.test.name,
            "score": float(r.test.weight if r.ok else 0),
            "max_score": float(r.test.weight),
            "status": "passed" if r.ok else "failed",
            "output": "passed in %.1f s" % r.seconds if r.ok else failure_output(r),
        })
    passed = sum(1 for r in results if r.ok)
    return {
        "score": sum(t["score"] for t in tests),
        "execution_time": round(seconds, 1),
        "output": "%d passed, %d failed" % (passed, len(results) - passed),
        "tests": tests,
    }


# Characters XML 1.0 cannot hold even as references (a console log may carry any byte).
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s):
    return XML_INVALID.sub(lambda m: "\\x%02x" % ord(m.group()), s)


def junit(results, seconds):
    failures = sum(1 for r in results if not r.ok)
    top = ET.Element("testsuites", tests=str(len(results)), failures=str(failures),
                     time="%.1f" % seconds)
    suite = ET.SubElement(top, "testsuite", name="sloth", tests=str(len(results)),
                          failures=str(failures), errors="0", skipped="0", time="%.1f" % seconds)
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="sloth", name=r.test.name,
                             time="%.1f" % r.seconds)
        if not r.ok:
            failure = ET.SubElement(case, "failure", message=xml_text(r.reason))
            failure.text = xml_text(failure_output(r))
    return ET.tostring(top, encoding="unicode", xml_declaration=True) + "\n"


def write(directory, results, seconds):
    """Writes results.json and results.xml into directory; returns their paths."""
    os.makedirs(directory, exist_ok=True)
    paths = os.path.join(directory, "results.json"), os.path.join(directory, "results.xml")
    with open(paths[0], "w") as f:
        json.dump(gradescope(results, seconds), f, indent=2)
        f.write("\n")
    with open(paths[1], "w") as f:
        f.write(junit(results, seconds))
    return paths
