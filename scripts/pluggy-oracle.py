"""Differential check of Sluice's hook manager against the real pluggy.

Generates random hook-order cases (the format of docs/conformance.md), answers them with pluggy,
and prints them as JSON lines. Compare with `scripts/conformance.ts hook-order`:

    python3 scripts/pluggy-oracle.py 2000 > /tmp/cases.jsonl
    npx tsx scripts/conformance.ts hook-order < /tmp/cases.jsonl | npx tsx scripts/compare-answers.ts /tmp/cases.jsonl

Arguments: COUNT SEED [KIND], KIND being `mixed` (the default), `order` or `historic`.

Besides the format of docs/conformance.md, a quarter of the mixed cases are historic ones
(`"historic": true`, an extension of the format that only this oracle produces): the hook is
historic, and `historic_calls` lists calls `{after, x, exclude}`, each made once the first `after`
impls are registered, through a subset caller leaving out the ids in `exclude` (or through the
hook itself when `exclude` is empty). Impls record `"pN@x"` and are never wrappers; `result` lists
what the result callback received, in order, up to the error if one escaped (from the call, or from
`register` replaying an earlier call). Excluded ids are always registered before the call: pluggy
excludes plugin objects and Sluice excludes names, which differ only for plugins registered later.
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


def make_case(rng, index, kind="mixed"):
    if kind == "historic" or (kind == "mixed" and rng.random() < 0.25):
        return make_historic_case(rng, index)
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


def make_historic_case(rng, index):
    impls = []
    for n in range(rng.randint(0, 6)):
        order = rng.choice(["plain", "plain", "tryfirst", "trylast"])
        impls.append(
            {
                "id": f"p{n}",
                "wrapper": False,
                "tryfirst": order == "tryfirst",
                "trylast": order == "trylast",
                "raises": rng.random() < 0.04,
                "returns": rng.choice([None, n, n * 10]),
            }
        )
    calls = []
    for x in range(1, rng.randint(1, 3) + 1):
        after = rng.randint(0, len(impls))
        registered = [entry["id"] for entry in impls[:after]]
        exclude = [pid for pid in registered if rng.random() < 0.4] if rng.random() < 0.7 else []
        calls.append({"after": after, "x": x, "exclude": exclude})
    calls.sort(key=lambda call: call["after"])
    return {
        "id": f"oracle-{index:05d}",
        "description": "historic calls, through subset callers, replayed to later plugins",
        "firstresult": False,
        "historic": True,
        "impls": impls,
        "historic_calls": calls,
    }


def answer(case):
    if case.get("historic"):
        return answer_historic(case)

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


def answer_historic(case):
    class Spec:
        @spec(historic=True)
        def h(self, x):
            pass

    pm = pluggy.PluginManager("oracle")
    pm.add_hookspecs(Spec)
    calls, results, plugins = [], [], {}
    try:
        for position in range(len(case["impls"]) + 1):
            for call in case["historic_calls"]:
                if call["after"] != position:
                    continue
                caller = (
                    pm.subset_hook_caller("h", [plugins[pid] for pid in call["exclude"]])
                    if call["exclude"]
                    else pm.hook.h
                )
                caller.call_historic(result_callback=results.append, kwargs={"x": call["x"]})
            if position < len(case["impls"]):
                entry = case["impls"][position]
                plugins[entry["id"]] = build_historic_plugin(entry, calls)
                pm.register(plugins[entry["id"]], name=entry["id"])
        return {"calls": calls, "result": results, "error": None, "error_from": None}
    except Raised as error:
        return {"calls": calls, "result": results, "error": "raised", "error_from": error.source}


def build_historic_plugin(entry, calls):
    @impl(tryfirst=entry["tryfirst"], trylast=entry["trylast"])
    def h(x):
        calls.append(f"{entry['id']}@{x}")
        if entry["raises"]:
            raise Raised(entry["id"])
        return entry["returns"]

    return type("Plugin", (), {"h": staticmethod(h)})()


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
    kind = sys.argv[3] if len(sys.argv) > 3 else "mixed"
    if kind not in ("mixed", "order", "historic"):
        sys.exit(f"unknown KIND {kind!r}: use mixed, order or historic")
    for i in range(count):
        case = make_case(rng, i, kind)
        case["expected"] = answer(case)
        print(json.dumps(case))
