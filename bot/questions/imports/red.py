"""Red-DiscordBot trivia lists: a YAML mapping of question → accepted answers, with AUTHOR,
DESCRIPTION and CONFIG. Every scalar is read as the text written (`yes`, `True`, `6` stay
text: they are answers), anchors and aliases are refused; each question becomes a `short`
question with those answers."""

from __future__ import annotations

import yaml

from bot.questions.imports.draft import Draft, Problems, build, decode, stem, the_answer_is
from bot.questions.parse import PackLoader
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError

# Red's CONFIG keys (redbot/cogs/trivia/schema.py); any other key is an error there too.
CONFIG_KEYS = frozenset(
    {
        "bot_plays",
        "delay",
        "timeout",
        "max_score",
        "reveal_answer",
        "payout_multiplier",
        "use_spoilers",
    }
)
_META = frozenset({"AUTHOR", "DESCRIPTION", "CONFIG", "$schema"})
_NAMES = {"accepted": "answers", "prompt": "question"}


class TextLoader(PackLoader):
    """The pack loader (no anchors, bounded) where every plain scalar stays text."""


TextLoader.yaml_implicit_resolvers = {}


def compose(text: str, name: str) -> yaml.Node | None:
    """The YAML node tree (lines kept), or PackError at the line YAML stopped at."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PACK_BYTES:
        raise PackError([f"{name}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    loader: TextLoader | None = None
    try:
        loader = TextLoader(text)  # the reader refuses unprintable characters here
        return loader.get_single_node()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = getattr(e, "line", None) or (mark.line + 1 if mark is not None else 1)
        problem = getattr(e, "message", None) or getattr(e, "problem", None) or str(e)
        raise PackError([f"{name}:{line}: (yaml): {problem}"]) from None
    except RecursionError:
        raise PackError([f"{name}:1: (yaml): nested too deeply"]) from None
    finally:
        if loader is not None:
            loader.dispose()


def is_red(node: yaml.Node | None) -> bool:
    """A mapping of questions to lists of answers (at least one), and not one of our packs
    (those have `questions`)."""
    if not isinstance(node, yaml.MappingNode):
        return False
    keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    lists = any(
        isinstance(v, yaml.SequenceNode)
        for k, v in node.value
        if isinstance(k, yaml.ScalarNode) and k.value not in _META
    )
    return "questions" not in keys and lists


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    text = decode(data, filename)
    node = compose(text, filename)
    problems = Problems()
    if not isinstance(node, yaml.MappingNode):
        raise PackError([f"{filename}:1: (list): a trivia list is a mapping of question: answers"])
    list_name = stem(filename)
    author = description = ""
    drafts: list[Draft] = []
    for key, value in node.value:
        line = key.start_mark.line + 1
        at = f"{filename}:{line}"
        if not isinstance(key, yaml.ScalarNode):
            problems.add(at, "(question)", "a question must be text")
            continue
        k = key.value
        if k in ("AUTHOR", "DESCRIPTION", "$schema"):
            if not isinstance(value, yaml.ScalarNode):
                problems.add(at, k, "must be text")
            elif k == "AUTHOR":
                author = value.value.strip()
            elif k == "DESCRIPTION":
                description = value.value.strip()
            continue
        if k == "CONFIG":
            _check_config(value, filename, problems)
            continue
        answers = _answers(value, at, problems)
        if answers is not None:
            drafts.append(Draft(at=at, kind="short", prompt=k, accepted=answers, names=_NAMES))
    problems.raise_if_any()
    by = f" by {author}" if author else ""
    credit = f"From the Red-DiscordBot trivia list '{list_name}'{by}."
    for d in drafts:
        d.explanation = f"{the_answer_is(d.accepted[0])} {credit}".strip()
    return build(
        drafts,
        filename,
        title=description or f"Trivia: {list_name}",
        topic=list_name,
        pack_id=pack_id,
        header=(f"Converted from the Red-DiscordBot trivia list {filename}", f"AUTHOR: {author}")
        if author
        else (f"Converted from the Red-DiscordBot trivia list {filename}",),
    )


def _answers(value: yaml.Node, at: str, problems: Problems) -> list[str] | None:
    if not isinstance(value, yaml.SequenceNode):
        problems.add(at, "answers", "a question's answers are a list (one `- answer` a line)")
        return None
    out = []
    for item in value.value:
        if not isinstance(item, yaml.ScalarNode):
            problems.add(
                f"{at.rsplit(':', 1)[0]}:{item.start_mark.line + 1}",
                "answers",
                "an answer must be text or a number",
            )
            return None
        out.append(item.value.strip())
    if not any(out):
        problems.add(at, "answers", "needs at least one accepted answer")
        return None
    return [a for a in out if a]


def _check_config(value: yaml.Node, filename: str, problems: Problems) -> None:
    at = f"{filename}:{value.start_mark.line + 1}"
    if not isinstance(value, yaml.MappingNode):
        problems.add(at, "CONFIG", "must be a mapping of settings")
        return
    for k, _ in value.value:
        if not isinstance(k, yaml.ScalarNode) or k.value not in CONFIG_KEYS:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            problems.add(
                f"{filename}:{k.start_mark.line + 1}",
                f"CONFIG.{name}",
                "unknown setting; Red knows " + ", ".join(sorted(CONFIG_KEYS)),
            )
