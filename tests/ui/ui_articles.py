"""Article files for window tests: Markdown with front matter, imported the real way.

Written into a temporary folder and imported with ``Library.import_paths``, so the
window sees exactly what a user's import would give it.
"""

from __future__ import annotations

from pathlib import Path

KETAMINE = """---
title: Ketamine for Pain
authors: [Dr Jane Example, Sam Writer]
date: 2024-03-05
site: Pain Clinic Notes
url: https://example.org/ketamine-for-pain
tags: [ketamine, chronic pain]
categories: [Treatments]
---

Ketamine has evolved from an anaesthetic into an option for **treatment-resistant pain**.
This article covers how it works, the evidence, and the risks.

## Key takeaways

- Ketamine blocks NMDA receptors.
- It can relieve pain quickly.
- It should be given under supervision.

## How does ketamine relieve pain?

Central sensitization amplifies pain signals; ketamine dampens it.[^1]

> Low-dose infusions reduced pain scores for up to two weeks in a small trial.

### Blocking NMDA receptors

Glutamate binds NMDA receptors; ketamine blocks the channel.

| Route | Typical dose |
|---|---|
| Intravenous | 0.1-0.5 mg/kg/h |
| Intranasal | 25-50 mg |

## Risks

Bladder toxicity and dissociation are the best-known harms. See [the review](https://pubmed.ncbi.nlm.nih.gov/23432384/)
and [our notes](#key-takeaways).

## Sources

[^1]: Smith J. Ketamine and central sensitization. Pain Med. 2015.
"""

STATINS = """---
title: Statins and muscle pain
author: Ruth Okafor
date: 2022-11-30
site: Heart Letters
tags: [statins]
categories: [Cardiology]
---

In blinded trials most muscle symptoms on statins also occurred on placebo.

## The SAMSON trial

Patients took statin, placebo or nothing in random months. Symptom scores on placebo
were nearly as high as on the statin.
"""

SLEEP = """---
title: Sleep and blood pressure
author: Ana Silva
date: 2023-06-12
site: Pain Clinic Notes
tags: [sleep]
---

Short sleep raises blood pressure in the morning; regular hours help.
"""


def long_markdown(words: int = 20_000, *, title: str = "A very long review") -> str:
    """A long article with headings every ~400 words and a rare word near the end."""
    sentence = (
        "Chronic pain management combines medication, physiotherapy and psychological "
        "support, and outcomes depend on adherence and follow up visits. "
    )
    per = len(sentence.split()) * 3
    lines = [f"---\ntitle: {title}\nauthor: Long Writer\nsite: Review Site\n---\n"]
    for paragraph in range(max(1, words // per)):
        if paragraph % 6 == 0:  # a heading every ~400 words
            lines.append(f"\n## Section {paragraph // 6 + 1}\n")
        lines.append("\n" + sentence * 3 + "\n")
    lines.append("\nThe final paragraph mentions zygomycosis once.\n")
    return "".join(lines)


def write_articles(folder: Path, extra: dict[str, str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"ketamine.md": KETAMINE, "statins.md": STATINS, "sleep.md": SLEEP, **(extra or {})}
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
