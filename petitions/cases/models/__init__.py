"""A prisoner's case, its detention periods, timeline and pictures, and its petitions.

One module per noun; every model is importable from here (``from petitions.cases.models
import Case``), so no caller needs to know which module holds it.
"""

from petitions.cases.models.case import Case, CaseStatus, DetentionPeriod
from petitions.cases.models.petition import (
    COUNT_SHARDS,
    REOPEN_WITHIN,
    IllegalTransition,
    Petition,
    PetitionCountShard,
    PetitionStatus,
    percent_of_goal,
    shards_sum,
)
from petitions.cases.models.pictures import ImageVariant, Portrait, StoredImage, TimelinePhoto
from petitions.cases.models.timeline import EntryKind, TimelineEntry
from petitions.cases.models.translation import ContentTranslation

__all__ = [
    "COUNT_SHARDS",
    "REOPEN_WITHIN",
    "Case",
    "CaseStatus",
    "ContentTranslation",
    "DetentionPeriod",
    "EntryKind",
    "IllegalTransition",
    "ImageVariant",
    "Petition",
    "PetitionCountShard",
    "PetitionStatus",
    "Portrait",
    "StoredImage",
    "TimelineEntry",
    "TimelinePhoto",
    "percent_of_goal",
    "shards_sum",
]
