"""``minzi-new-program``: every placeholder replaced, bad ids and existing folders refused."""
from pathlib import Path

import pytest

from minzi.scaffold import TEMPLATE, class_name, create, distribution_name, main

# the repository's services/, also from a copy of shared/tests further down (a mutation run's)
SERVICES = next(folder / "services" for folder in Path(__file__).resolve().parents
                if (folder / "services").is_dir())


def test_the_service_class_is_named_from_the_program_id():
    assert class_name("probe_hotline") == "ProbeHotline"
    assert class_name("cat_fund2") == "CatFund2"
    assert class_name("legal") == "Legal"


def test_every_service_is_named_for_pip_as_a_new_program_is():
    assert distribution_name("sms_broadcast") == "minzi-sms-broadcast"
    names = {folder.name: next(line.split('"')[1] for line in (folder / "pyproject.toml")
                               .read_text(encoding="utf-8").splitlines()
                               if line.startswith("name = "))
             for folder in SERVICES.iterdir() if (folder / "pyproject.toml").is_file()}
    assert names and names == {folder: distribution_name(folder) for folder in names}


def test_every_placeholder_is_replaced_in_names_and_in_text(tmp_path):
    target, made = create("cat_fund", "流浪猫基金", "Stray cat fund", tmp_path)
    assert target == tmp_path / "cat_fund"
    template_files = [p for p in TEMPLATE.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts]
    assert len(made) == len(template_files)
    assert sorted(made) == sorted(p for p in target.rglob("*") if p.is_file())
    for path in made:
        text = path.read_text(encoding="utf-8")
        assert "__" not in str(path.relative_to(target)).replace("__init__", "")
        for placeholder in ("__PROGRAM_ID__", "__NAME_ZH__", "__NAME_EN__", "__CLASS_NAME__",
                            "__DISTRIBUTION__", "__package__"):
            assert placeholder not in text, (path, placeholder)
    assert (target / "cat_fund" / "service.py").exists()
    service = (target / "cat_fund" / "service.py").read_text(encoding="utf-8")
    assert "class CatFundService(Program):" in service
    assert service.startswith('"""流浪猫基金 (Stray cat fund) on the Minzi bus.')
    manifest = (target / "manifest.yaml").read_text(encoding="utf-8")
    assert "name: {zh: 流浪猫基金, en: Stray cat fund}" in manifest
    assert "program_id: cat_fund" in manifest
    # named for pip as every service is: minzi- and the id, words joined by -
    assert 'name = "minzi-cat-fund"' in (target / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["a", "1cat", "Cat", "cat-fund", "cat fund", "c" * 42, ""])
def test_an_id_the_contract_would_refuse_is_refused_before_anything_is_made(tmp_path, bad):
    with pytest.raises(ValueError) as error:
        create(bad, "x", "x", tmp_path)
    assert str(error.value) == (f"program id '{bad}': lowercase letters, digits and _, "
                                "starting with a letter (2-41 characters)")
    assert list(tmp_path.iterdir()) == []


def test_the_longest_and_shortest_ids_are_taken(tmp_path):
    assert create("ab", "x", "x", tmp_path)[0].name == "ab"
    assert create("c" * 41, "x", "x", tmp_path)[0].name == "c" * 41


def test_an_existing_folder_is_left_alone(tmp_path, capsys):
    (tmp_path / "cat_fund").mkdir()
    (tmp_path / "cat_fund" / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(FileExistsError) as error:
        create("cat_fund", "x", "x", tmp_path)
    assert str(error.value) == f"{tmp_path / 'cat_fund'} already exists"
    assert [p.name for p in (tmp_path / "cat_fund").iterdir()] == ["mine.txt"]
    assert main(["cat_fund", "--zh", "x", "--en", "x", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"minzi-new-program: {tmp_path / 'cat_fund'} already exists\n")


def test_the_command_says_what_it_made_and_what_to_do_next(tmp_path, capsys):
    assert main(["cat_fund", "--zh", "流浪猫基金", "--en", "Stray cat fund",
                 "--dir", str(tmp_path)]) == 0
    target = tmp_path / "cat_fund"
    count = sum(1 for p in target.rglob("*") if p.is_file())
    assert capsys.readouterr().out == (
        f"created {target} ({count} files). Next:\n"
        f"  pip install -e {target}\n"
        "  minzi-run cat_fund     # announces itself; intake routes its cases here\n"
        f"  scripts/test {target}\n"
        f"  edit {target / 'manifest.yaml'} for its service types, "
        f"{target / 'cat_fund' / 'domain'} for its rules\n")
    with pytest.raises(SystemExit):
        main(["cat_fund", "--en", "x"])               # the Chinese name is required
    with pytest.raises(SystemExit):
        main(["cat_fund", "--zh", "x"])               # and the English one


def test_services_are_made_in_services_unless_told(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["cat_fund", "--zh", "x", "--en", "y"]) == 0
    assert (tmp_path / "services" / "cat_fund" / "manifest.yaml").exists()


def test_the_command_explains_itself(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out == (
        "usage: minzi-new-program [-h] --zh ZH --en EN [--dir DIR] program_id\n"
        "\n"
        "Create a new program service from the template\n"
        "\n"
        "positional arguments:\n"
        "  program_id  e.g. matchmaking (lowercase, digits, _)\n"
        "\n"
        "options:\n"
        "  -h, --help  show this help message and exit\n"
        "  --zh ZH     the program's Chinese name, e.g. 红娘工作室\n"
        "  --en EN     its English name\n"
        "  --dir DIR   where services live (default services)\n")


def test_compiled_leftovers_in_the_template_are_not_copied(tmp_path, monkeypatch):
    import shutil

    from minzi import scaffold
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=shutil.ignore_patterns("__pycache__"))
    (template / "__package__" / "__pycache__").mkdir()
    (template / "__package__" / "__pycache__" / "service.cpython-311.pyc").write_bytes(b"\0")
    monkeypatch.setattr(scaffold, "TEMPLATE", template)
    target, made = create("cat_fund", "流浪猫基金", "Stray cat fund", tmp_path / "services")
    assert not any("__pycache__" in p.parts for p in made)
    assert not (target / "cat_fund" / "__pycache__").exists()
    assert (target / "cat_fund" / "service.py").exists()
