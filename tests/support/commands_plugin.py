"""A plugin that adds a CLI command and a derived table (hook tests)."""

from __future__ import annotations

import click

import seenby


@seenby.hookimpl
def seenby_register_commands(cli: click.Group) -> None:
    @cli.command()
    def hello() -> None:
        """Say hello from a plugin."""
        click.echo("hello from a plugin")


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name="commands_plugin_scores",
            migrations=[
                "CREATE TABLE commands_plugin_scores (post_id VARCHAR PRIMARY KEY, score DOUBLE)",
                "ALTER TABLE commands_plugin_scores ADD COLUMN note VARCHAR",
            ],
        )
    ]
