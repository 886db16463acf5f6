"""Differential check of Sluice's hook manager against the real pluggy.

Generates random hook-order cases (the format of docs/conformance.md), answers them with pluggy,
and prints them as JSON lines. Compare with `scripts/conformance.ts hook-order`:

    python3 scripts/pluggy-oracle.py 2000 > /tmp/cases.jsonl
    npx tsx scripts/conformance.ts hook-order < /tmp/cases.jsonl | npx tsx scripts/compare-answers.ts /tmp/cases.jsonl
"""
import json
import random
import sys

import pluggy

spec = pluggy.HookspecMarker("oracle")
impl = pluggy.HookimplMarker("oracle")


class Raised(Exception):
    def __init__(self, source):
        super().__init__(source)
        self.source = source


def make_case(rng, index):
    firstresult = rng.random() < 0.3
    impls = []
    for n in range(rng.randint(0, 7)):
        wrapper = rng.random() < 0.3
        order = rng.choice(["plain", "plain", "tryfirst", "trylast"])
        entry = {
            "id": f"p{n}",
            "wrapper": wrapper,
            "tryfirst": order == "tryfirst",
            "trylast": order == "trylast",
            "raises": (not wrapper) and rng.random() < 0.12,
            "returns": rng.choice([None, None, n, n * 10]),
        }
        if wrapper:
            entry["raise_phase"] = rng.choice([None, None, None, "before", "after"])
        impls.append(entry)
    return {"id": f"oracle-{index:05d}", "firstresult": firstresult, "impls": impls}


def answer(case):
    class Spec:
        @spec(firstresult=case["firstresult"])
        def h(self, x):
            pass

    pm = pluggy.PluginManager("oracle")
    pm.add_hookspecs(Spec)
    calls = []
    for entry in case["impls"]:
        pm.register(build_plugin(entry, calls), name=entry["id"])
    try:
        result = pm.hook.h(x=1)
        return {"calls": calls, "result": result, "error": None, "error_from": None}
    except Raised as error:
        return {"calls": calls, "result": None, "error": "raised", "error_from": error.source}


def build_plugin(entry, calls):
    opts = {"tryfirst": entry["tryfirst"], "trylast": entry["trylast"]}
    if entry["wrapper"]:
        @impl(wrapper=True, **opts)
        def h(x):
            calls.append(entry["id"] + ":before")
            if entry.get("raise_phase") == "before":
                raise Raised(entry["id"])
            try:
                inner = yield
            finally:
                calls.append(entry["id"] + ":after")
                if entry.get("raise_phase") == "after":
                    raise Raised(entry["id"])
            return entry["returns"] if entry["returns"] is not None else inner
    else:
        @impl(**opts)
        def h(x):
            calls.append(entry["id"])
            if entry["raises"]:
                raise Raised(entry["id"])
            return entry["returns"]

    return type("Plugin", (), {"h": staticmethod(h)})()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    for i in range(count):
        case = make_case(rng, i)
        case["expected"] = answer(case)
        print(json.dumps(case))
