"""The drop-folder back-office adapter (entry point ``dropfolder``); see docs/dropfolder.md."""

from adapters.dropfolder.adapter import DropFolderAdapter

__all__ = ["DropFolderAdapter"]
