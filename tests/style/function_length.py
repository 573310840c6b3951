#!/usr/bin/python3
"""Lists C++ function bodies longer than a limit (default 80 lines).

    function_length.py [--limit 80] DIR...

A body is a brace block opened at depth 0 (or inside a namespace, class or
struct) right after a ')' (optionally followed by const/override/noexcept/
-> type/an initialiser list); lambdas count toward the function they are in.
Exits 1 when any function is over the limit, printing FILE:LINE: N lines.
"""
import argparse
import pathlib
import re
import sys

OPENERS = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;{()]*$")
STRINGS = re.compile(r'R"([^(]*)\((?:.|\n)*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
COMMENTS = re.compile(r"//[^\n]*|/\*(?:.|\n)*?\*/")


def blank(match):
    return re.sub(r"[^\n]", " ", match.group(0))


def functions(text):
    text = COMMENTS.sub(blank, text)
    text = STRINGS.sub(blank, text)
    stack = []  # (kind, start line): kind 'scope' (namespace/class) or 'func' or 'block'
    line = 1
    last = 0
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            head = text[last:i]
            in_function = any(k == "func" for k, _ in stack)
            if in_function:
                stack.append(("block", line))
            elif OPENERS.search(head.split(";")[-1].split("}")[-1]):
                stack.append(("scope", line))
            elif re.search(r"\)\s*(const|override|noexcept|final|mutable|\s|->\s*[\w:<>,&* ]+)*$", head) or re.search(
                    r"\)\s*:\s*[^;]*$", head):
                stack.append(("func", line))
            else:
                stack.append(("block", line))
            last = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "func":
                    yield start, line - start + 1
            last = i + 1
        elif c == ";":
            last = i + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=80)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    over = []
    for d in args.dirs:
        for path in sorted(pathlib.Path(d).rglob("*")):
            if path.suffix not in (".cpp", ".h", ".cc", ".hpp"):
                continue
            for start, n in functions(path.read_text(errors="replace")):
                if n > args.limit:
                    over.append(f"{path}:{start}: {n} lines")
    for o in over:
        print(o)
    print(f"{len(over)} function(s) longer than {args.limit} lines", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
