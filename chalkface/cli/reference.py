"""The command reference (docs/cli.md), generated from each command's ``--help``."""

from __future__ import annotations

import click


def reference_markdown(group: click.Command) -> str:
    """The help of every command under ``group``, as Markdown."""
    lines = [
        "# Command reference",
        "",
        "Generated from each command's `--help` by `chalkface cli-reference > docs/cli.md`;",
        "a test keeps it current.",
        "",
    ]

    def walk(command: click.Command, path: list[str]) -> None:
        if getattr(command, "hidden", False):
            return
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        lines.extend([f"## {' '.join(path)}", "", "```", command.get_help(ctx).rstrip(), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name])

    walk(group, ["chalkface"])
    return "\n".join(lines)
