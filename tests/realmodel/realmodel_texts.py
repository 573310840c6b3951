"""Texts the real-model checks run on, read from the demo data (shared by
check_tokenizer.py and check_reference.py)."""
import csv
import glob
import json
import os
import subprocess

# Inputs no catalog contains but users type: every class of character the
# BERT normaliser treats specially, and one very long text.
HOSTILE = [
    "Café crème brûlée", "Cafe\u0301 cre\u0300me", "ÀÉÎÕÜ ñ ç ø å æ œ ß", "İstanbul ıi ΣΑΣ σας",
    "東京の夜 夜来香 月亮代表我的心", "사랑해요 노래", "Ελληνικά Русский текст", "עברית العربية ไทย",
    "🎉 party🎉time 👨‍👩‍👧 ❤️ ✨🎸", "♥ ♪ ♫ ☀", "ｆｕｌｌ ｗｉｄｔｈ", "x² H₂O ½ Ⅻ ﬁne 𝐁𝐨𝐥𝐝",
    "smart “quotes” ‘and’ — dashes – …", "$5 ^ ` | ~ @ # % & * ( ) [ ] { } < > \\ /",
    "tab\there\nnew\r\nline", "nbsp\u00a0em\u2003ideo\u3000space", "zero\u200bwidth soft\u00adhyphen bell\x07 nul\x00 fffd\ufffd",
    "line\u2028para\u2029sep", "ctrl \x1b[31m esc \x7f del \x0b vt \x0c ff", "\ufeffbom at start",
    "", "   ", "a" * 101, "a" * 100, "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "[CLS] [SEP] [MASK] [PAD] [UNK] literal specials", "e-mail me@example.com https://example.com/a?b=c",
    "1,234.56 3.14 1990s 90's rock'n'roll", "UPPER lower MiXeD",
    " ".join(["Running wild and free, über alles, 東京 🎉 — “ok”?"] * 200)[:10000],
]


def verse_chunks(tool, model, data):
    out = subprocess.run([tool, "chunks", model, os.path.join(data, "lyrics", "songs.jsonl")],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def captions(data):
    with open(os.path.join(data, "descriptions", "musiccaps-public.csv"), newline="", encoding="utf-8") as f:
        return [row["caption"] for row in csv.DictReader(f)]


def track_titles(data):
    titles = set()
    for path in sorted(glob.glob(os.path.join(data, "features", "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                titles.add(row.get("track_name") or row.get("track") or "")
    return sorted(titles)


def write_texts(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=True) + "\n")


def report(texts, bad, describe, summary):
    """Prints the first ten failing texts (describe(i) says how), the
    summary line and the closing count; returns the exit status."""
    for i in bad[:10]:
        print(f"{describe(i)}: {texts[i][:120]!r}")
    print(summary)
    print(f"{len(texts) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0
