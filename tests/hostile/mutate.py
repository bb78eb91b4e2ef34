#!/usr/bin/env python3
"""mutate.py - run the real tlsdiag binary on mutated copies of the captures.

    mutate.py --tlsdiag BIN --pcaps DIR --regress DIR --tmp DIR
              [--seed N] [--count N] [--timeout SEC]

Deterministic: every variant comes from random.Random(seed), the captures
are taken in name order, nothing depends on the clock. Each variant is one
of the captures in pcaps/ (classic pcap, or converted to pcapng here so
that the 64-bit pcapng timestamps and the if_tsresol / if_tsoffset
options are exercised) with one mutation:

  flip     1 to 8 bytes XORed with a random non-zero byte
  trunc    cut at a random offset
  length   a record's captured/original length (pcap) or a block's total
           length / an EPB's captured length (pcapng) set to an extreme
  ts       timestamps set to extremes (pcap: seconds and microseconds up
           to 2^32-1; pcapng: the 64-bit timestamp, and the interface's
           if_tsresol and if_tsoffset options)
  splice   a run of bytes copied from elsewhere in the same file

Each variant is read twice by the binary, with option combinations taken
in turn from COMBOS (JSON, text, -q, --summary, --failures, -c, a filter,
--keylog, tiny caps, two -r files, standard input, --exit-failed). The
committed regression inputs (fuzz/regress/pcap, those that are capture
files) are read unmutated with every combination. A run passes when it
ends within the timeout, not by a signal, with an exit status that
tlsdiag(1) documents for it (0 or 2; 3 too with --exit-failed), one line
naming the cause on standard error when it exits 2, no sanitizer report,
every --json output line a JSON object, and no raw control character in
text output. Failing inputs are kept in --tmp/failed/ and listed.

Python 3 standard library only. Exit 0 when every run passed, 1 if not.
"""
import argparse
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pcaps', 'tools'))
from pcapio import (  # noqa: E402
    CLASSIC_MAGICS, PCAPNG_MAGIC, pcap_endian, pcap_record_offsets,
    pcapng_blocks, pcapng_bytes, read_bytes)

SANITIZER_MARKS = (b'runtime error:', b'ERROR: AddressSanitizer',
                   b'ERROR: LeakSanitizer', b'ERROR: ThreadSanitizer')

# (name, arguments, input): input "file" is -r VARIANT, "stdin" is -r -
# with the variant on standard input (the one-thread read loop), "two" is
# -r VARIANT -r ORIGINAL. KEYS stands for the capture's key log, dropped
# when it has none. EXIT3 marks --exit-failed.
COMBOS = [
    ('json-summary', ['--json', '--summary', '--threads', '3'], 'file'),
    ('text-verbose', ['-v', '--summary', '--color=never'], 'file'),
    ('quiet-failures-count', ['-q', '--failures', '-c', '40'], 'file'),
    ('json-keylog', ['--json', '--keylog', 'KEYS'], 'file'),
    ('json-tiny-caps', ['--json', '--summary', '--max-flows', '8',
                        '--max-stream-bytes', '1024', '--max-memory', '1',
                        '--idle-timeout', '1'], 'file'),
    ('text-stdin', ['--summary', '--exit-failed'], 'stdin'),
    ('json-two-files', ['--json', '--summary', '-c', '500', '--threads',
                        '2'], 'two'),
    ('json-filter', ['--json', '--verdict', 'ok,handshake_incomplete',
                     'tcp', 'port', '443', 'or', 'vlan'], 'file'),
]


# ---- capture formats (pcaps/tools/pcapio.py) ----

def to_pcapng(data, tsresol=None, tsoffset=None):
    """Convert a classic pcap file to pcapng (little-endian): a section
    header, one interface, an enhanced packet block per record. With
    |tsresol| / |tsoffset| the interface carries those options; the
    timestamps stay microseconds whatever tsresol says."""
    if pcap_endian(data) is None:
        return None
    cap = read_bytes(data, strict=False)
    return pcapng_bytes(cap.link_field, cap.snaplen,
                        [(r.sec * 1000000 + r.frac, r.data, r.wirelen)
                         for r in cap.records], tsresol, tsoffset)


# ---- mutations ----

EXTREME32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 65535,
             65536, 262144, 262145]
EXTREME64 = [0, 1, 0x7fffffffffffffff, -0x8000000000000000, -1,
             1 << 62, -(1 << 62), 253402300799999999, 253402300800000000]


def m_flip(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= rng.randint(1, 255)
    return bytes(b)


def m_trunc(rng, data):
    return data[:rng.randrange(len(data))]


def m_splice(rng, data):
    n = rng.randint(1, 64)
    src = rng.randrange(max(1, len(data) - n))
    dst = rng.randrange(max(1, len(data) - n))
    return data[:dst] + data[src:src + n] + data[dst + n:]


def m_length(rng, data):
    b = bytearray(data)
    rec = pcap_record_offsets(data)
    if rec is not None:
        e, offs = rec
        if not offs:
            return m_flip(rng, data)
        off = rng.choice(offs) + rng.choice((8, 12))
        if rng.random() < 0.5:
            v = rng.choice(EXTREME32)
        else:
            v = struct.unpack(e + 'I', data[off:off + 4])[0] + \
                rng.choice((-1, 1, -4, 4))
        struct.pack_into(e + 'I', b, off, v & 0xffffffff)
        return bytes(b)
    blocks = pcapng_blocks(data)
    if not blocks:
        return m_flip(rng, data)
    off, btype, blen, _ = rng.choice(blocks)
    where = [off + 4, off + blen - 4]
    if btype == 6:
        where += [off + 20, off + 24]       # captured, original length
    pos = rng.choice(where)
    if rng.random() < 0.5:
        v = rng.choice(EXTREME32)
    else:
        v = struct.unpack('<I', data[pos:pos + 4])[0] + \
            rng.choice((-1, 1, -4, 4))
    struct.pack_into('<I', b, pos, v & 0xffffffff)
    return bytes(b)


def m_ts(rng, data):
    b = bytearray(data)
    rec = pcap_record_offsets(data)
    if rec is not None:
        e, offs = rec
        for off in rng.sample(offs, min(len(offs), rng.randint(1, 4))):
            struct.pack_into(e + 'II', b, off, rng.choice(EXTREME32),
                             rng.choice(EXTREME32))
        return bytes(b)
    for off, btype, blen, _ in pcapng_blocks(data):
        if btype == 6 and rng.random() < 0.3:
            struct.pack_into('<II', b, off + 12, rng.choice(EXTREME32),
                             rng.choice(EXTREME32))
    return bytes(b)


MUTATIONS = [('flip', m_flip), ('trunc', m_trunc), ('length', m_length),
             ('ts', m_ts), ('splice', m_splice)]

# if_tsresol values: 10^-6 (the default), seconds, 10^-9, 10^-19, 2^-63,
# 2^0, 10^-127 and 2^-127 (past anything libpcap scales).
TSRESOL = [6, 0, 9, 19, 0x80 | 63, 0x80, 127, 0xff]


def variants(rng, bases, count):
    """Yield (name, bytes, base path) for |count| variants."""
    for i in range(count):
        path = bases[i % len(bases)]
        with open(path, 'rb') as f:
            data = f.read()
        fmt = 'pcap'
        if path.endswith('.pcap') and rng.random() < 0.5:
            kw = {}
            if rng.random() < 0.5:
                kw['tsresol'] = rng.choice(TSRESOL)
            if rng.random() < 0.5:
                kw['tsoffset'] = rng.choice(EXTREME64)
            conv = to_pcapng(data, **kw)
            if conv is not None:
                data = conv
                fmt = 'pcapng' + ('-opts' if kw else '')
        mname, fn = MUTATIONS[rng.randrange(len(MUTATIONS))]
        if fmt == 'pcapng-opts' and rng.random() < 0.3:
            mname = 'none'      # the options alone
        elif data:
            data = fn(rng, data)
        name = '%03d-%s-%s-%s' % (i, mname, fmt,
                                  os.path.splitext(os.path.basename(path))[0])
        yield name, data, path


# ---- running and judging ----

def judge(args, combo, rc, out, err):
    """A failure message, or None."""
    if rc is None:
        return 'no result within %ds' % args.timeout
    if rc < 0:
        return 'killed by signal %d' % -rc
    for m in SANITIZER_MARKS:
        if m in err:
            lines = [l for l in err.split(b'\n') if b'ERROR' in l or
                     b'runtime error' in l or b'SUMMARY' in l]
            return 'sanitizer report: %r' % b' | '.join(lines[:3])
    ok = {0, 2}
    if '--exit-failed' in combo[1]:
        ok.add(3)
    if rc not in ok:
        return 'exit %d (expected one of %s): %r' % (rc, sorted(ok),
                                                      err[-300:])
    if rc == 2 and not err.startswith(b'tlsdiag: '):
        return 'exit 2 without a line naming the cause: %r' % err[:200]
    if '--json' in combo[1]:
        for n, line in enumerate(out.split(b'\n')):
            if not line:
                continue
            try:
                v = json.loads(line.decode('utf-8'))
            except (ValueError, UnicodeDecodeError) as e:
                return 'line %d is not JSON (%s): %r' % (n + 1, e,
                                                         line[:160])
            if not isinstance(v, dict):
                return 'line %d is not a JSON object' % (n + 1)
    else:
        try:
            text = out.decode('utf-8')
        except UnicodeDecodeError as e:
            return 'text output is not valid UTF-8: %s' % e
        bad = sorted({'%#x' % ord(c) for c in text
                      if (ord(c) < 0x20 and c not in '\t\n') or
                      0x7f <= ord(c) <= 0x9f})
        if bad:
            return 'raw control characters in text: %s' % ' '.join(bad)
    return None


def run(args, combo, path, base):
    name, opts, how = combo
    keys = os.path.splitext(base)[0] + '.keys'
    argv = [args.tlsdiag]
    for o in opts:
        if o == 'KEYS':
            if not os.path.exists(keys):
                argv.pop()      # drop --keylog
                continue
            o = keys
        argv.append(o)
    # Options first, then the inputs, then trailing filter words: main.c
    # stops at the first non-option (getopt "+").
    words = []
    if 'tcp' in argv:
        i = argv.index('tcp')
        words = argv[i:]
        argv = argv[:i]
    stdin = subprocess.DEVNULL
    if how == 'stdin':
        argv += ['-r', '-']
        stdin = open(path, 'rb')
    elif how == 'two':
        argv += ['-r', path, '-r', base]
    else:
        argv += ['-r', path]
    argv += words
    env = dict(os.environ)
    env.pop('SSLKEYLOGFILE', None)
    try:
        p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=args.timeout,
                           env=env)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or b'', e.stderr or b''
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    return judge(args, combo, rc, out, err), argv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tlsdiag', required=True)
    ap.add_argument('--pcaps', required=True)
    ap.add_argument('--regress', required=True)
    ap.add_argument('--tmp', required=True)
    ap.add_argument('--seed', type=int, default=21)
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--timeout', type=int, default=30)
    args = ap.parse_args()

    bases = sorted(glob.glob(os.path.join(args.pcaps, '*.pcap')) +
                   glob.glob(os.path.join(args.pcaps, '*.pcapng')))
    if not bases:
        sys.exit('no captures in %s' % args.pcaps)
    vdir = os.path.join(args.tmp, 'variants')
    fdir = os.path.join(args.tmp, 'failed')
    os.makedirs(vdir, exist_ok=True)
    rng = random.Random(args.seed)
    runs = fails = 0
    kinds = {}

    def check(combo, path, base, label):
        nonlocal runs, fails
        runs += 1
        msg, argv = run(args, combo, path, base)
        if msg is not None:
            fails += 1
            os.makedirs(fdir, exist_ok=True)
            shutil.copy(path, fdir)
            print('FAIL: %s (%s): %s\n  %s' % (label, combo[0], msg,
                                              ' '.join(argv)))

    # The committed regression inputs that are capture files, as they are.
    regress = []
    for path in sorted(glob.glob(os.path.join(args.regress, '*'))):
        with open(path, 'rb') as f:
            head = f.read(4)
        if head in CLASSIC_MAGICS or head == PCAPNG_MAGIC:
            regress.append(path)
    for path in regress:
        for combo in COMBOS:
            check(combo, path, path, os.path.basename(path))

    for i, (name, data, base) in enumerate(variants(rng, bases,
                                                     args.count)):
        kind = name.split('-')[1]
        kinds[kind] = kinds.get(kind, 0) + 1
        path = os.path.join(vdir, name)
        with open(path, 'wb') as f:
            f.write(data)
        for j in range(2):
            check(COMBOS[(2 * i + j) % len(COMBOS)], path, base, name)
        os.unlink(path)
    print('%d variants (%s), %d regression inputs, %d runs, %d failed'
          % (args.count, ', '.join('%s %d' % kv for kv in
                                   sorted(kinds.items())),
             len(regress), runs, fails))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
