"""The rows a mystery-shop file should load, computed independently of the Lambda with pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def expected_visits(path: Path) -> pd.DataFrame:
    """Valid, de-duplicated visits: integer ids, real dd/mm/yyyy dates, HH:MM times with the end not
    before the start, a score of 1 to 5, a whole employee count >= 0; the first copy of a visit wins."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False)
    raw = raw.apply(lambda column: column.str.strip())
    whole = r"^\d+$"
    frame = pd.DataFrame(
        {
            "store_id": pd.to_numeric(raw["StoreID"].where(raw["StoreID"].str.match(whole)), errors="coerce"),
            "mystery_shopper_id": pd.to_numeric(
                raw["MysteryShopperID"].where(raw["MysteryShopperID"].str.match(whole)), errors="coerce"
            ),
            "employees": pd.to_numeric(
                raw["NumberOfStoreEmployees"].where(raw["NumberOfStoreEmployees"].str.match(whole)), errors="coerce"
            ),
            "visit_date": pd.to_datetime(raw["VisitDate"], format="%d/%m/%Y", errors="coerce"),
            "start": pd.to_datetime(raw["StartTime"], format="%H:%M", errors="coerce"),
            "end": pd.to_datetime(raw["EndTime"], format="%H:%M", errors="coerce"),
            "score": pd.to_numeric(raw["OverallScore"].where(raw["OverallScore"].str.match(whole)), errors="coerce"),
            "store_name": raw["StoreName"],
            "store_type": raw["StoreType"],
        }
    )
    valid = (
        frame[["store_id", "mystery_shopper_id", "employees", "visit_date", "start", "end", "score"]]
        .notna()
        .all(axis=1)
        & (frame["store_id"] >= 1)
        & (frame["mystery_shopper_id"] >= 1)
        & frame["score"].between(1, 5)
        & (frame["end"] >= frame["start"])
        & (frame["store_name"] != "")
        & (frame["store_type"] != "")
    )
    visits = frame[valid].drop_duplicates(subset=["store_id", "mystery_shopper_id", "visit_date", "start"])
    return visits.reset_index(drop=True)
