"""``pretrained-table``: the shipped pretrained networks, read from the package's manifest.

``tools/pretrain.py`` records in ``skmat/_weights/manifest.json`` how each
network was trained (commands, epochs, wall and CPU hours, machines) and its
test MAE on CrabNet's test split of each OQMD task. This directive shows
those records as one table, next to the published test MAEs of the
composition models compared on the same split, so the docs never carry a
number typed by hand. Usage::

    .. pretrained-table:: ../skmat/_weights/manifest.json
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from results_table import provenance_summary_text, render_table  # docs/sphinxext is on sys.path (docs/conf.py)

#: Test MAE on CrabNet's OQMD test splits, Wang et al., npj Comput. Mater. 7, 77 (2021), Table 2.
REPORTED = {
    "ElemNet": {"formation_enthalpy": 0.049, "volume_per_atom": 0.442},
    "Roost": {"formation_enthalpy": 0.032, "volume_per_atom": 0.296},
    "CrabNet": {"formation_enthalpy": 0.031, "volume_per_atom": 0.277},
}
TASKS = ("formation_enthalpy", "volume_per_atom", "band_gap")


def scores(entry):
    """The test MAE cells of an entry, blank for a target it does not predict (the band-gap network)."""
    return [f"{entry['test_MAE'][task]:.4f}" if task in entry["test_MAE"] else "" for task in TASKS]


def table_rows(manifest):
    """Header and rows: one per shipped network, then one per published model."""
    rows = [["model", "ΔHf test MAE (eV/atom)", "V test MAE (Å³/atom)", "band gap test MAE (eV)", "epochs",
             "wall hours", "CPU hours", "machine"]]
    for name, entry in sorted(manifest.items()):
        if entry.get("task", "composition") != "composition":
            continue  # the small punch models: their own page
        training = entry["training"]
        if "members" in entry:  # an average of shipped networks: trained as they were
            rows.append([
                f"skmat ``{name}`` (measured)",
                *scores(entry),
                "mean of " + ", ".join(f"``{member}``" for member in entry["members"]),
                "", "", training["machine"],
            ])
            continue
        machines = sorted({row["machine"] for row in training["epochs"]})
        rows.append([
            f"skmat ``{name}`` (measured)",
            *scores(entry),
            f"{training['epochs_done']} of {training['epochs_planned']}",
            f"{training['wall_hours']:.2f}",
            f"{training['cpu_hours']:.2f}",
            "; ".join(machines),
        ])
    for model, reported in REPORTED.items():
        rows.append([f"{model} (reported, Wang et al. 2021)", f"{reported['formation_enthalpy']:.3f}",
                     f"{reported['volume_per_atom']:.3f}", "", "", "", "", ""])
    return rows


class PretrainedTable(Directive):
    required_arguments = 1

    def run(self):
        source = Path(self.state.document.current_source).parent
        path = (source / self.arguments[0]).resolve()
        if not path.exists():
            return [nodes.paragraph(text=f"(No pretrained networks yet: {self.arguments[0]} does not exist.)")]
        manifest = json.loads(path.read_text(encoding="utf-8"))
        commands = [(name, command) for name, entry in sorted(manifest.items())
                    if entry.get("task", "composition") == "composition" for command in entry["training"]["commands"]]
        notes = [f"*Trained by* (``{name}``): ``{command}``" for name, command in commands]
        summary = provenance_summary_text("Trained by", [command for _, command in commands], machines=False)
        return render_table(self, table_rows(manifest), notes, path, summary=summary)


def setup(app):
    app.add_directive("pretrained-table", PretrainedTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
