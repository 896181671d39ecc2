"""A small, safe arithmetic expression language for Deforum keyframe values.

Deforum evaluates keyframe expressions such as ``1.04+0.02*sin(2*3.14*t/30)`` with numexpr. numexpr's
``evaluate`` parses with Python's ``eval``; this module instead parses the same language with a
recursive-descent parser of its own and evaluates the tree with NumPy, vectorised over frames. Nothing
but numbers, the named variables and the listed functions can ever be reached.

Grammar (Python's precedence, as numexpr uses Python's parser)::

    comparison := bitor [("<" | "<=" | ">" | ">=" | "==" | "!=") bitor]
    bitor      := bitand ("|" bitand)*
    bitand     := additive ("&" additive)*
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "/" | "//" | "%") unary)*
    unary      := ("-" | "+" | "~") unary | power
    power      := atom ["**" unary]
    atom       := NUMBER | NAME | NAME "(" [comparison ("," comparison)*] ")" | "(" comparison ")"

Division is true division; ``&``, ``|`` and ``~`` are logical on comparisons and bitwise on integers (as in
numexpr). Trees deeper than ``MAX_DEPTH`` are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import InputError


def _where(cond, a, b):
    return np.where(np.asarray(cond) != 0, a, b)


#: Functions an expression may call, with their number of arguments (numexpr's set plus a few).
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, np.sin), "cos": (1, np.cos), "tan": (1, np.tan),
    "arcsin": (1, np.arcsin), "arccos": (1, np.arccos), "arctan": (1, np.arctan), "arctan2": (2, np.arctan2),
    "sinh": (1, np.sinh), "cosh": (1, np.cosh), "tanh": (1, np.tanh),
    "arcsinh": (1, np.arcsinh), "arccosh": (1, np.arccosh), "arctanh": (1, np.arctanh),
    "sqrt": (1, np.sqrt), "abs": (1, np.abs), "exp": (1, np.exp), "expm1": (1, np.expm1),
    "log": (1, np.log), "log10": (1, np.log10), "log1p": (1, np.log1p),
    "floor": (1, np.floor), "ceil": (1, np.ceil), "round": (1, np.round),
    "where": (3, _where), "min": (2, np.minimum), "max": (2, np.maximum),
}  # fmt: skip

#: Constants every expression may use besides its variables (numexpr has none; these are conveniences).
CONSTANTS: dict[str, float] = {"pi": float(np.pi), "e": float(np.e)}

_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|//|<=|>=|==|!=|[-+*/%()<>,&|~]))"
)


class ExpressionError(InputError):
    """An expression is malformed; the message says at which character."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos]!r} at character {pos + 1} of {text!r}")
        kind = match.lastgroup or "op"
        start = match.start(kind)
        tokens.append(_Token(kind, match.group(kind), start))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# A node is a tuple: ("num", value) | ("var", name) | ("call", name, args) | ("un", op, x) | ("bin", op, a, b)
Node = tuple


class _Parser:
    def __init__(self, text: str, variables: frozenset[str]) -> None:
        self.text = text
        self.variables = variables
        self.tokens = _tokenize(text)
        self.i = 0

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        token = token or self.tokens[self.i]
        where = "at the end" if token.kind == "end" else f"at character {token.pos + 1}"
        return ExpressionError(f"{message} {where} of {self.text!r}")

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self, *ops: str) -> _Token | None:
        token = self.tokens[self.i]
        if token.kind == "op" and token.text in ops:
            self.i += 1
            return token
        return None

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.error("empty expression")
        node = self.comparison()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().text!r}")
        return node

    def comparison(self) -> Node:
        node = self.bitor()
        token = self.take("<", "<=", ">", ">=", "==", "!=")
        if token:
            node = ("bin", token.text, node, self.bitor())
            if self.take("<", "<=", ">", ">=", "==", "!="):
                raise self.error("chained comparisons are not supported", self.tokens[self.i - 1])
        return node

    def bitor(self) -> Node:
        node = self.bitand()
        while self.take("|"):
            node = ("bin", "|", node, self.bitand())
        return node

    def bitand(self) -> Node:
        node = self.additive()
        while self.take("&"):
            node = ("bin", "&", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while token := self.take("+", "-"):
            node = ("bin", token.text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while token := self.take("*", "/", "//", "%"):
            node = ("bin", token.text, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.take("-", "+", "~")
        if token:
            return ("un", token.text, self.unary())
        return self.power()

    def power(self) -> Node:
        node = self.atom()
        if self.take("**"):
            node = ("bin", "**", node, self.unary())
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token.kind == "number":
            self.i += 1
            return ("num", float(token.text))
        if token.kind == "name":
            self.i += 1
            if self.take("("):
                return self.call(token)
            if token.text in self.variables:
                return ("var", token.text)
            if token.text in CONSTANTS:
                return ("num", CONSTANTS[token.text])
            variables, constants = ", ".join(sorted(self.variables)), ", ".join(sorted(CONSTANTS))
            raise self.error(f"unknown name {token.text!r} (variables: {variables}; constants: {constants})", token)
        if self.take("("):
            node = self.comparison()
            if not self.take(")"):
                raise self.error("missing ')'")
            return node
        if token.kind == "end":
            raise self.error("expression ends too early")
        raise self.error(f"unexpected {token.text!r}")

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            raise self.error(f"unknown function {name.text!r}", name)
        args: list[Node] = []
        if not self.take(")"):
            args.append(self.comparison())
            while self.take(","):
                args.append(self.comparison())
            if not self.take(")"):
                raise self.error("missing ')' after function arguments")
        arity = FUNCTIONS[name.text][0]
        if len(args) != arity:
            raise self.error(f"{name.text}() takes {arity} argument(s), got {len(args)}", name)
        return ("call", name.text, tuple(args))


_BINARY: dict[str, Callable] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "//": np.floor_divide,
    "%": np.mod, "**": np.power,
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal,
    "&": lambda a, b: _bitwise(np.logical_and, np.bitwise_and, a, b),
    "|": lambda a, b: _bitwise(np.logical_or, np.bitwise_or, a, b),
}  # fmt: skip


def _bitwise(logical: Callable, bitwise: Callable, a, b):
    """numexpr's ``&`` and ``|``: logical on comparisons, bitwise on integers (``1 & 2`` is 0)."""
    if np.asarray(a).dtype == bool or np.asarray(b).dtype == bool:
        return logical(a, b)
    return bitwise(np.asarray(a).astype(np.int64), np.asarray(b).astype(np.int64))


def _evaluate(node: Node, env: Mapping[str, np.ndarray | float]):
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "un":
        value = _evaluate(node[2], env)
        if node[1] == "-":
            return np.negative(value)
        if node[1] == "~":  # numexpr: logical on a comparison, bitwise on an integer (~1 is -2)
            if np.asarray(value).dtype == bool:
                return np.logical_not(value)
            return np.invert(np.asarray(value).astype(np.int64))
        return value
    if kind == "bin":
        return _BINARY[node[1]](_evaluate(node[2], env), _evaluate(node[3], env))
    args = [_evaluate(a, env) for a in node[2]]
    return FUNCTIONS[node[1]][1](*args)


@dataclass(frozen=True)
class Expression:
    """A parsed expression; call :meth:`evaluate` with values (scalars or arrays) for its variables."""

    text: str
    tree: Node
    variables: frozenset[str]

    def evaluate(self, **values) -> np.ndarray:
        missing = self.variables - set(values)
        if missing:
            raise ValueError(f"missing variables {sorted(missing)} for {self.text!r}")
        env = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
        with np.errstate(all="ignore"):
            return np.asarray(_evaluate(self.tree, env), dtype=np.float64)


def parse_expression(text: str, *, variables: frozenset[str] | set[str] = frozenset({"t"})) -> Expression:
    """Parse ``text``; raises :class:`ExpressionError` saying where when it is malformed."""
    variables = frozenset(variables)
    try:
        tree = _Parser(text, variables).parse()
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)") from None
    if _depth(tree) > MAX_DEPTH:  # evaluation recurses too: 5000 chained '+' would overflow it
        raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)")
    return Expression(text, tree, variables)


#: Deepest expression tree accepted (far beyond any schedule a person writes; well within Python's stack).
MAX_DEPTH = 200


def _depth(tree: Node) -> int:
    """Depth of a parsed tree, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if node[0] == "un":
            stack.append((node[2], level + 1))
        elif node[0] == "bin":
            stack.extend(((node[2], level + 1), (node[3], level + 1)))
        elif node[0] == "call":
            stack.extend((arg, level + 1) for arg in node[2])
    return deepest
