#!/usr/bin/env python3
"""Score `smtpcode bounce` on whole bounce emails against Sisimai's per-recipient labels.

Runs `BIN bounce --format json` over CORPUS/bounces/*.eml, matches each labeled row of
CORPUS/sisimai-dev.tsv (keyed by `source_file`) with one of our records for the same email
and the same recipient domain (`destination`), and prints:

  recipients_found   share of Sisimai's rows that got a record of ours
  reason_agreement   share of rows with a Sisimai reason whose label accepts our reason
                     (the ACCEPT table of CORPUS/score.py; unmatched rows count as misses)
  hard_agreement     share of hard/soft rows where our bounce agrees (hard vs soft/block),
                     leaving out, as CORPUS/score.py does, the rows where Sisimai's soft label
                     is its own taxonomy choice (TAXONOMY_SOFT); hard_agreement_raw counts them
  kinds              feedback / vacation rows that came out as feedback / auto_reply

With --disagreements, each miss is listed with our diagnostic and Sisimai's input, and is
marked `classifier` when `smtpcode classify` gives the same (wrong) reason for Sisimai's own
input string too (the diagnostic was found; its text is classified differently), or
`extraction` otherwise.

Usage (from the repository root, after `cargo build --release`):
    python3 scripts/score_bounces.py [--bin target/release/smtpcode] [--corpus ../shared/corpus]
"""
import argparse
import collections
import csv
import importlib.util
import json
import os
import subprocess
import sys

csv.field_size_limit(10**9)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_score(corpus):
    """The ACCEPT and NO_REASON tables of the corpus's own score.py (not copied)."""
    path = os.path.join(corpus, 'score.py')
    spec = importlib.util.spec_from_file_location('corpus_score', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(binary, files):
    out = subprocess.run([binary, 'bounce', '--format', 'json', *files],
                         capture_output=True, timeout=600)
    if out.returncode != 0:
        sys.exit(f'{binary} failed ({out.returncode}): {out.stderr.decode(errors="replace")[-2000:]}')
    recs = collections.defaultdict(list)
    for line in out.stdout.decode(errors='replace').splitlines():
        r = json.loads(line)
        recs[os.path.basename(r['file'])].append(r)
    return recs


def classify_inputs(binary, texts):
    data = ''.join(t.replace('\n', ' ').replace('\r', ' ') + '\n' for t in texts).encode()
    out = subprocess.run([binary, 'classify', '--format', 'json'], input=data,
                         capture_output=True, timeout=600)
    return [json.loads(l) for l in out.stdout.decode(errors='replace').splitlines()]


def domain(addr):
    return (addr or '').rsplit('@', 1)[-1].lower()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'smtpcode'))
    ap.add_argument('--corpus', default=os.path.join(ROOT, '..', 'shared', 'corpus'))
    ap.add_argument('--disagreements', action='store_true', help='list every miss')
    ap.add_argument('--json', action='store_true', help='also print the figures as JSON')
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    tsv = os.path.join(corpus, 'sisimai-dev.tsv')
    if not os.path.exists(tsv):
        print(f'score_bounces: skipped, no corpus at {corpus}')
        return
    score = load_score(corpus)
    with open(tsv, newline='') as f:
        rows = list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    files = sorted({r['source_file'] for r in rows})
    recs = run(args.bin, [os.path.join(corpus, f) for f in files])

    # Match rows to records: same email, same recipient domain, in order.
    matched = []
    for f in files:
        ours = [r for r in recs.get(os.path.basename(f), []) if r.get('recipient')]
        used = set()
        for row in (r for r in rows if r['source_file'] == f):
            same = [i for i, rec in enumerate(ours)
                    if i not in used and domain(rec['recipient']) == row['destination'].lower()]
            # Several recipients in one domain: the one that Sisimai's input names, if any.
            named = [i for i in same if ours[i]['recipient'].lower() in row['input'].lower()]
            pick = (named or same or [None])[0]
            if pick is not None:
                used.add(pick)
                matched.append((row, ours[pick]))
            else:
                matched.append((row, None))

    found = sum(1 for _, rec in matched if rec is not None)
    n = ok = bn = bok = rn = rok = 0
    misses = []
    kinds_want = kinds_ok = 0
    for row, rec in matched:
        labels = {row['sisimai_reason'], row.get('v5_reason', '')}
        if labels & {'feedback', 'vacation'}:
            # Per email: Sisimai gives a placeholder recipient when the report names none.
            kinds_want += 1
            want = {'feedback' if 'feedback' in labels else None, 'auto_reply' if 'vacation' in labels else None}
            if any(r['kind'] in want for r in recs.get(os.path.basename(row['source_file']), [])):
                kinds_ok += 1
            else:
                misses.append(('kind', row, rec))
        labels -= score.NO_REASON
        if labels:
            n += 1
            acc = set().union(*(score.ACCEPT.get(l, set()) for l in labels))
            if rec is not None and rec['reason'] in acc:
                ok += 1
            else:
                misses.append(('reason', row, rec))
        if row['sisimai_bounce'] in ('hard', 'soft'):
            bn += 1
            rn += 1
            want_hard = row['sisimai_bounce'] == 'hard' or row.get('v5_bounce') == 'hard'
            want_not_hard = row['sisimai_bounce'] == 'soft' or row.get('v5_bounce') == 'soft'
            b = rec['bounce'] if rec else None
            agrees = (b == 'hard' and want_hard) or (b in ('soft', 'block') and want_not_hard)
            rok += agrees
            # As score.py: a row where Sisimai's soft label is its own taxonomy choice (a
            # suspended or filtered mailbox, which our definition of hard calls hard) is left
            # out of hard_agreement; hard_agreement_raw counts it.
            labels_soft = {row['sisimai_reason'], row.get('v5_reason', '')} & set(score.TAXONOMY_SOFT)
            if (not agrees and b == 'hard' and want_not_hard and not want_hard and rec is not None
                    and any(rec['reason'] in score.TAXONOMY_SOFT[l] for l in labels_soft)):
                bn -= 1
                continue
            if agrees:
                bok += 1
            else:
                misses.append(('hard', row, rec))

    fig = collections.OrderedDict()
    fig['emails'] = len(files)
    fig['rows'] = len(rows)
    fig['records'] = sum(len(v) for v in recs.values())
    fig['recipients_found'] = round(found / len(rows), 4)
    fig['reason_agreement'] = round(ok / n, 4)
    fig['reason_rows'] = n
    fig['hard_agreement'] = round(bok / bn, 4)
    fig['hard_rows'] = bn
    fig['hard_agreement_raw'] = round(rok / rn, 4)
    fig['hard_rows_raw'] = rn
    fig['feedback_vacation_kinds'] = f'{kinds_ok}/{kinds_want}'
    for k, v in fig.items():
        print(f'{k}: {v}')

    # Which misses come from the classification of the text rather than from extraction.
    reason_misses = [(row, rec) for what, row, rec in misses if what == 'reason']
    theirs = classify_inputs(args.bin, [row['input'] for row, _ in reason_misses]) if reason_misses else []
    blame = collections.Counter()
    lines = []
    for (row, rec), their in zip(reason_misses, theirs):
        labels = {row['sisimai_reason'], row.get('v5_reason', '')} - score.NO_REASON
        acc = set().union(*(score.ACCEPT.get(l, set()) for l in labels))
        who = 'classifier' if rec is not None and their.get('reason') not in acc else 'extraction'
        blame[who] += 1
        lines.append((who, row, rec, their))
    print(f'reason misses by cause: {dict(blame)}')
    top = collections.Counter((row['sisimai_reason'], rec['reason'] if rec else 'NOT FOUND')
                              for _, row, rec, _ in lines)
    print('top disagreements (label -> ours):')
    for (a, b), c in top.most_common(12):
        print(f'    {a} -> {b}: {c}')
    if args.disagreements:
        for who, row, rec, their in lines:
            print(f"\n[{who}] {row['source_file']} {row['sisimai_reason']}/{row.get('v5_reason')} "
                  f"cmd={row['smtpcommand']} -> ours={rec['reason'] if rec else None} "
                  f"cmd={rec.get('command') if rec else None} kind={rec['kind'] if rec else None} "
                  f"(their input -> {their.get('reason')})")
            print(f"    ours:   {(rec or {}).get('diagnostic')}")
            print(f"    theirs: {row['input'][:300]}")
        for what, row, rec in misses:
            if what == 'kind':
                print(f"\n[kind] {row['source_file']} {row['sisimai_reason']} -> {rec['kind'] if rec else None}")
            if what == 'hard':
                print(f"\n[hard] {row['source_file']} {row['sisimai_reason']}/{row['sisimai_bounce']} -> "
                      f"{rec['reason'] if rec else None}/{rec['bounce'] if rec else None}")
                print(f"    ours: {(rec or {}).get('diagnostic')}")
    if args.json:
        print(json.dumps(fig))


if __name__ == '__main__':
    main()
