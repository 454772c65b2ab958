"""Storage: the only package that speaks SQL.

:class:`Database` owns the single aiosqlite connection; the modules beside it
(``people``, and those later features add) expose functions named after the
service's vocabulary, so the rest of ``bot/`` never writes a query.
"""

from bot.storage.database import Database, DatabaseError, from_db_time, to_db_time

__all__ = ["Database", "DatabaseError", "from_db_time", "to_db_time"]
