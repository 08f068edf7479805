r"""The AGI wire: the environment block, command lines and reply lines.

What Asterisk's AGI documentation ("AGI commands", "Asterisk Gateway Interface")
gives, and what this module follows:

* A FastAGI session opens with the channel's environment, one ``agi_<name>:
  <value>`` line per variable (``agi_uniqueid``, ``agi_callerid``, ``agi_dnid``,
  ``agi_network_script``, ``agi_arg_1``...), ended by an empty line.
* Each command is one line of words separated by spaces; an argument with spaces or
  quotes is put in double quotes, and inside it a backslash makes the next character
  literal (``\\`` and ``\"``). A line ends at LF: an argument holding CR, LF or
  NUL cannot be sent, and :func:`format_command` refuses it, so that no caller data
  can ever start a command of its own.
* Each command gets one reply: ``200 result=<n> [(<data>)] [endpos=<n>]``;
  ``510 Invalid or unknown command``; ``511 Command Not Permitted on a dead channel
  or intercept routine``; ``520-Invalid command syntax.  Proper usage follows:``,
  the usage lines, then ``520 End of proper usage.``.
* When the caller hangs up, Asterisk sends the line ``HANGUP`` at any moment
  (before the reply of the command in progress too), and refuses later commands
  with 511.
"""

from __future__ import annotations

import attrs

from ...errors import InvalidArgumentError, WireError

__all__ = [
    "AgiReply",
    "AgiWireError",
    "format_command",
    "parse_environment_line",
    "parse_reply",
    "quote_argument",
]

MAX_LINE = 8192
"""The longest line read from Asterisk (env, reply); a longer one is refused."""

_FORBIDDEN = ("\r", "\n", "\x00")


class AgiWireError(WireError):
    """A line from Asterisk that is not AGI (an env line, a reply)."""

    def __init__(self, detail: str, data: str | bytes = "") -> None:
        super().__init__(protocol="AGI", detail=detail, data=data)


def quote_argument(value: str) -> str:
    r"""One AGI argument, double-quoted, with backslashes and double quotes escaped.

    >>> print(quote_argument('say "hi" \\ bye'))
    "say \"hi\" \\ bye"

    Raises:
        InvalidArgumentError: ``value`` is not text, or holds CR, LF or NUL (which
            would end the command line and start another).
    """
    if not isinstance(value, str):
        raise InvalidArgumentError(name="AGI argument", expected="text", got=value)
    for bad in _FORBIDDEN:
        if bad in value:
            raise InvalidArgumentError(
                name="AGI argument",
                expected="text without CR, LF or NUL (they would end the command line)",
                got=value,
            )
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_command(command: str, *args: str) -> bytes:
    r"""An AGI command line: the command's words as they are, each argument quoted.

    >>> format_command("SET VARIABLE", "CALLCENTER_QUEUE", "vip")
    b'SET VARIABLE "CALLCENTER_QUEUE" "vip"\n'

    Raises:
        InvalidArgumentError: An argument that cannot be sent (see
            :func:`quote_argument`).
    """
    parts = [command, *(quote_argument(a) for a in args)]
    return (" ".join(parts) + "\n").encode("utf-8")


def parse_environment_line(line: str) -> tuple[str, str] | None:
    """``("uniqueid", "1700000000.1")`` from ``agi_uniqueid: 1700000000.1``.

    Returns ``None`` for the empty line that ends the block.

    Raises:
        AgiWireError: A line that is not ``agi_<name>: <value>``.
    """
    if not line:
        return None
    name, sep, value = line.partition(":")
    if not sep or not name.startswith("agi_") or len(name) < 5:
        raise AgiWireError("expected an 'agi_<name>: <value>' environment line", line)
    return name[4:], value[1:] if value.startswith(" ") else value


@attrs.frozen(kw_only=True)
class AgiReply:
    """A reply line of Asterisk.

    Attributes:
        code: ``200``, ``510``, ``511`` or ``520``.
        result: The ``result=`` value (``"0"``, ``"-1"``, a key's ASCII code), or
            ``""`` for the error codes.
        data: The text in parentheses (``"timeout"``, ``"dtmf"``), or ``None``.
        endpos: The ``endpos=`` sample offset (recordings, playbacks), or ``None``.
        text: The whole line.
    """

    code: int
    result: str = ""
    data: str | None = None
    endpos: int | None = None
    text: str = ""

    @property
    def value(self) -> int:
        """``result`` as an integer (``-1`` when it is not one)."""
        try:
            return int(self.result)
        except ValueError:
            return -1


def parse_reply(line: str) -> AgiReply:
    """Parse one reply line (the last line, for a 520 usage block).

    >>> parse_reply("200 result=49 endpos=8000")
    AgiReply(code=200, result='49', data=None, endpos=8000, text='200 result=49 endpos=8000')

    Raises:
        AgiWireError: Not a reply AGI gives.
    """
    head, _, rest = line.partition(" ")
    if head in ("510", "511", "520"):
        return AgiReply(code=int(head), text=line)
    if head != "200" or not rest.startswith("result="):
        raise AgiWireError("expected '200 result=...', 510, 511 or 520", line)
    rest = rest[7:]
    result, _, rest = rest.partition(" ")
    if not result.lstrip("-").isdigit():
        raise AgiWireError("expected a number after 'result='", line)
    data: str | None = None
    endpos: int | None = None
    rest = rest.strip()
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0:
            raise AgiWireError("an unclosed '(' in the reply", line)
        data = rest[1:close]
        rest = rest[close + 1 :].strip()
    if rest.startswith("endpos="):
        number = rest[7:].split(" ", 1)[0]
        if not number.isdigit():
            raise AgiWireError("expected a number after 'endpos='", line)
        endpos = int(number)
    return AgiReply(code=200, result=result, data=data, endpos=endpos, text=line)
