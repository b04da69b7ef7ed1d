#!/usr/bin/env python3
"""Build the spelling-correction test set for nsearch (issue 10).

Writes, into --out (default: this script's directory):
  typos.tsv  id, kind, query, intended   misspelled queries, one edit each
  clean.tsv  id, query                   real titles typed without a typo

Method (deterministic: fixed seed, sorted file walk, sorted vocabulary):

1. Titles. Every .md/.markdown file under --corpus is read; the YAML front
   matter (between the first two `---` lines) gives `title:` (events:
   `name:`). Curly apostrophes become ', other punctuation separates words
   (as a user who drops punctuation would type it). Titles are de-duplicated
   on their lower-cased word sequence.

2. Vocabulary. The index given by --index (an nsearch index folder; Xapian
   opens its XAPIANDB stub) is read with python3-xapian: every term starting
   with a lower-case letter or digit is an unprefixed free-text term, i.e. a
   word "the index contains". Stemmed terms (prefix Z) are kept separately.

3. Typos (typos.tsv). Eight kinds, each applied to one word of the query:
     swap          two adjacent letters transposed, not the first pair
     missing       one letter deleted, not the first
     extra         one letter inserted after position 1 (a doubled letter
                   or a keyboard neighbour of the letter before it)
     wrong         one letter, not the first, replaced by a QWERTY neighbour
     swap-first    the first two letters transposed
     missing-first the first letter deleted
     extra-first   a keyboard neighbour of the first letter inserted before it
     wrong-first   the first letter replaced by a QWERTY neighbour
   A query is a run of 1-4 consecutive words of one title (lengths drawn
   15/35/35/15 %), all of them alphabetic, in the vocabulary, not
   stopwords (nsearch's English list, copied below) and not in a small
   FILLER list (vs, com, new, part, using, ...). No two queries share the
   same intended text. The misspelled word is
   alphabetic, >= 5 letters, and used once in the whole set; one title
   gives at most one query. A typo is kept only if its misspelled form
     - is not an unprefixed term of the index, and its English stem is not a
       Z term (so the engine's stemmed lookup cannot match it either);
     - is not an English dictionary word (--dict, default
       /usr/share/dict/words from Debian's wamerican, if present);
     - has exactly ONE vocabulary word within one edit (Damerau/OSA:
       insert, delete, substitute, adjacent swap), the intended word, so
       the intended correction is unambiguous with respect to the index;
     - is more than two edits from every "junk" term: a non-dictionary word
       that occurs only in powerapps/_samples documents, whose HTML bodies
       leak CSS/markup tokens (nobounce, focusbarheight, ...) into the
       vocabulary today.
   The intended (misspelled) word must be a dictionary word or occur in at
   least 3 documents (so corpus misspellings such as "guage" are not used).
   With --nsearch, every pair is also checked against the binary in one
   `query --stdin` batch: the intended query must find documents with all
   its words (relaxed == false), and the misspelled query must find nothing
   or only relaxed matches (the condition under which issue 10 corrects).
   Slots are filled kind by kind, round robin, until --per-kind (mid-word
   kinds) and --per-first (first-letter kinds) are reached.

4. Clean queries (clean.tsv). Titles whose words are all in the vocabulary;
   70 % typed in full (up to 12 words), 30 % as their first 3-8 words
   (trailing stopwords trimmed);
   original case kept, except that AND/OR/NOT/NEAR are lower-cased so they
   are not read as operators. With --nsearch each must find documents with
   all its words (relaxed == false). --n-clean of them are sampled.

Usage:
  /usr/bin/python3 build_set.py --index IDX [--corpus /work/shared/corpus]
      [--nsearch /work/main/build/nsearch] [--out DIR] [--seed 10]
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys

try:
    import xapian
except ImportError:  # pyenv interpreters do not see Debian's python3-xapian
    sys.path.append("/usr/lib/python3/dist-packages")
    import xapian
import yaml

STOPWORDS = set("""
a about an and are as at be been but by can could did do does for from had
has have he her his how i if in into is it its it's may more most my no not
of on or our she so than that the their them then there these they this
those to up us was we were what when where which while who whom why will
with would you your""".split())

# words that make poor search-box queries on their own or at a query's edge
FILLER = set("""
vs via com net www http https new now get gets got using use used just also
here some any all one two three four five many much very own out off over
only other each every after before like make makes made part try again
next back still even ever way ways yet per across within without being
let lets should must shall really""".split())

KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def keyboard_neighbours():
    pos = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, ch in enumerate(row):
            pos[ch] = (r, c)
    out = {}
    for ch, (r, c) in pos.items():
        near = []
        for other, (r2, c2) in pos.items():
            if other == ch:
                continue
            # same row: +-1; adjacent rows: the two keys touching (staggered)
            if r2 == r and abs(c2 - c) == 1:
                near.append(other)
            elif abs(r2 - r) == 1:
                # row r2 is shifted right by ~half a key relative to row r
                # when r2 > r; keys c-1..c (down) or c..c+1 (up) touch.
                if r2 > r and c2 in (c - 1, c):
                    near.append(other)
                if r2 < r and c2 in (c, c + 1):
                    near.append(other)
        out[ch] = sorted(near)
    return out


NEAR = keyboard_neighbours()
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
KINDS = ["swap", "missing", "extra", "wrong",
         "swap-first", "missing-first", "extra-first", "wrong-first"]


# ---------------------------------------------------------------- corpus

def read_title(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    fm = text[3:end]
    data = None
    try:
        data = yaml.safe_load(fm)
    except yaml.YAMLError:
        data = None
    title = None
    if isinstance(data, dict):
        title = data.get("title") or data.get("name")
    else:  # fall back to a top-level key line
        m = re.search(r"^(?:title|name):[ \t]*(.+)$", fm, re.M)
        if m:
            title = m.group(1).strip().strip("'\"")
    if not isinstance(title, str):
        return None
    title = " ".join(title.split())
    return title or None


def corpus_titles(corpus):
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        for n in sorted(names):
            if n.endswith((".md", ".markdown")) and n != "README.md":
                files.append(os.path.join(root, n))
    seen = set()
    titles = []
    for p in files:
        t = read_title(p)
        if not t:
            continue
        words = title_words(t)
        key = tuple(w.lower() for w in words)
        if not words or key in seen:
            continue
        seen.add(key)
        titles.append((os.path.relpath(p, corpus), t, words))
    return titles


def title_words(title):
    t = title.replace("\u2019", "'").replace("\u2018", "'")
    return WORD_RE.findall(t)


# ------------------------------------------------------------ vocabulary

def load_vocab(index):
    db = xapian.Database(index)
    words, stems = {}, set()
    for t in db.allterms():
        term = t.term.decode("utf-8", "replace")
        if not term:
            continue
        c = term[0]
        if c.islower() or c.isdigit():
            words[term] = t.termfreq
        elif c == "Z":
            stems.add(term[1:])
    return words, stems


def doc_path(data):
    """nsearch stores a JSON array per document; its first item is the path."""
    try:
        return json.JSONDecoder().raw_decode(data.decode("utf-8"))[0][0]
    except (ValueError, IndexError, TypeError, UnicodeDecodeError):
        return ""


def junk_terms(index, dictwords):
    """Unprefixed alphabetic terms found only in powerapps/_samples documents
    (whose HTML bodies leak CSS/markup tokens) and not English words:
    likely junk such as 'nobounce', 'focusbarheight', 'ffffff'."""
    db = xapian.Database(index)
    samples = set()
    for p in db.postlist(""):
        if "/_samples/" in doc_path(db.get_document(p.docid).get_data()):
            samples.add(p.docid)
    junk = set()
    for t in db.allterms():
        w = t.term.decode("utf-8", "replace")
        if not (w[:1].islower() and w.isalpha()) or w in dictwords:
            continue
        if all(p.docid in samples for p in db.postlist(t.term)):
            junk.add(w)
    return junk


def deletes(w, d=2):
    out, frontier = {w}, {w}
    for _ in range(d):
        frontier = {x[:i] + x[i + 1:] for x in frontier for i in range(len(x))}
        out |= frontier
    return out


def osa(a, b):
    """Optimal string alignment distance (adjacent swaps cost 1)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2]
                    and a[i - 2] == b[j - 1]):
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def edits1(w, alphabet):
    out = set()
    for i in range(len(w) + 1):
        a, b = w[:i], w[i:]
        if b:
            out.add(a + b[1:])
        if len(b) > 1:
            out.add(a + b[1] + b[0] + b[2:])
        for ch in alphabet:
            if b:
                out.add(a + ch + b[1:])
            out.add(a + ch + b)
    out.discard(w)
    return out


# ----------------------------------------------------------------- typos

def make_typo(word, kind, rng):
    """Return the misspelled form of word for this kind, or None."""
    n = len(word)
    if kind == "swap-first":
        if word[0] == word[1]:
            return None
        return word[1] + word[0] + word[2:]
    if kind == "missing-first":
        return word[1:]
    if kind == "extra-first":
        choices = NEAR.get(word[0], [])
        if not choices:
            return None
        return rng.choice(choices) + word
    if kind == "wrong-first":
        choices = NEAR.get(word[0], [])
        if not choices:
            return None
        return rng.choice(choices) + word[1:]
    if kind == "swap":
        pos = [i for i in range(1, n - 1) if word[i] != word[i + 1]]
        if not pos:
            return None
        i = rng.choice(pos)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "missing":
        i = rng.randrange(1, n)
        return word[:i] + word[i + 1:]
    if kind == "extra":
        i = rng.randrange(2, n + 1)  # insert before word[i] (or at end)
        prev = word[i - 1]
        opts = [prev] + NEAR.get(prev, [])
        return word[:i] + rng.choice(opts) + word[i:]
    if kind == "wrong":
        i = rng.randrange(1, n)
        choices = [c for c in NEAR.get(word[i], []) if c != word[i]]
        if not choices:
            return None
        return word[:i] + rng.choice(choices) + word[i + 1:]
    raise ValueError(kind)


def build_typos(titles, vocab, stems, dictwords, junk, args, rng):
    stemmer = xapian.Stem("english")
    junk_del = {}
    for j in sorted(junk):
        for x in deletes(j):
            junk_del.setdefault(x, set()).add(j)
    alphabet = sorted({c for w in vocab for c in w})
    cands = []  # (title, [lowercase words]) usable windows
    for rel, t, words in titles:
        lw = [w.lower() for w in words]
        cands.append((rel, t, lw))
    order = list(range(len(cands)))
    rng.shuffle(order)
    targets = {k: (args.per_first if k.endswith("-first") else args.per_kind)
               for k in KINDS}
    pool = {k: [] for k in KINDS}  # candidates (more than needed)
    overshoot = 3  # collect extra so nsearch validation can drop some
    used_titles, used_words, used_intended = set(), set(), set()
    cursor = 0
    stats = {"rejected_in_vocab": 0, "rejected_stem": 0,
             "rejected_dict": 0, "rejected_ambiguous": 0,
             "rejected_near_junk": 0}

    def eligible_word(w):
        return (w.isascii() and w.isalpha() and len(w) >= 5
                and w not in STOPWORDS and w in vocab
                and (w in dictwords or vocab[w] >= 3))

    def try_title(ci, kind):
        rel, t, lw = cands[ci]
        ok = [w.isascii() and w.isalpha() and len(w) > 1 and w in vocab
              and w not in STOPWORDS and w not in FILLER for w in lw]
        length = rng.choices([1, 2, 3, 4], weights=[15, 35, 35, 15])[0]
        windows = []
        for s in range(len(lw)):
            e = s + length
            if e <= len(lw) and all(ok[s:e]):
                windows.append((s, e))
        if not windows:
            return None
        s, e = rng.choice(windows)
        q = lw[s:e]
        if len(set(q)) != len(q) or " ".join(q) in used_intended:
            return None
        targets_i = [i for i, w in enumerate(q)
                     if eligible_word(w) and w not in used_words]
        if not targets_i:
            return None
        i = rng.choice(targets_i)
        word = q[i]
        typo = make_typo(word, kind, rng)
        if not typo or typo == word:
            return None
        if typo in vocab:
            stats["rejected_in_vocab"] += 1
            return None
        if stemmer(typo).decode() in stems:
            stats["rejected_stem"] += 1
            return None
        if typo in dictwords:
            stats["rejected_dict"] += 1
            return None
        near = [w for w in edits1(typo, alphabet) if w in vocab]
        if near != [word]:
            stats["rejected_ambiguous"] += 1
            return None
        near_junk = set().union(*[junk_del.get(x, set())
                                  for x in deletes(typo)])
        if any(j != word and osa(typo, j) <= 2 for j in near_junk):
            stats["rejected_near_junk"] += 1
            return None
        tq = q[:i] + [typo] + q[i + 1:]
        return {"kind": kind, "query": " ".join(tq),
                "intended": " ".join(q), "word": word, "typo": typo,
                "title": t, "file": rel}

    # round robin over kinds, scanning the shuffled titles
    while any(len(pool[k]) < targets[k] * overshoot for k in KINDS):
        progressed = False
        for k in KINDS:
            if len(pool[k]) >= targets[k] * overshoot:
                continue
            tries = 0
            while cursor < len(order) and tries < 50:
                ci = order[cursor]
                cursor += 1
                tries += 1
                if ci in used_titles:
                    continue
                item = try_title(ci, k)
                if item:
                    used_titles.add(ci)
                    used_words.add(item["word"])
                    used_intended.add(item["intended"])
                    pool[k].append(item)
                    progressed = True
                    break
        if cursor >= len(order) or not progressed and cursor >= len(order):
            break
    return pool, targets, stats


# ---------------------------------------------------------------- clean

def clean_candidates(titles, vocab, rng):
    out = []
    seen = set()
    for rel, t, words in titles:
        if len(words) < 2:
            continue
        if rng.random() < 0.7 or len(words) <= 3:
            qw = words[:12]
        else:
            qw = words[:rng.randint(3, min(8, len(words)))]
        while len(qw) > 2 and qw[-1].lower() in STOPWORDS:
            qw = qw[:-1]  # nobody stops typing on "and"
        if not all(w.lower() in vocab for w in qw):
            continue
        qw = [w.lower() if w in ("AND", "OR", "NOT", "NEAR") else w
              for w in qw]
        q = " ".join(qw)
        key = q.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append({"query": q, "title": t, "file": rel})
    return out


# --------------------------------------------------------------- nsearch

def run_batch(nsearch, index, queries):
    """queries: list of (id, query) -> {id: response dict}"""
    lines = "".join(json.dumps({"id": i, "query": q, "limit": 1}) + "\n"
                    for i, q in queries)
    p = subprocess.run([nsearch, "query", "--index", index, "--stdin"],
                       input=lines, capture_output=True, text=True)
    out = {}
    for line in p.stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        out[r.get("id")] = r
    return out


def full_match(r):
    return (r is not None and "error" not in r and not r.get("relaxed")
            and r.get("total", {}).get("lower", 0) > 0)


def weak_match(r):
    return (r is not None and "error" not in r
            and (r.get("relaxed") or r.get("total", {}).get("upper", 0) == 0))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--index", required=True,
                    help="nsearch index folder of the whole corpus")
    ap.add_argument("--nsearch", help="binary used to validate queries")
    ap.add_argument("--out", default=here)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--per-kind", type=int, default=13,
                    help="queries per mid-word kind (swap, missing, ...)")
    ap.add_argument("--per-first", type=int, default=12,
                    help="queries per first-letter kind")
    ap.add_argument("--n-clean", type=int, default=500)
    ap.add_argument("--dict", default="/usr/share/dict/words",
                    help="English word list; typo forms in it are skipped")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    titles = corpus_titles(args.corpus)
    vocab, stems = load_vocab(args.index)
    dictwords = set()
    if args.dict and os.path.exists(args.dict):
        with open(args.dict, encoding="utf-8", errors="replace") as f:
            dictwords = {w.strip().lower() for w in f if w.strip()}
    print(f"{len(titles)} distinct titles, {len(vocab)} unprefixed terms, "
          f"{len(stems)} stems, {len(dictwords)} dictionary words",
          file=sys.stderr)

    junk = junk_terms(args.index, dictwords)
    pool, targets, stats = build_typos(titles, vocab, stems, dictwords, junk,
                                       args, rng)
    print("typo candidates: " + ", ".join(f"{k}={len(v)}"
                                          for k, v in pool.items())
          + "; " + json.dumps(stats), file=sys.stderr)

    clean = clean_candidates(titles, vocab, rng)

    if args.nsearch:
        qs = []
        for k in KINDS:
            for j, it in enumerate(pool[k]):
                qs.append((f"{k}/{j}/i", it["intended"]))
                qs.append((f"{k}/{j}/t", it["query"]))
        for j, it in enumerate(clean):
            qs.append((f"c/{j}", it["query"]))
        res = run_batch(args.nsearch, args.index, qs)
        dropped = {"typo_intended_not_full": 0, "typo_query_full_match": 0,
                   "clean_not_full": 0}
        for k in KINDS:
            keep = []
            for j, it in enumerate(pool[k]):
                if not full_match(res.get(f"{k}/{j}/i")):
                    dropped["typo_intended_not_full"] += 1
                elif not weak_match(res.get(f"{k}/{j}/t")):
                    dropped["typo_query_full_match"] += 1
                else:
                    keep.append(it)
            pool[k] = keep
        kept = [it for j, it in enumerate(clean)
                if full_match(res.get(f"c/{j}"))]
        dropped["clean_not_full"] = len(clean) - len(kept)
        clean = kept
        print("dropped by nsearch check: " + json.dumps(dropped),
              file=sys.stderr)

    typos = []
    for k in KINDS:
        got = pool[k][:targets[k]]
        if len(got) < targets[k]:
            print(f"warning: only {len(got)} {k} typos", file=sys.stderr)
        typos.extend(got)
    if len(clean) < args.n_clean:
        print(f"warning: only {len(clean)} clean queries", file=sys.stderr)
    clean = rng.sample(clean, min(args.n_clean, len(clean)))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "typos.tsv"), "w") as f:
        f.write("id\tkind\tquery\tintended\n")
        for n, it in enumerate(typos, 1):
            f.write(f"t{n:03d}\t{it['kind']}\t{it['query']}\t"
                    f"{it['intended']}\n")
    with open(os.path.join(args.out, "clean.tsv"), "w") as f:
        f.write("id\tquery\n")
        for n, it in enumerate(clean, 1):
            f.write(f"c{n:03d}\t{it['query']}\n")
    # provenance (which title each query came from), for reviewers
    with open(os.path.join(args.out, "sources.tsv"), "w") as f:
        f.write("id\tfile\ttitle\n")
        for n, it in enumerate(typos, 1):
            f.write(f"t{n:03d}\t{it['file']}\t{it['title']}\n")
        for n, it in enumerate(clean, 1):
            f.write(f"c{n:03d}\t{it['file']}\t{it['title']}\n")
    print(f"wrote {len(typos)} typos, {len(clean)} clean queries to "
          f"{args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
