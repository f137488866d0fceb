"""Old versions stay loadable; settings pick the active one; a clinic cannot shadow a version."""

from __future__ import annotations

from pack_helpers import VALUES, item, write_pack

from checklist.loader import load_library


def test_new_clinic_version_leaves_the_old_one_loadable(tmp_path, good_raw) -> None:
    good_raw["version"] = "2.0.0"
    item(good_raw, "prep.eat")["text"] = "Eat a light meal before you come."
    write_pack(tmp_path, good_raw)
    library = load_library(VALUES, [tmp_path], strict=True)

    old = library.get("sclerotherapy", "1.0.0", "en")
    new = library.get("sclerotherapy", "2.0.0", "en")
    assert old.section("preparation").items[5].text == "Eat and drink as normal."
    assert new.section("preparation").items[5].text == "Eat a light meal before you come."
    assert old.fingerprint != new.fingerprint
    assert library.versions("sclerotherapy", "en") == ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "2.0.0"]
    assert library.active("sclerotherapy", "en").version == "2.0.0"  # newest by default
    assert library.active("sclerotherapy", "en", {"en": "1.0.0"}).version == "1.0.0"


def test_clinic_pack_cannot_reuse_a_shipped_version(tmp_path, good_raw) -> None:
    item(good_raw, "prep.eat")["text"] = "Changed in place."
    path = write_pack(tmp_path, good_raw)
    library = load_library(VALUES, [tmp_path])
    assert any(
        p.startswith(f"{path}: sclerotherapy 1.0.0 (en) is already loaded")
        for p in library.problems
    )
    assert library.get("sclerotherapy", "1.0.0", "en").section("preparation").items[5].text == (
        "Eat and drink as normal."
    )


def test_file_must_sit_where_its_keys_say(tmp_path, good_raw) -> None:
    good_raw["version"] = "2.0.0"
    path = tmp_path / "sclerotherapy" / "2.0.1" / "en.yaml"
    path.parent.mkdir(parents=True)
    import yaml

    path.write_text(yaml.safe_dump(good_raw), encoding="utf-8")
    (problem,) = load_library(VALUES, [tmp_path]).problems
    assert "declares sclerotherapy 2.0.0 (en) but sits at sclerotherapy/2.0.1/en" in problem
