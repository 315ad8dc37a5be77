#!/usr/bin/env python3
"""Derives element-order facts from real 1C Designer XML dumps (format 2.9).

Usage: scripts/1c-order.py OUT.json DIR [DIR ...] [--order-only DIR ...]

DIRs after --order-only (configuration extensions: their adopted objects
carry only the properties the extension changes) count for "order" and
"free" but not for "required".

For every element kind it records the facts below, keyed "TOP:parent>element"
by local names (the dump uses namespaces throughout). TOP is the file's kind:
the object of a MetaDataObject file (Constant, InformationRegister, ...), its
owner's folder prepended for a form or template of an object
("DataProcessors.Form": the platform writes other properties for them than
for a catalog's form), else the root element (Form for Form.xml, document for
a spreadsheet, Rights for a role's rights). Form items nest in ChildItems at
any depth, so "Form:ChildItems>InputField" covers every input field.
  order    - the child element names in the order the platform writes them
             (a topological order of every observed "a is written before b");
  free     - pairs observed in both orders (lists such as ChildItems, whose
             order is the developer's, not the platform's);
  required - children present in every observed instance of a full
             configuration: the platform writes them unconditionally. For the
             Properties of a metadata object (a MetaDataObject file) one
             instance suffices - the Designer writes every property of an
             object; elsewhere (forms, templates, rights) the kind must have
             been seen at least 3 times;
  seen     - how many instances the facts come from.
Besides "kinds" (the facts above) the file holds "contained_classes", the
ClassIds of the ContainedObjects of a full configuration's Configuration.xml
(the platform's set for this format), and "rights", the right names per object
kind found in roles' Rights.xml files, in the platform's order.
The test tests/dump_order.rs checks our dumps against this file.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def local(tag):
    return tag.rsplit("}", 1)[-1]


def file_kind(rel, root):
    """TOP of the key: see the module's doc (tests/dump_order.rs does the same)."""
    if local(root.tag) != "MetaDataObject":
        return local(root.tag)
    top = local(next(iter(root)).tag)
    parts = rel.replace(os.sep, "/").split("/")
    if len(parts) >= 4 and parts[-2] in ("Forms", "Templates", "Commands"):
        top = parts[-4] + "." + top
    return top


def main():
    out = sys.argv[1]
    before = defaultdict(set)   # key -> {(a, b)}
    children = defaultdict(set)
    present = defaultdict(lambda: defaultdict(int))
    seen = defaultdict(int)
    meta = set()
    files = 0
    contained = set()
    rights = defaultdict(list)
    full = True
    for root_dir in sys.argv[2:]:
        if root_dir == "--order-only":
            full = False
            continue
        for base, _, names in os.walk(root_dir):
            for n in sorted(names):
                if not n.endswith(".xml"):
                    continue
                try:
                    tree = ET.parse(os.path.join(base, n))
                except ET.ParseError:
                    continue
                files += 1
                rel = os.path.relpath(os.path.join(base, n), root_dir)
                top = file_kind(rel, tree.getroot())
                is_meta = local(tree.getroot().tag) == "MetaDataObject"
                if full and top == "Configuration":
                    for el in tree.iter():
                        if local(el.tag) == "ClassId":
                            contained.add(el.text)
                if top == "Rights":
                    for obj in tree.getroot():
                        if local(obj.tag) != "object":
                            continue
                        name = [c.text for c in obj if local(c.tag) == "name"][0]
                        kind = ".".join(p for i, p in enumerate(name.split(".")) if i % 2 == 0)
                        for r in obj:
                            if local(r.tag) == "right":
                                rn = [c.text for c in r if local(c.tag) == "name"][0]
                                if rn not in rights[kind]:
                                    rights[kind].append(rn)
                stack = [("", tree.getroot())]
                while stack:
                    parent, el = stack.pop()
                    key = top + ":" + parent + ">" + local(el.tag)
                    kids = [local(c.tag) for c in el]
                    if full:
                        if is_meta and key.endswith(">Properties"):
                            meta.add(key)
                        seen[key] += 1
                        for k in set(kids):
                            present[key][k] += 1
                    children[key].update(kids)
                    for i, a in enumerate(kids):
                        for b in kids[i + 1:]:
                            if a != b:
                                before[key].add((a, b))
                    stack.extend((local(el.tag), c) for c in el)
    facts = {}
    for key in sorted(children):
        if not children[key]:
            continue
        pairs = before[key]
        free = sorted({tuple(sorted(p)) for p in pairs if (p[1], p[0]) in pairs})
        edges = {p for p in pairs if (p[1], p[0]) not in pairs}
        # Kahn's algorithm; ties broken by first appearance count (stable output).
        nodes = sorted(children[key])
        indeg = {n: 0 for n in nodes}
        for a, b in edges:
            indeg[b] += 1
        order = []
        ready = sorted(n for n in nodes if indeg[n] == 0)
        while ready:
            n = ready.pop(0)
            order.append(n)
            for a, b in sorted(edges):
                if a == n:
                    indeg[b] -= 1
                    if indeg[b] == 0:
                        ready.append(b)
            ready.sort()
        if len(order) != len(nodes):
            # A cycle through three or more kinds: keep them, unordered.
            rest = [n for n in nodes if n not in order]
            order += rest
            free += [tuple(sorted((a, b))) for a in rest for b in nodes if a < b or b not in rest]
            free = sorted(set(free))
        entry = {"seen": seen[key], "order": order}
        if free:
            entry["free"] = [list(p) for p in free]
        if seen[key] >= (1 if key in meta else 3):
            req = [c for c in order if present[key][c] == seen[key]]
            if req:
                entry["required"] = req
        facts[key] = entry
    with open(out, "w", encoding="utf-8") as f:
        doc = {
            "contained_classes": sorted(contained),
            "rights": dict(sorted(rights.items())),
            "kinds": facts,
        }
        json.dump(doc, f, ensure_ascii=False, indent=0, sort_keys=True)
        f.write("\n")
    print(f"{files} files, {len(facts)} element kinds -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
