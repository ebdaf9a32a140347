"""A small WCAG 2.1 checker for server-rendered pages, on the standard library's HTML parser.

It checks what a screen-reader or keyboard user meets before any script runs: the page's
language and direction, one h1 and no skipped heading level, one main landmark and a skip
link that reaches it, a name for every form control, radio groups in a named group, ids
that ``for`` / ``aria-*`` point at, data tables with a caption and scoped header cells, a
text alternative for every image and SVG picture, no page that reloads itself, and live
regions that stay in the page while their content changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def all_text(self) -> str:
        return " ".join(
            ["".join(self.text)] + [child.all_text() for child in self.children]
        ).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Node(tag, {key: value or "" for key, value in attrs}, self.current)
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


UNNAMED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


def problems(html: str) -> list[str]:
    """What a WCAG 2.1 AA review would flag in this page's markup."""
    root = parse(html)
    nodes = list(root.descendants())
    by_id: dict[str, Node] = {}
    found: list[str] = []
    for node in nodes:
        if "id" in node.attrs:
            if node.attrs["id"] in by_id:
                found.append(f"duplicate id {node.attrs['id']!r}")
            by_id[node.attrs["id"]] = node

    html_nodes = [node for node in nodes if node.tag == "html"]
    if not html_nodes or not html_nodes[0].attrs.get("lang"):
        found.append("<html> without lang")
    elif html_nodes[0].attrs.get("dir") not in {"ltr", "rtl"}:
        found.append("<html> without dir")

    headings = [node for node in nodes if node.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    h1s = [node for node in headings if node.tag == "h1"]
    if len(h1s) != 1:
        found.append(f"{len(h1s)} h1 elements")
    level = 0
    for heading in headings:
        this = int(heading.tag[1])
        if this > level + 1:
            found.append(f"heading level skipped: h{level} then {heading.tag}")
        level = this

    mains = [node for node in nodes if node.tag == "main"]
    if len(mains) != 1:
        found.append(f"{len(mains)} main landmarks")
    skip = [node for node in nodes if node.tag == "a" and node.attrs.get("href") == "#main"]
    if not skip or "main" not in by_id:
        found.append("no skip link to #main")

    for node in nodes:
        for attribute in ("aria-describedby", "aria-labelledby"):
            for target in node.attrs.get(attribute, "").split():
                if target not in by_id:
                    found.append(f"{attribute}={target!r} points at no element")
        if node.tag == "label" and node.attrs.get("for") and node.attrs["for"] not in by_id:
            found.append(f"label for={node.attrs['for']!r} points at no element")
        if node.tag == "meta" and node.attrs.get("http-equiv", "").lower() == "refresh":
            found.append("meta refresh reloads the page with no way to stop it")
        if (
            node.attrs.get("tabindex", "0").lstrip("-").isdigit()
            and int(node.attrs.get("tabindex", "0")) > 0
        ):
            found.append(f"positive tabindex on <{node.tag}>")
        if node.tag == "img" and "alt" not in node.attrs:
            found.append(f"img without alt: {node.attrs.get('src')}")
        if node.tag == "svg" and node.attrs.get("aria-hidden") != "true":
            named = node.attrs.get("aria-label") or node.attrs.get("aria-labelledby")
            titled = any(child.tag == "title" for child in node.children)
            if node.attrs.get("role") != "img" or not (named or titled):
                found.append(f"svg {node.attrs.get('id', '')!r} without role=img and a name")
        if (node.attrs.get("aria-live") or node.attrs.get("role") in {"status", "log"}) and (
            node.attrs.get("hx-swap", "").startswith("outerHTML")
        ):
            found.append(
                f"live region #{node.attrs.get('id')} replaces itself: updates are not announced"
            )
        if node.tag in {"input", "select", "textarea"}:
            kind = node.attrs.get("type", "text").lower() if node.tag == "input" else node.tag
            if kind in UNNAMED_INPUTS:
                continue
            labelled = (
                node.attrs.get("aria-label")
                or node.attrs.get("aria-labelledby")
                or node.attrs.get("title")
                or any(ancestor.tag == "label" for ancestor in node.ancestors())
                or any(
                    other.tag == "label" and other.attrs.get("for") == node.attrs.get("id")
                    for other in nodes
                    if node.attrs.get("id")
                )
            )
            if not labelled:
                found.append(f"<{node.tag} name={node.attrs.get('name')!r}> has no label")
            if kind == "radio":
                groups = [
                    ancestor
                    for ancestor in node.ancestors()
                    if (
                        ancestor.tag == "fieldset"
                        and any(child.tag == "legend" for child in ancestor.children)
                    )
                    or (
                        ancestor.attrs.get("role") in {"radiogroup", "group"}
                        and (
                            ancestor.attrs.get("aria-labelledby")
                            or ancestor.attrs.get("aria-label")
                        )
                    )
                ]
                if not groups:
                    found.append(f"radio {node.attrs.get('name')!r} outside a named group")
        if (
            node.tag == "table"
            and node.attrs.get("role") != "presentation"
            and not any(child.tag == "caption" for child in node.children)
            and not (node.attrs.get("aria-label") or node.attrs.get("aria-labelledby"))
        ):
            found.append("table without caption")
        if node.tag == "th" and node.attrs.get("scope") not in {"col", "row", "colgroup"}:
            found.append(f"th without scope: {node.all_text()[:30]!r}")
    return found
